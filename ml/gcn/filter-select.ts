/**
 * Choosing the graph filter's α without the test split: hold out part of each user's train items
 * (ml/gcn/holdout.ts), build the filter on the rest, and keep the α with the best Recall@20 on the
 * held-out items of a seeded sample of users. Ties go to the smaller α.
 */
import { mulberry32 } from '../random';
import { buildGraphFilter, filterScores, filterScratch, recallOfScores, type GraphFilterOptions, type InteractionRows } from './filter';
import { holdoutSplit } from './holdout';

export interface FilterSelectOptions extends GraphFilterOptions {
  /** Share of each user's train items held out. Default 0.1. */
  readonly holdout?: number;
  /** α values tried. Default [0, 0.05, 0.1, 0.2, 0.3, 0.5]. */
  readonly alphas?: readonly number[];
  /** Users (with held-out items) sampled for the check; 0 = all. Default 3000. */
  readonly users?: number;
  readonly log?: (line: string) => void;
}

export interface FilterSelection {
  readonly alpha: number;
  readonly recall: ReadonlyArray<readonly [alpha: number, recall20: number]>;
  readonly users: number;
  readonly holdout: number;
  readonly ms: number;
}

export function selectFilterAlpha(data: InteractionRows, o: FilterSelectOptions = {}): FilterSelection {
  const t0 = performance.now();
  const seed = o.seed ?? 42;
  const holdout = o.holdout ?? 0.1;
  const alphas = o.alphas ?? [0, 0.05, 0.1, 0.2, 0.3, 0.5];
  if (alphas.length === 0 || alphas.some((a) => !Number.isFinite(a) || a < 0)) throw new RangeError('alphas must be non-negative finite numbers');
  const split = holdoutSplit(data, holdout, seed);
  const f = buildGraphFilter(split.fit, o);
  const candidates: number[] = [];
  for (let u = 0; u < data.numUsers; u++) if (split.valid.indptr[u + 1]! > split.valid.indptr[u]!) candidates.push(u);
  const want = o.users ?? 3000;
  const rnd = mulberry32(seed + 1);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const users = want > 0 ? candidates.slice(0, want) : candidates;
  const sums = new Float64Array(alphas.length);
  const scratch = filterScratch(f);
  const scores = new Float32Array(data.numItems);
  for (const u of users) {
    const fit = split.fit.items.subarray(split.fit.indptr[u]!, split.fit.indptr[u + 1]!);
    const truth = split.valid.items.subarray(split.valid.indptr[u]!, split.valid.indptr[u + 1]!);
    alphas.forEach((a, x) => {
      filterScores(f, fit, a, scores, scratch);
      sums[x]! += recallOfScores(scores, fit, truth, 20);
    });
  }
  const recall = alphas.map((a, x) => [a, users.length > 0 ? sums[x]! / users.length : 0] as const);
  let best = 0;
  for (let x = 1; x < recall.length; x++) if (recall[x]![1] > recall[best]![1]) best = x;
  o.log?.(`graph filter: held-out Recall@20 ${recall.map(([a, r]) => `α ${a}: ${r.toFixed(4)}`).join(', ')} (${users.length} users) -> α ${recall[best]![0]}`);
  return { alpha: recall[best]![0], recall, users: users.length, holdout, ms: performance.now() - t0 };
}
