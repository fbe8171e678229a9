/**
 * The ads service behind `ads(userId, query, limit)`:
 *   candidates -> MTL scoring (deadline) -> order by predicted CTR -> selling points -> titles.
 *
 * Which items are ads: every available catalogue item is eligible (no sponsorship flag); the
 * query picks them. Retrieval reads the `pool` most popular available items (store.trending), the
 * `pool` newest ones (store.fresh, so an item nobody touched yet can be an ad) and the most
 * popular items of every category whose id equals the query or one of its terms (store.categoryItems, first),
 * keeps those that match at least one query term (title terms, brand, category segments or
 * selling points; adTermsOf), best match first, and scores the first `candidates`. An empty query
 * keeps the popular pool as is. An item outside both lists is not retrieved.
 *
 * Scoring: the served MTL model predicts each candidate's CTR and one score per candidate selling
 * point. Ads are ordered by match (the share of query terms they match), then by predicted CTR,
 * then by popularity: a full match is never ranked under a partial one. The setting
 * (plugins/mtl-ads/settings.ts) picks how many selling points go into the title (0..3) and
 * whether the model's scores (personalised), the global click rates (keyword-rates.ts) or a
 * uniform draw (exploration, seeded by user, query and clock) pick them. No model, a model that throws, or one that misses its deadline: the ads keep retrieval
 * order, `predictedCtr` is null, selling points rank by global click rate, and the failure is
 * listed in `degraded` (MODEL_UNAVAILABLE, SCORER_FAILED, SCORER_TIMEOUT or SCORER_BAD_OUTPUT).
 */
import { ErrorCode } from '../../errors/codes';
import { normaliseQuery, termsOf, type InteractionEvent } from '../../domain/events';
import type { ItemRecord } from '../../domain/catalog';
import type { GraphStore } from '../../graph/port';
import type { AdsFeatureContext, AdsPrediction, MtlAdsModel } from '../../ml/mtl/ads/types';
import type { DegradedScorer } from '../../pipeline/feed';
import { requestFeatureContext } from './context';
import type { KeywordRates } from './keyword-rates';
import { adTermsOf, rewriteTitle, sellingPointsOf, type HighlightSpan } from './selling-points';
import type { AdsSetting } from './settings';

/** The id under which the model's failures are listed in `degraded`. */
export const ADS_SCORER_ID = 'mtl-ads';

export interface AdsRequest {
  readonly userId: string;
  /** Free query text (normalised here). */
  readonly query: string;
  readonly limit: number;
  readonly setting: AdsSetting;
  readonly signal?: AbortSignal | undefined;
}

export interface AdSellingPoint {
  readonly keyword: string;
  /** P(selling-point click | shown) from the model (personalised), else the global click rate. */
  readonly score: number;
}

export interface AdSlot {
  readonly rank: number;
  readonly itemId: string;
  readonly item: ItemRecord;
  /** The rewritten title (plain text). */
  readonly title: string;
  readonly highlights: readonly HighlightSpan[];
  /** Every candidate selling point with its score, best first. */
  readonly sellingPoints: readonly AdSellingPoint[];
  /** The selling points written into the title, in score order. */
  readonly shown: readonly string[];
  /** Predicted ad CTR; null when no model answered. */
  readonly predictedCtr: number | null;
  /** Share of the query's terms the item matches (1 for an empty query). */
  readonly match: number;
}

export interface AdsResult {
  readonly userId: string;
  /** The normalised query. */
  readonly query: string;
  readonly setting: AdsSetting;
  /** `mtl-ads/<kind>@<version>` of the model that scored, or null. */
  readonly modelVersion: string | null;
  /** True when the shown selling points came from the model's per-user scores. */
  readonly personalised: boolean;
  readonly slots: readonly AdSlot[];
  readonly degraded: readonly DegradedScorer[];
  readonly candidateCount: number;
  readonly scoringMs: number;
}

export interface AdsServiceOptions {
  readonly store: GraphStore;
  /** The model served now (createAdsModelSource().current), null when none. */
  readonly model: () => MtlAdsModel | null;
  readonly rates: KeywordRates;
  /** Deadline of one model call, ms. Default 50. */
  readonly timeoutMs?: number;
  /** Popular items, and newest items, read per request (retrieval pool). Default 500. */
  readonly pool?: number;
  /** Items read per category named by a query term. Default 200. */
  readonly perCategory?: number;
  /** Candidates scored per request: max(limit, this). Default 100. */
  readonly candidates?: number;
  /** Builds the model's feature context (default: requestFeatureContext on the store). */
  readonly featureContext?: (userId: string, items: ReadonlyMap<string, ItemRecord>) => Promise<AdsFeatureContext>;
  /** Server clock (ms), the as-of time of the features. Default Date.now. */
  readonly clock?: () => number;
}

export interface AdsService {
  ads(req: AdsRequest): Promise<AdsResult>;
  /** The ingest hook: counts selling-point clicks for the global rates. */
  onStored(events: readonly InteractionEvent[]): void;
  readonly rates: KeywordRates;
}

class Deadline extends Error {}

/** A uniform stream seeded by the request (user, query, clock): the `-rnd` settings replay under a replayed clock. */
function drawStream(userId: string, query: string, now: number): () => number {
  let h = 2166136261;
  for (const c of `${userId}\u0000${query}\u0000${now}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly random order of `xs` (Fisher-Yates). */
function drawWithoutReplacement(rng: () => number, xs: readonly string[]): string[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function withDeadline<T>(p: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Deadline(`missed its ${ms} ms deadline`)), ms);
    const onAbort = (): void => reject(new Deadline('the request was aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

function checkPredictions(out: readonly AdsPrediction[], rows: ReadonlyArray<{ keywords: readonly string[] }>): string | null {
  if (out.length !== rows.length) return `returned ${out.length} predictions for ${rows.length} ads`;
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    if (!Number.isFinite(p.ctr)) return `a non-finite CTR for ad ${i}`;
    if (p.keywordScores.length !== rows[i]!.keywords.length) return `${p.keywordScores.length} keyword scores for ${rows[i]!.keywords.length} keywords (ad ${i})`;
    for (const s of p.keywordScores) if (!Number.isFinite(s)) return `a non-finite keyword score (ad ${i})`;
  }
  return null;
}

export function createAdsService(o: AdsServiceOptions): AdsService {
  const { store, rates } = o;
  const timeoutMs = o.timeoutMs ?? 50;
  const pool = o.pool ?? 500;
  const perCategory = o.perCategory ?? 200;
  const maxCandidates = o.candidates ?? 100;
  const clock = o.clock ?? Date.now;
  const featureContext = o.featureContext ?? ((userId, items) => requestFeatureContext(store, userId, items));

  // Per catalogue record (the embedded store hands out the same object until the item is written again).
  const derived = new WeakMap<ItemRecord, { terms: Set<string>; points: string[] }>();
  const derive = (item: ItemRecord): { terms: Set<string>; points: string[] } => {
    let d = derived.get(item);
    if (d === undefined) derived.set(item, (d = { terms: adTermsOf(item), points: sellingPointsOf(item) }));
    return d;
  };

  async function retrieve(query: string, terms: readonly string[], want: number): Promise<{ items: ItemRecord[]; match: number[]; total: number }> {
    // The whole query may be a category id too (`taobao:2520377`), besides its terms.
    const categories = terms.length > 0 ? [...new Set([query, ...terms])] : [];
    const [popular, fresh, byCategory] = await Promise.all([
      store.trending(pool),
      store.fresh(pool),
      categories.length > 0 ? store.categoryItems(categories, perCategory) : Promise.resolve(new Map<string, string[]>()),
    ]);
    const order = new Map<string, number>();
    for (const ids of byCategory.values()) for (const id of ids) if (!order.has(id)) order.set(id, order.size);
    for (const id of popular) if (!order.has(id)) order.set(id, order.size);
    for (const id of fresh) if (!order.has(id)) order.set(id, order.size);
    // An empty query keeps the pool order: only the first `want` (trending and fresh list available items only) are read.
    const ids = terms.length === 0 ? [...order.keys()].slice(0, want) : [...order.keys()];
    const records = await store.getItems(ids);
    const found: { item: ItemRecord; match: number; at: number }[] = [];
    for (const id of ids) {
      const item = records.get(id);
      const at = order.get(id)!;
      if (item === undefined || !item.available) continue;
      let match = 1;
      if (terms.length > 0) {
        const own = derive(item).terms;
        match = terms.filter((t) => own.has(t)).length / terms.length;
        if (match === 0) continue;
      }
      found.push({ item, match, at });
    }
    found.sort((a, b) => b.match - a.match || a.at - b.at);
    const kept = found.slice(0, want);
    return { items: kept.map((f) => f.item), match: kept.map((f) => f.match), total: found.length };
  }

  return {
    rates,
    onStored(events) {
      for (const e of events) if (e.type === 'selling_point_click' && e.keyword) rates.clicked(e.keyword);
    },
    async ads(req) {
      const query = normaliseQuery(req.query);
      const terms = termsOf(query);
      const { items, match, total } = await retrieve(query, terms, Math.max(req.limit, maxCandidates));
      const keywords = items.map((it) => derive(it).points);
      const degraded: DegradedScorer[] = [];
      const model = o.model();
      let predictions: readonly AdsPrediction[] | null = null;
      const t0 = performance.now();
      if (model === null) {
        degraded.push({ scorerId: ADS_SCORER_ID, version: 'none', code: ErrorCode.MODEL_UNAVAILABLE, message: 'no MTL-ads model is loaded (MTL_ADS_MODELS_DIR)' });
      } else if (items.length > 0) {
        try {
          const now = clock();
          const byId = new Map(items.map((it) => [it.id, it]));
          const rows = items.map((it, i) => ({ userId: req.userId, query, itemId: it.id, keywords: keywords[i]!, at: now }));
          const out = await withDeadline(
            featureContext(req.userId, byId).then((ctx) => model.predict(rows, ctx)),
            timeoutMs,
            req.signal,
          );
          const bad = checkPredictions(out, rows);
          if (bad !== null) degraded.push({ scorerId: ADS_SCORER_ID, version: model.modelVersion, code: ErrorCode.SCORER_BAD_OUTPUT, message: bad });
          else predictions = out;
        } catch (err) {
          const timeout = err instanceof Deadline;
          degraded.push({ scorerId: ADS_SCORER_ID, version: model.modelVersion, code: timeout ? ErrorCode.SCORER_TIMEOUT : ErrorCode.SCORER_FAILED, message: (err as Error).message });
        }
      }
      const scoringMs = performance.now() - t0;
      const order = items.map((_, i) => i);
      if (predictions !== null) {
        const p = predictions;
        order.sort((a, b) => match[b]! - match[a]! || p[b]!.ctr - p[a]!.ctr || a - b);
      }
      const personalised = predictions !== null && req.setting.selection === 'model';
      const random = req.setting.selection === 'random' ? drawStream(req.userId, query, clock()) : null;
      const slots: AdSlot[] = order.slice(0, req.limit).map((i, r) => {
        const item = items[i]!;
        const ks = keywords[i]!;
        const scored = ks.map((keyword, j) => ({ keyword, score: personalised ? predictions![i]!.keywordScores[j]! : rates.rate(keyword), j }));
        scored.sort((a, b) => b.score - a.score || a.j - b.j);
        const shown = (random ? drawWithoutReplacement(random, ks) : scored.map((s) => s.keyword)).slice(0, req.setting.sellingPoints);
        const { title, highlights } = rewriteTitle(item.title, shown);
        return {
          rank: r + 1,
          itemId: item.id,
          item,
          title,
          highlights,
          sellingPoints: scored.map(({ keyword, score }) => ({ keyword, score })),
          shown,
          predictedCtr: predictions === null ? null : predictions[i]!.ctr,
          match: match[i]!,
        };
      });
      for (const s of slots) rates.shown(s.shown);
      return { userId: req.userId, query, setting: req.setting, modelVersion: predictions === null ? null : model!.modelVersion, personalised, slots, degraded, candidateCount: total, scoringMs };
    },
  };
}
