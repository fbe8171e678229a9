/**
 * Metric rows of the events/temporal protocol from feeds and pair scores. Pure: no I/O.
 */
import { auc, gauc, type Label, type LabelledGroup } from '../metrics/classification';
import { catalogueCoverage, intraListDiversity, listNovelty, meanOfFinite, ndcgAtK, precisionAtK, recallAtK } from '../metrics/lists';
import type { MetricRow } from '../report/types';
import { compareSegments, round6 } from './support';
import { userInterval, type IntervalOptions } from './temporal-intervals';
import type { UserWindow } from './temporal-split';

/** The two targets: a purchase (`purchase`) and a click (`click` or `view`; see CLICK_TYPES). */
export const TEMPORAL_TARGETS = [
  { id: 'purchase', relevant: (w: UserWindow): ReadonlySet<string> => w.purchased },
  { id: 'click', relevant: (w: UserWindow): ReadonlySet<string> => w.clicked },
] as const;

/** One user's AUC candidates and the model's scores for them (aligned). */
export interface PairGroup {
  readonly itemIds: readonly string[];
  readonly scores: ArrayLike<number>;
}

export interface TemporalMetricInput {
  readonly model: string;
  readonly ks: readonly number[];
  /** K of the per-segment rows. */
  readonly segmentK: number;
  readonly windows: ReadonlyMap<string, UserWindow>;
  readonly segmentOf: (userId: string) => string;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly pairs: ReadonlyMap<string, PairGroup>;
  readonly catalogueSize: number;
  readonly trainUsers: number;
  readonly categories: (itemId: string) => readonly string[];
  readonly interactedUsers: (itemId: string) => number;
  /** Bootstrap intervals over users for the overall (and cold-bucket) P@K, NDCG@K and GAUC rows. Default: none. */
  readonly intervals?: IntervalOptions;
  /** Cold-start buckets, each reported with every overall metric under its own segment label. Default: none. */
  readonly buckets?: readonly ColdBucket[];
}

/**
 * A cold-start bucket: a subset of the test users (`user`), or of the positives (`item`: only the
 * relevant items it accepts count as relevant; the other relevant items leave the lists' truth and
 * the AUC pairs, the negatives stay), reported with the overall metrics under `label`.
 */
export interface ColdBucket {
  /** Segment label, e.g. `cold-users:1-3`. */
  readonly label: string;
  /** Users in the bucket. Default: every test user. */
  readonly user?: (userId: string) => boolean;
  /** Positives in the bucket. Default: every positive. */
  readonly item?: (itemId: string) => boolean;
}

type Row = { -readonly [K in keyof MetricRow]: MetricRow[K] };

export function temporalMetricRows(x: TemporalMetricInput): MetricRow[] {
  const rows: Row[] = [];
  const push = (r: Row): void => {
    if (Number.isFinite(r.value) && r.n > 0) rows.push({ ...r, value: round6(r.value) });
  };
  const users = [...x.windows.keys()];
  const segments = [...new Set(users.map(x.segmentOf))].sort(compareSegments);

  const listOf = (u: string): readonly string[] => x.lists.get(u) ?? [];
  const withPairs = users.filter((u) => x.pairs.has(u));
  /** A user's AUC group; with `keep`, relevant items it rejects are left out (neither positive nor negative). */
  const groupOf = (u: string, rel: ReadonlySet<string>, keep?: (id: string) => boolean): LabelledGroup => {
    const g = x.pairs.get(u)!;
    if (keep === undefined) return { scores: g.scores, labels: g.itemIds.map((id) => (rel.has(id) ? 1 : 0)) };
    const scores: number[] = [];
    const labels: Label[] = [];
    g.itemIds.forEach((id, i) => {
      if (rel.has(id) && !keep(id)) return;
      scores.push(g.scores[i]!);
      labels.push(rel.has(id) ? 1 : 0);
    });
    return { scores, labels };
  };

  /**
   * P/R/NDCG@K, AUC and GAUC over `among` users; the truth of a user is their relevant items
   * `relOf`, restricted to those `keep` accepts (the others also leave the AUC pairs).
   */
  const overallRows = (target: string, among: readonly string[], relOf: (u: string) => ReadonlySet<string>, segment: string | undefined, keep?: (id: string) => boolean): void => {
    const kept = new Map<string, ReadonlySet<string>>();
    const truth = keep === undefined ? relOf : (u: string): ReadonlySet<string> => kept.get(u) ?? kept.set(u, new Set([...relOf(u)].filter(keep))).get(u)!;
    const seg = segment !== undefined ? { segment } : {};
    const judged = among.filter((u) => truth(u).size > 0);
    for (const [metric, fn] of [
      ['precision', precisionAtK],
      ['recall', recallAtK],
      ['ndcg', ndcgAtK],
    ] as const) {
      for (const k of x.ks) {
        const values = judged.map((u) => fn(listOf(u), truth(u), k)).filter(Number.isFinite);
        const m = meanOfFinite(values);
        const ci = x.intervals !== undefined && metric !== 'recall' ? userInterval(values, null, x.intervals) : null;
        push({ model: x.model, metric, k, target, ...seg, value: m.mean, n: m.n, ...(ci !== null ? { ci } : {}) });
      }
    }
    const amongSet = new Set(among);
    const groups = withPairs.filter((u) => amongSet.has(u)).map((u) => groupOf(u, relOf(u), keep));
    const pooledScores: number[] = [];
    const pooledLabels: number[] = [];
    for (const g of groups) {
      for (let i = 0; i < g.scores.length; i++) {
        pooledScores.push(g.scores[i]!);
        pooledLabels.push(g.labels[i] as number);
      }
    }
    push({ model: x.model, metric: 'auc', target, ...seg, value: auc(pooledScores, pooledLabels), n: pooledScores.length });
    const ga = gauc(groups);
    let gaCi = null;
    if (x.intervals !== undefined) {
      const perUser = groups.map((g) => ({ a: auc(g.scores, g.labels), w: g.scores.length })).filter((g) => !Number.isNaN(g.a));
      gaCi = userInterval(
        perUser.map((g) => g.a),
        perUser.map((g) => g.w),
        x.intervals,
      );
    }
    push({ model: x.model, metric: 'gauc', target, ...seg, value: ga.value, n: ga.groups, ...(gaCi !== null ? { ci: gaCi } : {}) });
  };

  for (const t of TEMPORAL_TARGETS) {
    const relOf = (u: string): ReadonlySet<string> => t.relevant(x.windows.get(u)!);
    overallRows(t.id, users, relOf, undefined);
    for (const b of x.buckets ?? []) {
      overallRows(t.id, b.user === undefined ? users : users.filter(b.user), relOf, b.label, b.item);
    }
    const judged = users.filter((u) => relOf(u).size > 0);
    for (const seg of segments) {
      const segJudged = judged.filter((u) => x.segmentOf(u) === seg);
      const m = meanOfFinite(segJudged.map((u) => ndcgAtK(listOf(u), relOf(u), x.segmentK)));
      push({ model: x.model, metric: 'ndcg', k: x.segmentK, target: t.id, segment: seg, value: m.mean, n: m.n });
      const sg = gauc(withPairs.filter((u) => x.segmentOf(u) === seg).map((u) => groupOf(u, relOf(u))));
      push({ model: x.model, metric: 'gauc', target: t.id, segment: seg, value: sg.value, n: sg.groups });
    }
  }

  const fed = users.map((u) => x.lists.get(u) ?? []);
  for (const k of x.ks) {
    push({ model: x.model, metric: 'coverage', k, value: catalogueCoverage(fed, k, x.catalogueSize), n: fed.length });
    const d = meanOfFinite(fed.map((l) => intraListDiversity(l, k, x.categories)));
    push({ model: x.model, metric: 'diversity', k, value: d.mean, n: d.n });
    const nv = meanOfFinite(fed.map((l) => listNovelty(l, k, x.interactedUsers, x.trainUsers)));
    push({ model: x.model, metric: 'novelty', k, value: nv.mean, n: nv.n });
  }
  return rows.map(({ segment, k, target, ci, ...r }) => ({
    model: r.model,
    metric: r.metric,
    ...(k !== undefined ? { k } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(segment !== undefined ? { segment } : {}),
    value: r.value,
    n: r.n,
    ...(ci !== undefined ? { ci } : {}),
  }));
}
