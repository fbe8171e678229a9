/**
 * The evaluation report: machine-readable, stable across runs so later runs can be compared.
 * Metrics are stored in long format (one row per model x metric x K x segment), which is easy to
 * diff, to chart and to extend without changing the schema.
 */

export type ProtocolId = 'ranking/full' | 'events/temporal' | 'value/holdout' | 'mtl/census' | 'mtl/taobao' | 'queries/next-category' | 'value/rolling' | 'mtl/ads';

export interface EvalModelInfo {
  /** Scorer or strategy id, e.g. `mf/bpr`, `baseline/popularity`, `strategy:default`. */
  readonly id: string;
  readonly version: string;
  /** `candidate` is the model under test; the rest are baselines. */
  readonly role: 'candidate' | 'baseline';
  /** Hyper-parameters and anything needed to reproduce it. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Training wall time in ms (absent for untrained models). */
  readonly trainMs?: number;
  /** Versioned artifact written by training, if any. */
  readonly artifact?: string;
}

/** A confidence interval of a metric value. */
export interface MetricInterval {
  /** Coverage, e.g. 0.95. */
  readonly level: number;
  readonly lower: number;
  readonly upper: number;
}

export interface MetricRow {
  readonly model: string;
  /** e.g. `recall`, `ndcg`, `precision`, `hitrate`, `coverage`, `auc`, `gauc`, `mae`, `rmse`, `spearman`, `top_decile_capture`. */
  readonly metric: string;
  /** Cut-off, for @K metrics. */
  readonly k?: number;
  /** Target or task (`purchase`, `click`, `spend`, `transactions`). */
  readonly target?: string;
  /** Segment label (e.g. `history:1-10`); absent for the overall figure. */
  readonly segment?: string;
  readonly value: number;
  /** Users / customers / pairs the value averages over. */
  readonly n: number;
  /** Interval of the value (e.g. a bootstrap over users); absent when the protocol gives none. */
  readonly ci?: MetricInterval;
}

export interface EvalReport {
  readonly schemaVersion: 1;
  readonly protocol: ProtocolId;
  /** Run name in the file name and title (`--name`). Default: the dataset name. */
  readonly name?: string;
  readonly dataset: {
    readonly name: string;
    readonly path: string;
    /** The exact split, in words (e.g. "LightGCN train.txt / test.txt"). */
    readonly split: string;
    readonly stats: Readonly<Record<string, number>>;
  };
  readonly seed: number;
  readonly startedAt: string;
  readonly wallMs: number;
  readonly peakRssMiB: number;
  readonly models: readonly EvalModelInfo[];
  readonly metrics: readonly MetricRow[];
  /** Protocol statement and anything a reader must know (caveats, where we lose). */
  readonly notes: readonly string[];
}

/** The part of a report that must be identical for two runs with the same seed (no times, no memory). */
export function reproducibleView(r: EvalReport): Pick<EvalReport, 'protocol' | 'dataset' | 'seed' | 'metrics'> & { models: Array<Omit<EvalModelInfo, 'trainMs'>> } {
  return {
    protocol: r.protocol,
    dataset: r.dataset,
    seed: r.seed,
    models: r.models.map(({ trainMs: _t, ...m }) => m),
    metrics: r.metrics,
  };
}
