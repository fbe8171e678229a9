/**
 * The whole picture of an experiment: per-variant metrics, each treatment's lift over the
 * control with intervals and p-values, Holm and Bonferroni adjustments across every tested
 * (metric, variant) pair, the sample-ratio-mismatch check, and daily trajectories. Pure.
 *
 * Tests per metric (B = a treatment, A = the control: the variant keyed `control`, else the first):
 *   ctr, add_to_cart_rate            per-user sums over impressions: delta-method ratio z-test (a
 *                                    user's impressions are correlated; the unit is the user)
 *   conversion_rate, retention,      rates over users: two-proportion z-test, Wald / Katz intervals
 *   high_value_capture
 *   aov (orders), diversity (lists)  Welch's t-test
 *   gmv_per_impression               intervals: user-level percentile bootstrap (seeded); p-value:
 *                                    the delta-method ratio test on the same per-user sums
 *   p99_latency_ms                   reported, not tested (a guardrail read against the control)
 */
import { EXPERIMENT_METRICS, type Experiment, type ExperimentMetric } from './model';
import { attribute, percentile, retention, type AttributionInput, type VariantData } from './metrics';
import { bonferroni, bootstrapRatioComparison, holm, ratioDeltaTest, sampleRatioMismatch, summarize, twoProportionZTest, welchTTest } from './stats';

export interface MetricValue {
  readonly metric: ExperimentMetric;
  readonly value: number | null;
  /** Numerator / denominator for rates; n for means. */
  readonly numerator: number | null;
  readonly denominator: number | null;
}

export interface Comparison {
  readonly metric: ExperimentMetric;
  readonly variant: string;
  readonly control: string;
  readonly absoluteLift: number;
  readonly absoluteCi: readonly [number, number];
  readonly relativeLift: number;
  readonly relativeCi: readonly [number, number];
  readonly pValue: number;
  readonly holmPValue: number;
  readonly bonferroniPValue: number;
  readonly significant: boolean;
  readonly test: 'z' | 'delta' | 'welch' | 'bootstrap';
}

export interface DailyPoint {
  readonly day: number;
  readonly variant: string;
  readonly exposures: number;
  readonly impressions: number;
  readonly ctr: number | null;
  readonly gmvPerImpression: number | null;
}

export interface ExperimentResults {
  readonly experimentId: string;
  readonly control: string;
  readonly alpha: number;
  readonly variants: ReadonlyArray<{
    readonly key: string;
    readonly weight: number;
    readonly users: number;
    readonly exposures: number;
    readonly impressions: number;
    readonly metrics: readonly MetricValue[];
  }>;
  readonly comparisons: readonly Comparison[];
  readonly srm: { readonly chiSquare: number; readonly pValue: number; readonly mismatch: boolean; readonly observed: readonly number[]; readonly expected: readonly number[] };
  readonly daily: readonly DailyPoint[];
  readonly dataEnd: number;
}

export interface ResultsInput extends Omit<AttributionInput, 'variantKeys' | 'windowMs' | 'highValueThreshold' | 'experimentId'> {
  readonly experiment: Experiment;
  /** Newest data time (ms): retention eligibility is judged against it. */
  readonly dataEnd: number;
  readonly alpha?: number;
  readonly seed?: number;
  readonly resamples?: number;
}

const sum = (xs: Iterable<number>): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};
const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

function values(v: VariantData, end: number): MetricValue[] {
  const imp = sum(v.users.map((u) => u.impressions));
  const rate = (metric: ExperimentMetric, n: number, d: number): MetricValue => ({ metric, value: ratio(n, d), numerator: n, denominator: d });
  const r7 = retention(v, 7, end);
  const r30 = retention(v, 30, end);
  const users = v.users.length;
  return [
    rate('ctr', sum(v.users.map((u) => u.clicks)), imp),
    rate('add_to_cart_rate', sum(v.users.map((u) => u.carts)), imp),
    rate('conversion_rate', v.users.filter((u) => u.purchases > 0).length, users),
    { metric: 'aov', value: v.orderValues.length > 0 ? sum(v.orderValues) / v.orderValues.length : null, numerator: sum(v.orderValues), denominator: v.orderValues.length },
    rate('gmv_per_impression', sum(v.users.map((u) => u.gmv)), imp),
    rate('retention_7d', r7.retained, r7.eligible),
    rate('retention_30d', r30.retained, r30.eligible),
    v.highValueUsers === null ? { metric: 'high_value_capture', value: null, numerator: null, denominator: null } : rate('high_value_capture', v.highValueUsers, users),
    { metric: 'p99_latency_ms', value: v.latenciesMs.length > 0 ? percentile(v.latenciesMs, 99) : null, numerator: null, denominator: v.latenciesMs.length },
    { metric: 'diversity', value: v.diversities.length > 0 ? sum(v.diversities) / v.diversities.length : null, numerator: null, denominator: v.diversities.length },
  ];
}

/** A per-user ratio over impressions needs 2+ users and some impressions. */
const estimable = (v: VariantData): boolean => v.users.length >= 2 && v.users.some((u) => u.impressions > 0);

type Raw = Omit<Comparison, 'holmPValue' | 'bonferroniPValue' | 'significant'>;

function compare(metric: ExperimentMetric, a: VariantData, b: VariantData, va: MetricValue, vb: MetricValue, alpha: number, seed: number, resamples: number): Raw | null {
  type Ci = { readonly lower: number; readonly upper: number };
  const result = (absoluteLift: number, absoluteCi: Ci, relativeLift: number, relativeCi: Ci, pValue: number, test: Raw['test']): Raw => ({
    metric,
    variant: b.key,
    control: a.key,
    absoluteLift,
    absoluteCi: [absoluteCi.lower, absoluteCi.upper],
    relativeLift,
    relativeCi: [relativeCi.lower, relativeCi.upper],
    pValue,
    test,
  });
  switch (metric) {
    case 'ctr':
    case 'add_to_cart_rate': {
      const units = (v: VariantData) => ({ numerator: Float64Array.from(v.users, (u) => (metric === 'ctr' ? u.clicks : u.carts)), denominator: Float64Array.from(v.users, (u) => u.impressions) });
      if (!estimable(a) || !estimable(b)) return null;
      const r = ratioDeltaTest(units(a), units(b), { alpha });
      return result(r.absoluteLift, r.absoluteCi, r.relativeLift, r.relativeCi, r.pValue, 'delta');
    }
    case 'conversion_rate':
    case 'retention_7d':
    case 'retention_30d':
    case 'high_value_capture': {
      if (va.denominator === null || vb.denominator === null || !(va.denominator > 0 && vb.denominator > 0)) return null;
      const r = twoProportionZTest({ successesA: va.numerator!, trialsA: va.denominator, successesB: vb.numerator!, trialsB: vb.denominator }, { alpha });
      return result(r.absoluteLift, r.absoluteCi, r.relativeLift, r.relativeCi, r.pValue, 'z');
    }
    case 'aov':
    case 'diversity': {
      const xa = metric === 'aov' ? a.orderValues : a.diversities;
      const xb = metric === 'aov' ? b.orderValues : b.diversities;
      if (xa.length < 2 || xb.length < 2) return null;
      const r = welchTTest(summarize(xa), summarize(xb), { alpha });
      return result(r.diff, r.ci, r.relativeLift, r.relativeCi, r.pValue, 'welch');
    }
    case 'gmv_per_impression': {
      const sample = (v: VariantData) => ({ numerator: Float64Array.from(v.users, (u) => u.gmv), denominator: Float64Array.from(v.users, (u) => u.impressions) });
      if (!estimable(a) || !estimable(b)) return null;
      const r = bootstrapRatioComparison(sample(a), sample(b), { alpha, seed, resamples });
      const { pValue } = ratioDeltaTest(sample(a), sample(b), { alpha });
      return result(r.difference, r.differenceCi, r.relativeLift, r.relativeCi, pValue, 'bootstrap');
    }
    case 'p99_latency_ms':
      return null;
  }
}

export function experimentResults(input: ResultsInput): ExperimentResults {
  const e = input.experiment;
  const alpha = input.alpha ?? 0.05;
  const data = attribute({ ...input, experimentId: e.id, variantKeys: e.variants.map((v) => v.key), windowMs: e.attributionWindowHours * 3_600_000, highValueThreshold: e.highValueThreshold });
  const control = data.find((v) => v.key === 'control') ?? data[0]!;
  const metricValues = new Map(data.map((v) => [v.key, values(v, input.dataEnd)]));
  const tested = EXPERIMENT_METRICS.filter((m) => e.primaryMetrics.includes(m) || e.guardrails.includes(m));
  const raw: Raw[] = [];
  for (const v of data) {
    if (v === control) continue;
    for (const m of tested) {
      const va = metricValues.get(control.key)!.find((x) => x.metric === m)!;
      const vb = metricValues.get(v.key)!.find((x) => x.metric === m)!;
      const c = compare(m, control, v, va, vb, alpha, input.seed ?? 42, input.resamples ?? 2000);
      if (c !== null && Number.isFinite(c.pValue)) raw.push(c);
    }
  }
  const ps = raw.map((c) => c.pValue);
  const h = holm(ps, alpha);
  const b = bonferroni(ps, alpha);
  const comparisons = raw.map((c, i) => ({ ...c, holmPValue: h.adjusted[i]!, bonferroniPValue: b.adjusted[i]!, significant: h.reject[i]! }));
  const observed = data.map((v) => v.users.length);
  const srmRaw = observed.some((n) => n > 0)
    ? sampleRatioMismatch(
        observed,
        e.variants.map((v) => v.weight),
      )
    : null;
  const daily: DailyPoint[] = [];
  for (const v of data) {
    for (const [day, d] of [...v.daily].sort((x, y) => x[0] - y[0])) {
      daily.push({ day, variant: v.key, exposures: d.exposures, impressions: d.impressions, ctr: ratio(d.clicks, d.impressions), gmvPerImpression: ratio(d.gmv, d.impressions) });
    }
  }
  return {
    experimentId: e.id,
    control: control.key,
    alpha,
    variants: data.map((v) => ({
      key: v.key,
      weight: e.variants.find((x) => x.key === v.key)!.weight,
      users: v.users.length,
      exposures: sum(v.users.map((u) => u.exposures)),
      impressions: sum(v.users.map((u) => u.impressions)),
      metrics: metricValues.get(v.key)!,
    })),
    comparisons,
    srm: srmRaw
      ? { chiSquare: srmRaw.chiSquare, pValue: srmRaw.pValue, mismatch: srmRaw.mismatch, observed, expected: [...srmRaw.expected] }
      : { chiSquare: 0, pValue: 1, mismatch: false, observed, expected: observed.map(() => 0) },
    daily,
    dataEnd: input.dataEnd,
  };
}
