/**
 * UCI Census-Income (KDD) as multi-task data, the MMoE paper's two task groups (Ma et al. 2018, §6.2):
 * - `income-marital`: task 0 income > 50K, task 1 marital status "Never married";
 * - `education-marital`: task 0 education at least college (any college: "Some college but no
 *   degree", associates, bachelors, masters, professional school, doctorate), task 1 never married.
 * A task's source field is never an input (marital status, and education in the second group).
 * The instance weight is dropped. Categorical fields (every field that is not in CONTINUOUS; the
 * numeric recodes are category codes) are embedded; their vocabulary is fitted on the training
 * rows, index 0 = a value unseen there ('?' is a value of its own). Continuous fields are dense
 * inputs, log1p'd where money-valued, standardised with the training rows' mean and deviation.
 * Rows are parsed by eval/gbdt/census-data.ts.
 */
import type { MtlData } from '../../ml/mtl/data';
import { CENSUS_FIELDS, type CensusRows } from '../gbdt/census-data';

export type CensusTaskGroup = 'income-marital' | 'education-marital';

export const CENSUS_TASK_GROUPS: readonly CensusTaskGroup[] = ['income-marital', 'education-marital'];

const CONTINUOUS = ['age', 'wage_per_hour', 'capital_gains', 'capital_losses', 'dividends', 'num_persons_worked_for_employer', 'weeks_worked'] as const;
const LOG = new Set(['wage_per_hour', 'capital_gains', 'capital_losses', 'dividends']);
const COLLEGE = new Set([
  'Some college but no degree',
  'Associates degree-occup /vocational',
  'Associates degree-academic program',
  'Bachelors degree(BA AB BS)',
  'Masters degree(MA MS MEng MEd MSW MBA)',
  'Prof school degree (MD DDS DVM LLB JD)',
  'Doctorate degree(PhD EdD)',
]);

const col = (name: (typeof CENSUS_FIELDS)[number]): number => CENSUS_FIELDS.indexOf(name);

/** Task names of a group, in task order. */
export function censusTaskNames(group: CensusTaskGroup): [string, string] {
  return group === 'income-marital' ? ['income>50K', 'never-married'] : ['education>=college', 'never-married'];
}

function labelsOf(rows: CensusRows, group: CensusTaskGroup, r: number): [number, number] {
  const f = rows.fields[r]!;
  const marital = f[col('marital_status')] === 'Never married' ? 1 : 0;
  const first = group === 'income-marital' ? rows.label[r]! : COLLEGE.has(f[col('education')]!) ? 1 : 0;
  return [first, marital];
}

export interface CensusMtlEncoder {
  /** Names of the embedded fields, in input order. */
  readonly categorical: readonly string[];
  /** Categories per embedded field, index 0 = unseen. */
  readonly cardinalities: readonly number[];
  readonly continuous: readonly string[];
  encode(rows: CensusRows, which: ArrayLike<number>): MtlData;
}

/** Fit the vocabularies and the standardisation on the training rows `train`. */
export function fitCensusMtl(rows: CensusRows, train: ArrayLike<number>, group: CensusTaskGroup): CensusMtlEncoder {
  const excluded = new Set<string>(['instance_weight', 'marital_status', ...(group === 'education-marital' ? ['education'] : [])]);
  const cats = CENSUS_FIELDS.filter((n) => !excluded.has(n) && !(CONTINUOUS as readonly string[]).includes(n));
  const vocab = cats.map((name) => {
    const c = col(name);
    const m = new Map<string, number>();
    for (let i = 0; i < train.length; i++) {
      const v = rows.fields[train[i]!]![c]!;
      if (!m.has(v)) m.set(v, m.size + 1);
    }
    return m;
  });
  const raw = (f: readonly string[], name: (typeof CONTINUOUS)[number]): number => {
    const v = Number(f[col(name)]);
    if (!Number.isFinite(v)) throw new RangeError(`census: field ${name} is not a number: ${f[col(name)]}`);
    return LOG.has(name) ? Math.log1p(Math.max(0, v)) : v;
  };
  const stats = CONTINUOUS.map((name) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < train.length; i++) {
      const v = raw(rows.fields[train[i]!]!, name);
      s += v;
      s2 += v * v;
    }
    const mean = s / train.length;
    return { mean, sd: Math.sqrt(Math.max(s2 / train.length - mean * mean, 0)) || 1 };
  });
  return {
    categorical: cats,
    cardinalities: vocab.map((m) => m.size + 1),
    continuous: CONTINUOUS,
    encode(data, which) {
      const n = which.length;
      const fields = cats.length;
      const denseDim = CONTINUOUS.length;
      const cat = new Int32Array(n * fields);
      const dense = new Float32Array(n * denseDim);
      const y0 = new Float32Array(n);
      const y1 = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const r = which[i]!;
        const f = data.fields[r]!;
        cats.forEach((name, k) => (cat[i * fields + k] = vocab[k]!.get(f[col(name)]!) ?? 0));
        CONTINUOUS.forEach((name, k) => (dense[i * denseDim + k] = (raw(f, name) - stats[k]!.mean) / stats[k]!.sd));
        [y0[i], y1[i]] = labelsOf(data, group, r);
      }
      return { n, fields, cat, denseDim, dense, labels: [y0, y1] };
    },
  };
}
