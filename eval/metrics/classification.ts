/**
 * Ranking quality of binary labels: AUC (pooled) and GAUC (per group, weighted).
 *
 * AUC is computed by the rank-sum (Mann-Whitney U) formula with average ranks, which is the
 * probability that a random positive outscores a random negative, a tie counting 1/2:
 *
 *   AUC = (Σ rank(positive) − P(P+1)/2) / (P·N)
 *
 * GAUC (group AUC, Zhou et al. 2018, "Deep Interest Network") averages the AUC of each group
 * (user) over the groups that have both classes, weighted by the group's number of labelled pairs.
 */

/** A label: 1/true positive, 0/false negative. */
export type Label = number | boolean;

const positive = (l: Label): boolean => l === true || l === 1;

/**
 * Average ranks (1-based) of `values`, ascending; tied values share the mean of their ranks.
 * Example: [10, 20, 20, 30] -> [1, 2.5, 2.5, 4].
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]!] = avg;
    i = j + 1;
  }
  return ranks;
}

/**
 * Area under the ROC curve of `scores` against `labels` (same length), ties counted as 1/2.
 * NaN when either class is absent (the AUC is undefined there).
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<Label>): number {
  if (scores.length !== labels.length) throw new RangeError(`auc: ${scores.length} scores for ${labels.length} labels`);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) throw new RangeError(`auc: score ${i} is ${scores[i]}`);
  }
  const ranks = averageRanks(scores);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (positive(labels[i]!)) {
      pos++;
      rankSum += ranks[i]!;
    }
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** One group's scored, labelled pairs (e.g. one user's candidates). */
export interface LabelledGroup {
  readonly scores: ArrayLike<number>;
  readonly labels: ArrayLike<Label>;
}

export interface GroupAucResult {
  /** Σ w_g · AUC_g / Σ w_g over groups with both classes (w_g = pairs in g); NaN when none. */
  readonly value: number;
  /** Groups with both classes (those that count). */
  readonly groups: number;
  /** Labelled pairs in the groups that count. */
  readonly pairs: number;
}

/** GAUC: pair-count-weighted mean of per-group AUC over groups that have both classes. */
export function gauc(groups: Iterable<LabelledGroup>): GroupAucResult {
  let weighted = 0;
  let pairs = 0;
  let counted = 0;
  for (const g of groups) {
    const a = auc(g.scores, g.labels);
    if (Number.isNaN(a)) continue;
    weighted += a * g.scores.length;
    pairs += g.scores.length;
    counted++;
  }
  return { value: pairs > 0 ? weighted / pairs : Number.NaN, groups: counted, pairs };
}
