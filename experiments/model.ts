/**
 * Experiments as data: an A/B/n test on one surface, each variant a traffic weight and a feed
 * strategy. Pure: the checks a draft and a start must pass, no I/O.
 *
 * Overlap: two running experiments on the same surface must sit in different, named layers
 * (`layer`); an unlayered experiment owns its surface alone. A request is assigned in every
 * running experiment on its surface; the strategy comes from the experiment whose layer sorts
 * first (an unlayered experiment counts as layer ""), and every assignment is logged with the
 * exposure, so a later layer can measure its own variants (e.g. a hold-out) on the same traffic.
 */
export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'archived'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export const EXPERIMENT_METRICS = [
  'ctr',
  'add_to_cart_rate',
  'conversion_rate',
  'aov',
  'gmv_per_impression',
  'retention_7d',
  'retention_30d',
  'high_value_capture',
  'p99_latency_ms',
  'diversity',
] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

export interface ExperimentVariant {
  readonly key: string;
  /** Traffic share in (0, 1]; the variants' shares sum to 1. */
  readonly weight: number;
  /** Id of the feed strategy this variant serves. */
  readonly strategyId: string;
}

export interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly hypothesis: string;
  /** Where the feed is shown (the feed's `context.surface`), default `home`. */
  readonly surface: string;
  /** Layer name when it may overlap other experiments on its surface; null: it owns the surface. */
  readonly layer: string | null;
  readonly status: ExperimentStatus;
  readonly variants: readonly ExperimentVariant[];
  /** Assignment salt (default: the id): a new salt reshuffles users. */
  readonly salt: string;
  readonly primaryMetrics: readonly ExperimentMetric[];
  readonly guardrails: readonly ExperimentMetric[];
  /** Events count towards an exposure if they happen within this many hours after it. */
  readonly attributionWindowHours: number;
  /** DUVE value at or above which a user counts as high-value (for high_value_capture). */
  readonly highValueThreshold: number;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly stoppedAt: number | null;
}

/** A failed check: the input field it concerns and why. */
export interface ExperimentProblem {
  readonly field: string;
  readonly message: string;
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,62}$/i;

/** Checks a draft must pass (shape): returns the problems, empty when fine. */
export function draftProblems(
  e: Pick<Experiment, 'name' | 'surface' | 'layer' | 'variants' | 'salt' | 'primaryMetrics' | 'guardrails' | 'attributionWindowHours' | 'highValueThreshold'>,
): ExperimentProblem[] {
  const out: ExperimentProblem[] = [];
  if (e.name.trim().length === 0 || e.name.length > 200) out.push({ field: 'name', message: 'must be 1-200 characters' });
  if (!KEY.test(e.surface)) out.push({ field: 'surface', message: 'must be 1-63 letters, digits, "-" or "_"' });
  if (e.layer !== null && !KEY.test(e.layer)) out.push({ field: 'layer', message: 'must be 1-63 letters, digits, "-" or "_"' });
  if (e.salt.length === 0 || e.salt.length > 200) out.push({ field: 'salt', message: 'must be 1-200 characters' });
  if (e.variants.length < 2 || e.variants.length > 20) out.push({ field: 'variants', message: 'an A/B/n test needs 2 to 20 variants' });
  const seen = new Set<string>();
  e.variants.forEach((v, i) => {
    if (!KEY.test(v.key)) out.push({ field: `variants[${i}].key`, message: 'must be 1-63 letters, digits, "-" or "_"' });
    else if (seen.has(v.key)) out.push({ field: `variants[${i}].key`, message: `duplicate variant key "${v.key}"` });
    seen.add(v.key);
    if (!(Number.isFinite(v.weight) && v.weight > 0 && v.weight <= 1)) out.push({ field: `variants[${i}].weight`, message: 'must be in (0, 1]' });
    if (v.strategyId.length === 0) out.push({ field: `variants[${i}].strategyId`, message: 'must name a strategy' });
  });
  if (e.primaryMetrics.length === 0) out.push({ field: 'primaryMetrics', message: 'name at least one primary metric' });
  if (!(Number.isFinite(e.attributionWindowHours) && e.attributionWindowHours > 0 && e.attributionWindowHours <= 24 * 90)) {
    out.push({ field: 'attributionWindowHours', message: 'must be in (0, 2160]' });
  }
  if (!(Number.isFinite(e.highValueThreshold) && e.highValueThreshold >= 0)) out.push({ field: 'highValueThreshold', message: 'must be a number ≥ 0' });
  return out;
}

/**
 * Checks a start must pass: the draft checks, weights summing to 1 (±1e-6), every strategy
 * known, and no overlap with a running experiment on the same surface unless both are layered in
 * different layers.
 */
export function startProblems(e: Experiment, knownStrategies: ReadonlySet<string>, running: readonly Experiment[]): ExperimentProblem[] {
  const out = draftProblems(e);
  if (e.status !== 'draft') out.push({ field: 'status', message: `only a draft can start (this one is ${e.status})` });
  const sum = e.variants.reduce((a, v) => a + v.weight, 0);
  if (Math.abs(sum - 1) > 1e-6) out.push({ field: 'variants', message: `traffic weights must sum to 1 (they sum to ${Number(sum.toFixed(9))})` });
  e.variants.forEach((v, i) => {
    if (!knownStrategies.has(v.strategyId)) out.push({ field: `variants[${i}].strategyId`, message: `strategy "${v.strategyId}" is not loaded (known: ${[...knownStrategies].sort().join(', ')})` });
  });
  for (const other of running) {
    if (other.id === e.id || other.surface !== e.surface) continue;
    if (e.layer === null || other.layer === null || e.layer === other.layer) {
      out.push({
        field: 'layer',
        message: `experiment "${other.id}" is already running on surface "${e.surface}"${other.layer ? ` in layer "${other.layer}"` : ''}: stop it, or layer both in different layers`,
      });
    }
  }
  return out;
}

/** Running experiments on a surface in serving order: the first one's variant picks the strategy. */
export function servingOrder(running: readonly Experiment[], surface: string): Experiment[] {
  return running.filter((e) => e.status === 'running' && e.surface === surface).sort((a, b) => (a.layer ?? '').localeCompare(b.layer ?? '') || a.id.localeCompare(b.id));
}
