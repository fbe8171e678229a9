/**
 * eval queries/next-category: query suggestion measured by a proxy (queries-proxy.ts), since the
 * event logs here carry little query text. At a global time cut, every user active in [cut, end)
 * has one target: the category of their first interaction there. Models rank the categories known
 * before the cut (pseudo-queries) through the served ranking code (plugins/dpgcn/queries/rank.ts)
 * under three prefix settings: empty, and the first 1 and 2 characters of the target's text (for
 * Taobao's numeric category ids: its leading digits). Hit@1/5/10 and MRR@10 (reciprocal rank, 0
 * past 10) per user, 95% bootstrap intervals over users, a cold-start bucket (1–coldMax
 * interactions before the cut) and new users (none).
 *
 * Models: popularity by prefix (the baseline); the user's own categories by decayed frequency;
 * dpgcn/graph (trainDpgcnFromStore on a store holding only the events before the cut) with the
 * categories' own node embeddings, and with the LED_TO mean of item rows; and a blend of the three
 * terms whose weights and half-life are chosen on a validation cut (`validDays` before the test
 * cut, its own store and training, targets in [validation cut, test cut)).
 */
import { join } from 'node:path';
import { createEventSink } from '../../ingest/import/sink';
import { GCN_ARTIFACT_NAME } from '../../ml/gcn/artifact';
import { trainDpgcnFromStore } from '../../ml/gcn/from-store';
import { buildQueryIndex, type QueryIndex } from '../../plugins/dpgcn/queries/query-index';
import { dot, rankQueries, recencyWeights, type SuggestWeights, type UserIntent } from '../../plugins/dpgcn/queries/rank';
import { CATEGORY_TABLE, readLatestQueryArtifact, type QueryArtifact } from '../../plugins/dpgcn/queries/snapshot';
import type { LogRow } from '../datasets/event-log';
import type { EvalModelInfo, EvalReport, MetricRow } from '../report/types';
import { buildCategoryProxy, categoryText, targetRank, type CategoryProxy, type UserComponents } from './queries-proxy';
import { openTempStore, peakRssMiB, resolveLog, round6, type RunEnvironmentOptions } from './support';
import { DEFAULT_RESAMPLES, userInterval } from './temporal-intervals';
import { argError, loadSource, type TemporalSource } from './temporal-source';
import { resolveCut } from './temporal-split';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Popularity weight of the single-signal models: breaks their ties and is the cold-start fallback. */
const TIE = 1e-3;
const HALF_LIVES = [6 * HOUR, DAY, 3 * DAY];
const GRID = {
  personal: [0, 0.1, 0.25, 0.5, 1],
  popular: [0.03, 0.1, 0.3, 1],
  recent: [0, 0.25, 0.5, 1, 2],
};
const PREFIXES = [0, 1, 2];
const KS = [1, 5, 10];

export interface QueriesNextCategoryOptions extends RunEnvironmentOptions {
  /** Event log. Default the Taobao head (preset taobao). */
  readonly source?: TemporalSource;
  /** Seed of training and of the bootstrap. Default 42. */
  readonly seed?: number;
  /** Observation window [start, end) (ms). Default the source's (Taobao's official one for the preset). */
  readonly window?: { readonly start: number; readonly end: number };
  /** Test cut (ms). Default: `evalDays` before the end of the observation window. */
  readonly cutTs?: number;
  /** Days from the test cut to the window end (when no cutTs). Default 2. */
  readonly evalDays?: number;
  /** Days from the validation cut to the test cut. Default 1. */
  readonly validDays?: number;
  /** Most training epochs of dpgcn/graph (holdout selection). Default the trainer's. */
  readonly epochs?: number;
  /** Largest interaction count before the cut of the cold-start bucket. Default 3. */
  readonly coldMax?: number;
  /** Bootstrap resamples. Default 2000. */
  readonly bootstrapResamples?: number;
  /** Read only the first n lines of the log. Default all. */
  readonly maxLines?: number;
}

interface CutData {
  readonly cut: number;
  readonly proxy: CategoryProxy;
  readonly artifact: QueryArtifact;
  /** No vectors, own category rows, LED_TO means: same texts, same positions. */
  readonly plain: QueryIndex;
  readonly own: QueryIndex;
  readonly mean: QueryIndex;
  readonly userRows: ReadonlyMap<string, number>;
  readonly trainMs: number;
  readonly users: readonly string[];
}

async function prepareCut(rows: readonly LogRow[], cut: number, end: number, o: QueriesNextCategoryOptions, seed: number, log: (l: string) => void): Promise<CutData> {
  const proxy = buildCategoryProxy(rows, cut, end);
  const { store, dir, dispose } = await openTempStore(o, 'queries');
  try {
    const sink = createEventSink(store, 5000);
    for (const r of rows) if (r.event.ts < cut) await sink.add(r.event, r.item, r.categories);
    await sink.flush();
    const modelsDir = join(dir, 'models');
    const trained = await trainDpgcnFromStore(store, {
      modelsDir,
      trainEnd: cut,
      seed,
      fusion: false,
      createdBy: 'eval queries/next-category',
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      log,
    });
    const artifact = await readLatestQueryArtifact(join(modelsDir, GCN_ARTIFACT_NAME), CATEGORY_TABLE);
    if (artifact === null) throw new Error(`no artifact under ${modelsDir}`);
    const entries = [...proxy.counts].map(([text, count]) => ({ text, count }));
    const dims = artifact.dims;
    const ownIds = artifact.queries === null ? null : { ids: artifact.queries.ids.map(categoryText), vectors: artifact.queries.vectors };
    return {
      cut,
      proxy,
      artifact,
      plain: buildQueryIndex(entries),
      own: buildQueryIndex(entries, { dims, ...(ownIds !== null ? { own: ownIds } : {}) }),
      mean: buildQueryIndex(entries, { dims, items: { ids: artifact.itemIds, vectors: artifact.items }, ledTo: proxy.ledTo }),
      userRows: new Map(artifact.userIds.map((id, r) => [id, r])),
      trainMs: trained.trainMs,
      users: [...proxy.targets.keys()].sort(),
    };
  } finally {
    await dispose();
  }
}

function userVector(c: CutData, userId: string): Float32Array | null {
  const r = c.userRows.get(userId);
  const d = c.artifact.dims;
  return r === undefined ? null : c.artifact.users.subarray(r * d, (r + 1) * d);
}

function prefixOf(text: string, chars: number): string {
  return text.slice(0, chars);
}

type VectorKind = 'own' | 'mean';

/** A blend chosen on validation: weights, half-life, which query vectors, and its validation MRR@10. */
interface Chosen {
  readonly w: SuggestWeights;
  readonly halfLife: number;
  readonly kind: VectorKind;
  readonly mrr: number;
}

const describeChoice = (c: Chosen): string => `personal ${c.w.personal} (${c.kind} vectors), popular ${c.w.popular}, recent ${c.w.recent} (half-life ${c.halfLife / HOUR} h): ${round6(c.mrr)}`;

/**
 * Validation: every grid blend (with each half-life) over one kind of query vectors, by mean
 * MRR@10 over the prefix settings: the best, the best with a graph term (personal > 0), the best
 * half-life of own-categories, and the top 5.
 */
function chooseOnValidation(c: CutData, kind: VectorKind): { best: Chosen; bestGraph: Chosen; ownHalfLife: number; top: Chosen[] } {
  const ix = kind === 'own' ? c.own : c.mean;
  const n = ix.texts.length;
  const settings: Array<{ w: SuggestWeights; h: number }> = [];
  for (const personal of GRID.personal)
    for (const popular of GRID.popular) for (const recent of GRID.recent) for (let h = 0; h < HALF_LIVES.length; h++) if (recent > 0 || h === 0) settings.push({ w: { personal, popular, recent }, h });
  const ownSettings = HALF_LIVES.map((_, h) => ({ w: { personal: 0, popular: TIE, recent: 1 }, h }));
  const all = [...settings, ...ownSettings];
  const rr = new Float64Array(all.length);
  for (const u of c.users) {
    const t = ix.position(c.proxy.targets.get(u)!);
    if (t < 0) continue;
    const v = userVector(c, u);
    const cos = v === null ? null : Float64Array.from({ length: n }, (_, i) => (ix.hasVector[i] === 1 ? dot(v, ix.vectors, i * ix.dims, ix.dims) : 0));
    const recent = HALF_LIVES.map((hl) => {
      const dense = new Float64Array(n);
      for (const [p, w] of recencyWeights(ix, c.proxy.history.get(u) ?? [], c.cut, hl)) dense[p] = w;
      return dense;
    });
    const comps: UserComponents = { cos, recent };
    for (const chars of PREFIXES) {
      const [lo, hi] = ix.prefixRange(prefixOf(ix.texts[t]!, chars));
      all.forEach((s, j) => {
        const rank = targetRank(ix, comps, s.h, lo, hi, t, s.w);
        if (rank <= 10) rr[j] = rr[j]! + 1 / rank;
      });
    }
  }
  const denom = c.users.length * PREFIXES.length;
  const choice = (j: number): Chosen => ({ w: all[j]!.w, halfLife: HALF_LIVES[all[j]!.h]!, kind, mrr: rr[j]! / denom });
  const order = [...settings.keys()].sort((a, b) => rr[b]! - rr[a]! || a - b);
  let bestOwn = settings.length;
  for (let j = settings.length; j < all.length; j++) if (rr[j]! > rr[bestOwn]!) bestOwn = j;
  return {
    best: choice(order[0]!),
    bestGraph: choice(order.find((j) => all[j]!.w.personal > 0)!),
    ownHalfLife: HALF_LIVES[all[bestOwn]!.h]!,
    top: order.slice(0, 5).map(choice),
  };
}

/** The better of two choices (the first on a tie). */
const better = (a: Chosen, b: Chosen): Chosen => (b.mrr > a.mrr ? b : a);

interface ModelSpec {
  readonly info: EvalModelInfo;
  readonly index: (c: CutData) => QueryIndex;
  readonly w: SuggestWeights;
  readonly useVector: boolean;
  /** Half-life of the recency term (ms), null when unused. */
  readonly halfLife: number | null;
}

export async function runQueriesNextCategory(o: QueriesNextCategoryOptions = {}): Promise<EvalReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const log = resolveLog(o);
  const seed = o.seed ?? 42;
  const coldMax = o.coldMax ?? 3;
  const validDays = o.validDays ?? 1;
  if (!(validDays > 0)) throw argError('--valid-days', `must be positive (got ${validDays})`);
  const loaded = await loadSource(o.source ?? { kind: 'preset', preset: 'taobao' }, o.maxLines !== undefined ? { maxLines: o.maxLines } : {});
  const window = o.window ?? loaded.window;
  const testCut = resolveCut(window, { ...(o.cutTs !== undefined ? { cutTs: o.cutTs } : {}), evalDays: o.evalDays ?? 2 });
  const validCut = testCut - validDays * DAY;
  if (!(validCut > window.start)) throw argError('--valid-days', `the validation cut ${new Date(validCut).toISOString()} is not inside the window`);
  const rows = loaded.log.rows;
  log(`queries/next-category: ${rows.length} events; validation cut ${new Date(validCut).toISOString()}, test cut ${new Date(testCut).toISOString()}`);
  const valid = await prepareCut(rows, validCut, testCut, o, seed, log);
  const byOwn = chooseOnValidation(valid, 'own');
  const byMean = chooseOnValidation(valid, 'mean');
  const blend = better(byOwn.best, byMean.best);
  const blendGraph = better(byOwn.bestGraph, byMean.bestGraph);
  const chosen = {
    ownHalfLife: byOwn.ownHalfLife,
    table: [...byOwn.top, ...byMean.top]
      .sort((a, b) => b.mrr - a.mrr)
      .slice(0, 5)
      .map(describeChoice),
  };
  log(`validation (mean MRR@10 over prefixes), best blends: ${chosen.table.join('; ')}; best with the graph term: ${describeChoice(blendGraph)}`);
  const test = await prepareCut(rows, testCut, window.end, o, seed, log);

  const info = (id: string, role: EvalModelInfo['role'], params: Record<string, unknown>, trainMs?: number): EvalModelInfo => ({
    id,
    version: '1',
    role,
    params,
    ...(trainMs !== undefined ? { trainMs: Math.round(trainMs) } : {}),
  });
  const graphParams = { trainer: 'ml/gcn/from-store trainDpgcnFromStore (fusion off)', trainEnd: new Date(testCut).toISOString(), seed };
  const models: ModelSpec[] = [
    {
      info: info('popularity-by-prefix', 'baseline', { weights: { personal: 0, popular: 1, recent: 0 } }),
      index: (c) => c.plain,
      w: { personal: 0, popular: 1, recent: 0 },
      useVector: false,
      halfLife: null,
    },
    {
      info: info('own-categories', 'baseline', { weights: { personal: 0, popular: TIE, recent: 1 }, halfLifeHours: chosen.ownHalfLife / HOUR }),
      index: (c) => c.plain,
      w: { personal: 0, popular: TIE, recent: 1 },
      useVector: false,
      halfLife: chosen.ownHalfLife,
    },
    {
      info: info('dpgcn/graph:category-rows', 'candidate', { ...graphParams, weights: { personal: 1, popular: TIE, recent: 0 }, vectors: 'categories.bin' }, test.trainMs),
      index: (c) => c.own,
      w: { personal: 1, popular: TIE, recent: 0 },
      useVector: true,
      halfLife: null,
    },
    {
      info: info('dpgcn/graph:led-to-mean', 'candidate', { ...graphParams, weights: { personal: 1, popular: TIE, recent: 0 }, vectors: 'mean of item rows over item-category edges' }),
      index: (c) => c.mean,
      w: { personal: 1, popular: TIE, recent: 0 },
      useVector: true,
      halfLife: null,
    },
    ...[
      { id: 'blend', c: blend, what: 'the best grid blend' },
      { id: 'blend:graph', c: blendGraph, what: 'the best grid blend with a graph term (personal > 0)' },
    ].map(({ id, c, what }) => ({
      info: info(id, 'candidate', {
        ...graphParams,
        weights: c.w,
        halfLifeHours: c.halfLife / HOUR,
        vectors: c.kind === 'own' ? 'categories.bin' : 'LED_TO mean',
        chosenOn: `${what} by validation MRR@10 (${round6(c.mrr)}) at ${new Date(validCut).toISOString()}`,
      }),
      index: (d: CutData) => (c.kind === 'own' ? d.own : d.mean),
      w: c.w,
      useVector: true,
      halfLife: c.halfLife,
    })),
  ];

  const before = new Map<string, number>([...test.proxy.history].map(([u, h]) => [u, h.length]));
  const segmentOf = (u: string): string | null => {
    const n = before.get(u) ?? 0;
    return n === 0 ? 'new-users' : n <= coldMax ? `cold-users:1-${coldMax}` : null;
  };
  const metrics: MetricRow[] = [];
  const resamples = o.bootstrapResamples ?? DEFAULT_RESAMPLES;
  for (const m of models) {
    const ix = m.index(test);
    for (const chars of PREFIXES) {
      const values = new Map<string, number[]>(); // metric key -> per-user values (user order)
      const segs: Array<string | null> = [];
      for (const u of test.users) {
        const text = test.proxy.targets.get(u)!;
        const intent: UserIntent = {
          vector: m.useVector ? userVector(test, u) : null,
          recent: m.halfLife === null ? new Map() : recencyWeights(ix, test.proxy.history.get(u) ?? [], testCut, m.halfLife),
        };
        const list = rankQueries(ix, intent, prefixOf(text, chars), 10, m.w);
        const rank = list.findIndex((s) => s.text === text) + 1;
        for (const k of KS) (values.get(`hit@${k}`) ?? values.set(`hit@${k}`, []).get(`hit@${k}`)!).push(rank > 0 && rank <= k ? 1 : 0);
        (values.get('mrr@10') ?? values.set('mrr@10', []).get('mrr@10')!).push(rank > 0 ? 1 / rank : 0);
        segs.push(segmentOf(u));
      }
      for (const [key, v] of values) {
        const [metric, k] = key.split('@') as [string, string];
        for (const segment of [undefined, 'new-users', `cold-users:1-${coldMax}`]) {
          const sel = v.filter((_, j) => segment === undefined || segs[j] === segment);
          if (sel.length === 0) continue;
          const ci = userInterval(sel, null, { seed, resamples });
          metrics.push({
            model: m.info.id,
            metric,
            k: Number(k),
            target: `prefix:${chars}`,
            ...(segment !== undefined ? { segment } : {}),
            value: round6(sel.reduce((a, b) => a + b, 0) / sel.length),
            n: sel.length,
            ...(ci !== null ? { ci } : {}),
          });
        }
      }
    }
  }
  const known = test.users.filter((u) => test.plain.position(test.proxy.targets.get(u)!) >= 0).length;
  const notes = [
    'Proxy of query suggestion (the logs have little query text): categories are pseudo-queries. A category\'s text is its id without the source prefix ("taobao:2520377" -> "2520377"); its query-item (LED_TO) edges are its item-category edges counted by the interactions before the cut; its popularity is the interactions with its items before the cut; a user\'s own queries are the categories of their interactions before the cut.',
    `Target: the category of each user's first interaction at or after the test cut ${new Date(testCut).toISOString()} (before ${new Date(window.end).toISOString()}); ${test.users.length} users, ${known} of whose targets are known categories before the cut (${round6(known / Math.max(1, test.users.length))}: the ceiling of every Hit@K); ${test.plain.texts.length} known categories.`,
    "Prefix settings (metric target): prefix:0 is the empty prefix (all known categories), prefix:1 and prefix:2 the first 1 and 2 characters of the target's text: for numeric ids, its leading digits (the candidates are the categories whose id starts with them).",
    'Ranking: plugins/dpgcn/queries/rank.ts, as served by suggestQueries (limit 10). MRR@10: reciprocal rank, 0 when the target is not in the top 10. Intervals: 95% percentile bootstrap over users.',
    `dpgcn/graph: trained by trainDpgcnFromStore (ml/gcn/from-store.ts, fusion off) on a store holding only the events before each cut (seed ${seed}); users unknown to it (none before the cut) fall back to popularity by prefix. category-rows uses the categories' own node embeddings (categories.bin), led-to-mean the mean of their items' rows.`,
    `Blend: weights and half-life chosen on a validation cut ${new Date(validCut).toISOString()} (targets before the test cut, its own store and training) by mean MRR@10 over the prefix settings (vectors: categories.bin or LED_TO mean); top 5: ${chosen.table.join('; ')}. blend:graph is the best with personal > 0: ${describeChoice(blendGraph)}.`,
    `Buckets: new-users (no interaction before the cut), cold-users:1-${coldMax} (1-${coldMax} interactions before the cut).`,
  ];
  return {
    schemaVersion: 1,
    protocol: 'queries/next-category',
    dataset: {
      name: loaded.name,
      path: loaded.path,
      split: `validation cut ${new Date(validCut).toISOString()}, test cut ${new Date(testCut).toISOString()}, end ${new Date(window.end).toISOString()}`,
      stats: { events: rows.length, users: test.users.length, knownTargets: known, categories: test.plain.texts.length },
    },
    seed,
    startedAt,
    wallMs: Math.round(performance.now() - started),
    peakRssMiB: peakRssMiB(),
    models: models.map((m) => m.info),
    metrics,
    notes,
  };
}
