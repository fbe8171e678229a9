/**
 * Labelled lists for the learned ranker, built from an event log by replaying it through the
 * gateway's own retrieval, features and first-stage scorers as of a series of cut times.
 *
 * For each cut c (ascending): a scratch embedded store holds exactly the events before c (it is
 * filled incrementally, in time order, and an item's record enters with its first event); every
 * user with history before c and an event in [c, c + horizon) gets one list: the candidates the
 * strategy's retrievers propose, plus `negatives` items drawn from those seen before c. A
 * candidate's label is its grade: the strongest event type the user had with it in the window.
 * Lists without a positive carry no ranking signal and are dropped. Nothing at or after
 * c + horizon is read for the lists of cut c.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CategoryRecord, ItemRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';
import { candidatesFor, retrieveCandidates, type Candidates } from '../../pipeline/candidates';
import { loadFeatures } from '../../pipeline/features';
import { scoreCandidates, strategyMembers } from '../../pipeline/stages';
import type { Strategy } from '../../pipeline/strategy';
import type { FeatureKey, FeatureValues } from '../../plugins/sdk/features';
import type { ScorerRegistry } from '../../plugins/sdk/registry';
import { LTR_FEATURE_KEYS, ltrFeatureNames, ltrFeatures } from '../../plugins/ltr/features';
import { preRankOrder } from '../../plugins/ltr/prune';
import { mulberry32 } from '../random';

/** Relevance grade per event type; types not listed are grade 0. */
export type Grades = Readonly<Record<string, number>>;

/** Default grades: purchase 3, add_to_cart 2, click / view / wishlist 1. */
export const DEFAULT_GRADES: Grades = Object.freeze({ purchase: 3, add_to_cart: 2, wishlist: 1, click: 1, view: 1 });

/** A block of lists: row-major features, grades, group sizes, and who each group is. */
export interface LtrLists {
  readonly featureNames: readonly string[];
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly groups: Uint32Array;
  /** Per group: the user and the cut. */
  readonly meta: ReadonlyArray<{ readonly userId: string; readonly cut: number }>;
  /** Per group: positives in the window the candidates missed (retrieval recall loss). */
  readonly missedPositives: number;
  readonly positives: number;
  /**
   * Per first-stage scorer id, per row: the row's rank (0 = best) by that score among the whole
   * retrieved candidate list the gateway would have scored, before negatives were subsampled;
   * NOT_RETRIEVED for the random negatives. The pruning check (ml/ltr/prune.ts) reads these, so
   * "the top K" means what it means when serving. Absent: ranks within the list are used.
   */
  readonly preRanks?: Readonly<Record<string, Uint32Array>>;
}

/** preRanks value of a row the retrievers did not propose (a random negative). */
export const NOT_RETRIEVED = 0xffffffff;

export interface ListOptions {
  /** Cut times (ms), ascending. */
  readonly cuts: readonly number[];
  /** Label window after each cut (ms). */
  readonly horizonMs: number;
  /** The strategy whose retrievers propose candidates (its second-stage scorer is not run). */
  readonly strategy: Strategy;
  /** Registry holding the strategy's first-stage scorers. */
  readonly registry: ScorerRegistry;
  /** First-stage scorer ids that become `score:<id>` columns. */
  readonly scorerIds: readonly string[];
  readonly grades?: Grades;
  /** Random negatives added per list. Default 20. */
  readonly negatives?: number;
  /** Keep at most this many grade-0 candidates per list (random subset). Default 100. */
  readonly maxNegativesPerList?: number;
  /** Half-life of the user affinities (ms). Default 3 days. */
  readonly halfLifeMs?: number;
  readonly seed?: number;
  /** Stats half-life of the scratch store (ms). Default the store's default. */
  readonly statsHalfLifeMs?: number;
  /** Called after each list. */
  readonly onList?: (done: number) => void;
  /** Keep lists without a positive (a pointwise dataset wants them; a ranker learns nothing from them). Default false. */
  readonly keepListsWithoutPositives?: boolean;
  /** At most this many users per cut: a seeded sample of those with history before the cut. Default all. */
  readonly maxUsersPerCut?: number;
  /** Features loaded with the first-stage scorers' for the whole retrieved list handed to `onServingList`. Default none. */
  readonly servingFeatures?: readonly FeatureKey[];
  /** Called for each kept list with what serving sees for the user at the cut (ServingList). Default none. */
  readonly onServingList?: (list: ServingList) => void;
  /** Called after each user of a cut is visited, kept or not. Default none. */
  readonly onUser?: (visited: number, users: number) => void;
}

/**
 * One list as the feed pipeline sees it: the whole retrieved candidate list and the features
 * `loadFeatures` loads for it (as `feed(userId)` would at `now`), and where each list row is in it.
 */
export interface ServingList {
  readonly userId: string;
  readonly cut: number;
  /** The newest event before the cut: the request time serving uses (ms). */
  readonly now: number;
  /** The list's rows (its item ids, in row order). */
  readonly itemIds: readonly string[];
  /** Per row: its grade in the label window. */
  readonly grades: readonly number[];
  /** Per row: its index in `retrieved.itemIds`, -1 for a random negative the retrievers did not propose. */
  readonly rowInRetrieved: Int32Array;
  readonly retrieved: Candidates;
  /** Loaded for `retrieved` (servingFeatures and the first-stage scorers' features). */
  readonly features: Partial<FeatureValues>;
}

/** Events per user in [from, to), graded. */
function windowGrades(events: readonly InteractionEvent[], from: number, to: number, grades: Grades): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.ts < from || e.ts >= to || e.itemId === null) continue;
    let m = out.get(e.userId);
    if (!m) out.set(e.userId, (m = new Map()));
    m.set(e.itemId, Math.max(m.get(e.itemId) ?? 0, grades[e.type] ?? 0));
  }
  return out;
}

/** Users with an event in events[0, end) (the events before the cut). */
function batchUsers(events: readonly InteractionEvent[], end: number): Set<string> {
  const out = new Set<string>();
  for (let k = 0; k < end; k++) out.add(events[k]!.userId);
  return out;
}

/** A seeded sample of `max` of the (sorted) users that have history, returned sorted. */
function sampleUsers(users: readonly string[], withHistory: ReadonlySet<string>, max: number, seed: number): string[] {
  const pool = users.filter((u) => withHistory.has(u));
  const rng = mulberry32(seed);
  const take = Math.min(max, pool.length);
  for (let k = 0; k < take; k++) {
    const j = k + Math.floor(rng() * (pool.length - k));
    [pool[k], pool[j]] = [pool[j]!, pool[k]!];
  }
  return pool.slice(0, take).sort();
}

/**
 * Build the lists for every cut. `events` must be sorted by ts; `items` and `categories` are the
 * catalogue (an item's record enters the scratch store with its first event).
 */
export async function buildLtrLists(events: readonly InteractionEvent[], items: ReadonlyMap<string, ItemRecord>, categories: readonly CategoryRecord[], o: ListOptions): Promise<LtrLists> {
  const grades = o.grades ?? DEFAULT_GRADES;
  const negatives = o.negatives ?? 20;
  const maxNeg = o.maxNegativesPerList ?? 100;
  const rng = mulberry32(o.seed ?? 42);
  const featureNames = ltrFeatureNames(o.scorerIds);
  const d = featureNames.length;
  const members = strategyMembers({ ...o.strategy, scorers: o.strategy.scorers.filter((s) => o.scorerIds.includes(s.id)).map((s) => ({ ...s, weight: 1 })) }, o.registry);
  const needed = new Set<FeatureKey>([...LTR_FEATURE_KEYS.filter((k) => k !== 'scores.firstStage'), ...members.flatMap((m) => m.reg.features)]);

  const dir = await mkdtemp(join(tmpdir(), 'recgate-ltr-'));
  const store: GraphStore = await createEmbeddedGraphStore({
    path: join(dir, 'replay.db'),
    synchronous: 'NORMAL',
    categoryCacheMs: 0,
    ...(o.statsHalfLifeMs ? { statsHalfLifeMs: o.statsHalfLifeMs } : {}),
  });
  const xs: Float32Array[] = [];
  const preRankParts = new Map<string, Uint32Array[]>(o.scorerIds.map((id) => [id, []]));
  const firstNeeded = new Set<FeatureKey>([...members.flatMap((m) => m.reg.features), ...(o.servingFeatures ?? [])]);
  const ys: number[] = [];
  const groups: number[] = [];
  const meta: Array<{ userId: string; cut: number }> = [];
  let missed = 0;
  let positives = 0;
  try {
    if (categories.length > 0) await store.upsertCategories(categories);
    const seenItems = new Set<string>();
    const pool: string[] = [];
    let next = 0;
    for (const cut of o.cuts) {
      // Catch the store up to the cut.
      const batch: InteractionEvent[] = [];
      const newItems: ItemRecord[] = [];
      for (; next < events.length && events[next]!.ts < cut; next++) {
        const e = events[next]!;
        batch.push(e);
        if (e.itemId !== null && !seenItems.has(e.itemId)) {
          seenItems.add(e.itemId);
          pool.push(e.itemId);
          const rec = items.get(e.itemId);
          if (rec) newItems.push({ ...rec, createdAt: Math.min(rec.createdAt, e.ts) });
        }
      }
      for (let k = 0; k < newItems.length; k += 5000) await store.upsertItems(newItems.slice(k, k + 5000));
      for (let k = 0; k < batch.length; k += 5000) await store.ingestEvents(batch.slice(k, k + 5000));
      const now = await store.latestEventTs();
      const labels = windowGrades(events, cut, cut + o.horizonMs, grades);
      let users = [...labels.keys()].sort();
      if (o.maxUsersPerCut !== undefined && users.length > o.maxUsersPerCut) users = sampleUsers(users, batchUsers(events, next), o.maxUsersPerCut, (o.seed ?? 42) + cut);
      for (const [visited, userId] of users.entries()) {
        o.onUser?.(visited + 1, users.length);
        const profile = await store.userProfile(userId, o.strategy.historyLimit);
        if (!profile.known || profile.history.length === 0) continue;
        const label = labels.get(userId)!;
        const retrieved = await retrieveCandidates(store, o.strategy, profile);
        const ids = new Set(retrieved.itemIds);
        for (let t = 0; t < negatives * 3 && ids.size < retrieved.itemIds.length + negatives && pool.length > 0; t++) {
          const id = pool[Math.floor(rng() * pool.length)]!;
          if (!label.has(id) && !profile.purchased.has(id)) ids.add(id);
        }
        let listPos = 0;
        for (const [id, g] of label) {
          if (g <= 0) continue;
          positives += 1;
          if (ids.has(id)) listPos += 1;
          else missed += 1;
        }
        if (listPos === 0 && !(o.keepListsWithoutPositives && ids.size > 0)) continue;
        // Keep every positive and at most maxNeg negatives (seeded subset).
        const all = [...ids];
        const pos = all.filter((id) => (label.get(id) ?? 0) > 0);
        const neg = all.filter((id) => (label.get(id) ?? 0) <= 0);
        for (let k = neg.length - 1; k > 0; k--) {
          const j = Math.floor(rng() * (k + 1));
          [neg[k], neg[j]] = [neg[j]!, neg[k]!];
        }
        // Shuffled: nothing downstream may learn or score from the list's order (ties would
        // otherwise keep the positives, added first, on top).
        const itemIds = [...pos, ...neg.slice(0, maxNeg)];
        for (let k = itemIds.length - 1; k > 0; k--) {
          const j = Math.floor(rng() * (k + 1));
          [itemIds[k], itemIds[j]] = [itemIds[j]!, itemIds[k]!];
        }
        // Each row's rank by each first-stage score in the whole retrieved list, as serving would see it.
        // A second scoring below is not redundant: it scores the training rows (with random negatives)
        // on the wider neighbourhood that candidatesFor loads, so its scores differ from these.
        const fullFeatures = await loadFeatures({ store, needed: firstNeeded, profile, candidates: retrieved, now, seeds: o.strategy.candidates.neighbourhood?.seeds ?? 20 });
        if (o.onServingList) {
          const at = new Map(retrieved.itemIds.map((id, i) => [id, i] as const));
          const rowInRetrieved = Int32Array.from(itemIds, (id) => at.get(id) ?? -1);
          o.onServingList({ userId, cut, now, itemIds, grades: itemIds.map((id) => label.get(id) ?? 0), rowInRetrieved, retrieved, features: fullFeatures });
        }
        const fullStage = await scoreCandidates(members, { userId, itemIds: retrieved.itemIds, features: fullFeatures, now });
        for (const id of o.scorerIds) {
          const col = fullStage.columns.find((c) => c.scorerId === id)?.raw;
          const rankOf = new Map<string, number>();
          if (col) preRankOrder(col).forEach((i, r) => rankOf.set(retrieved.itemIds[i]!, r));
          preRankParts.get(id)!.push(Uint32Array.from(itemIds, (itemId) => rankOf.get(itemId) ?? NOT_RETRIEVED));
        }
        const candidates = await candidatesFor(store, o.strategy, profile, itemIds, Math.max(o.strategy.candidates.max, 1000));
        const features = await loadFeatures({ store, needed, profile, candidates, now, seeds: o.strategy.candidates.neighbourhood?.seeds ?? 20 });
        const stage = await scoreCandidates(members, { userId, itemIds, features, now });
        const byId = new Map(stage.columns.map((c) => [c.scorerId, c.raw] as const));
        const firstStage: FeatureValues['scores.firstStage'] = { scorerIds: o.scorerIds, columns: o.scorerIds.map((id) => byId.get(id) ?? null) };
        const x = ltrFeatures({ ...(features as FeatureValues), 'scores.firstStage': firstStage }, itemIds, now, { scorerIds: o.scorerIds, ...(o.halfLifeMs ? { halfLifeMs: o.halfLifeMs } : {}) });
        xs.push(x);
        for (const id of itemIds) ys.push(label.get(id) ?? 0);
        groups.push(itemIds.length);
        meta.push({ userId, cut });
        o.onList?.(meta.length);
      }
    }
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  const n = ys.length;
  const x = new Float32Array(n * d);
  let off = 0;
  for (const b of xs) {
    x.set(b, off);
    off += b.length;
  }
  const preRanks: Record<string, Uint32Array> = {};
  for (const [id, parts] of preRankParts) {
    const r = new Uint32Array(n);
    let at = 0;
    for (const part of parts) {
      r.set(part, at);
      at += part.length;
    }
    preRanks[id] = r;
  }
  return { featureNames, x, y: Float32Array.from(ys), groups: Uint32Array.from(groups), meta, missedPositives: missed, positives, preRanks };
}
