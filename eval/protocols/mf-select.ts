/**
 * MF-BPR on an event store for events/temporal: the store's interactions as implicit-feedback
 * pairs (any behaviour; a user's item counted once), and the choice of BPR settings on a
 * validation cut INSIDE the training data: train on the pairs before `validCut`, rank every item
 * for each user with a pair in [validCut, end), score Recall@K of those items. Pure but for the
 * training itself (ml/mf/bpr.ts).
 */
import { BPR_DEFAULTS, scoreAllItems, trainBpr, type BprHyperParameters, type MfModel, type MfTrainData } from '../../ml/mf/bpr';
import { metricsWidth, topKIndices, writeUserMetrics } from '../metrics/ranking';

/** One interaction as the selection reads it. */
export interface TimedPair {
  readonly userId: string;
  readonly itemId: string;
  readonly ts: number;
}

/** MF training data over sorted ids. */
export interface PairData {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly data: MfTrainData;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Distinct (user, item) pairs as a CSR over sorted user and item ids (rows sorted ascending). */
export function pairsToCsr(pairs: readonly TimedPair[]): PairData {
  const userIds = [...new Set(pairs.map((p) => p.userId))].sort(byId);
  const itemIds = [...new Set(pairs.map((p) => p.itemId))].sort(byId);
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const userIndex = new Map(userIds.map((id, i) => [id, i]));
  const rows: Array<Set<number>> = userIds.map(() => new Set());
  for (const p of pairs) rows[userIndex.get(p.userId)!]!.add(itemIndex.get(p.itemId)!);
  const indptr = new Int32Array(userIds.length + 1);
  rows.forEach((r, u) => (indptr[u + 1] = indptr[u]! + r.size));
  const items = new Int32Array(indptr[userIds.length]!);
  rows.forEach((r, u) => items.set(Int32Array.from(r).sort(), indptr[u]!));
  return { userIds, itemIds, data: { numUsers: userIds.length, numItems: itemIds.length, indptr, items } };
}

/** One setting tried on the validation cut. */
export interface BprTrial {
  readonly epochs: number;
  readonly l2: number;
  /** Mean Recall@K over the validation users. */
  readonly recall: number;
  /** Mean NDCG@K over the validation users. */
  readonly ndcg: number;
}

export interface BprSelection {
  readonly chosen: { readonly epochs: number; readonly l2: number };
  readonly tried: readonly BprTrial[];
  readonly k: number;
  /** Users with a validation pair whose user and item exist before the validation cut. */
  readonly validationUsers: number;
  readonly validationPairs: number;
  readonly trainPairs: number;
}

export interface SelectBprOptions {
  /** Exclusive end of the selection's training pairs; validation = [validCut, end of the pairs). Required. */
  readonly validCut: number;
  readonly seed: number;
  /** Epoch counts scored (one training per L2 up to the most, scored after each of these epochs). Default [10, 20, 30, 45]. */
  readonly epochs?: readonly number[];
  /** L2 weights tried. Default [0.01]. */
  readonly l2?: readonly number[];
  /** Other BPR settings (fixed). Default BPR_DEFAULTS. */
  readonly hyper?: Partial<Omit<BprHyperParameters, 'epochs' | 'l2'>>;
  /** Cut-off of the validation recall. Default 20. */
  readonly k?: number;
  readonly log?: (line: string) => void;
}

/**
 * Recall@K and NDCG@K of a model ranking every item for each validation user (no masking: a
 * user's repeat interactions count, as they do in events/temporal's truth).
 */
export function validationScore(model: MfModel, valid: ReadonlyMap<number, ReadonlySet<number>>, k: number): { recall: number; ndcg: number } {
  const out = new Float64Array(metricsWidth([k]));
  const scores = new Float32Array(model.numItems);
  let recall = 0;
  let ndcg = 0;
  for (const [u, rel] of valid) {
    scoreAllItems(model, u, scores);
    writeUserMetrics(topKIndices(scores, k), (i) => rel.has(i), rel.size, [k], out);
    recall += out[0]!;
    ndcg += out[1]!;
  }
  return { recall: valid.size > 0 ? recall / valid.size : Number.NaN, ndcg: valid.size > 0 ? ndcg / valid.size : Number.NaN };
}

/** Try every (epochs, l2) on the validation cut; the best Recall@K wins (ties: fewer epochs, then the first l2). */
export async function selectBpr(pairs: readonly TimedPair[], o: SelectBprOptions): Promise<BprSelection> {
  const k = o.k ?? 20;
  const epochGrid = [...(o.epochs ?? [10, 20, 30, 45])].sort((a, b) => a - b);
  if (epochGrid.length === 0 || epochGrid.some((e) => !Number.isInteger(e) || e < 1)) throw new RangeError(`epochs must be positive integers, got ${epochGrid.join(', ')}`);
  const l2Grid = o.l2 ?? [0.01];
  const before = pairs.filter((p) => p.ts < o.validCut);
  const fit = pairsToCsr(before);
  const userIndex = new Map(fit.userIds.map((id, i) => [id, i]));
  const itemIndex = new Map(fit.itemIds.map((id, i) => [id, i]));
  const valid = new Map<number, Set<number>>();
  let validationPairs = 0;
  for (const p of pairs) {
    if (p.ts < o.validCut) continue;
    const u = userIndex.get(p.userId);
    const i = itemIndex.get(p.itemId);
    if (u === undefined || i === undefined) continue;
    let s = valid.get(u);
    if (s === undefined) valid.set(u, (s = new Set()));
    if (!s.has(i)) validationPairs += 1;
    s.add(i);
  }
  if (valid.size === 0) throw new RangeError(`no validation pair after ${new Date(o.validCut).toISOString()} whose user and item appear before it`);
  // One training per L2 up to the most epochs; the model is scored after each epoch of the grid.
  const tried: BprTrial[] = [];
  const most = epochGrid[epochGrid.length - 1]!;
  for (const l2 of l2Grid) {
    const t0 = performance.now();
    await trainBpr(fit.data, {
      ...BPR_DEFAULTS,
      ...o.hyper,
      epochs: most,
      l2,
      seed: o.seed,
      onEpoch: (e, model) => {
        if (!epochGrid.includes(e.epoch)) return;
        const s = validationScore(model, valid, k);
        tried.push({ epochs: e.epoch, l2, recall: s.recall, ndcg: s.ndcg });
        o.log?.(`mf/bpr selection: epochs ${e.epoch} l2 ${l2}: validation Recall@${k} ${s.recall.toFixed(4)} NDCG@${k} ${s.ndcg.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      },
    });
  }
  tried.sort((a, b) => a.epochs - b.epochs || l2Grid.indexOf(a.l2) - l2Grid.indexOf(b.l2));
  const best = tried.reduce((a, b) => (b.recall > a.recall ? b : a));
  return { chosen: { epochs: best.epochs, l2: best.l2 }, tried, k, validationUsers: valid.size, validationPairs, trainPairs: fit.data.items.length };
}
