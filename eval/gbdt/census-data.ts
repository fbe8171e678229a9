/**
 * UCI Census-Income (KDD) as a GBDT dataset: the income task (> 50K) from the 42-field test file.
 * Continuous fields stay numeric; every other field (including the numeric recode fields, which
 * are category codes) becomes one feature whose value is the category's rank by smoothed positive
 * rate on the training rows only (no label leakage into the test rows). '?' and categories unseen
 * in training are missing (NaN). The instance weight (field 24) is dropped, as in the MMoE setup.
 */
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../../ml/random';
import type { GbdtDataset } from '../../ml/gbdt';

export const CENSUS_FIELDS = [
  'age',
  'class_of_worker',
  'industry_recode',
  'occupation_recode',
  'education',
  'wage_per_hour',
  'enrolled_in_edu',
  'marital_status',
  'major_industry',
  'major_occupation',
  'race',
  'hispanic_origin',
  'sex',
  'union_member',
  'unemployment_reason',
  'employment_status',
  'capital_gains',
  'capital_losses',
  'dividends',
  'tax_filer_status',
  'region_prev_residence',
  'state_prev_residence',
  'household_family_stat',
  'household_summary',
  'instance_weight',
  'migration_msa',
  'migration_reg',
  'migration_within_reg',
  'same_house_1y',
  'migration_sunbelt',
  'num_persons_worked_for_employer',
  'family_under_18',
  'birth_country_father',
  'birth_country_mother',
  'birth_country_self',
  'citizenship',
  'own_business',
  'veterans_admin_questionnaire',
  'veterans_benefits',
  'weeks_worked',
  'year',
] as const;

const NUMERIC = new Set(['age', 'wage_per_hour', 'capital_gains', 'capital_losses', 'dividends', 'num_persons_worked_for_employer', 'weeks_worked', 'year']);
const DROPPED = new Set(['instance_weight']);

export interface CensusRows {
  readonly fields: string[][];
  readonly label: Uint8Array;
}

/** Parse the file; throws on a row without 42 fields or with an unknown label. */
export function readCensus(file: string): CensusRows {
  const fields: string[][] = [];
  const labels: number[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line.split(',').map((s) => s.trim());
    if (parts.length !== 42) throw new Error(`${file}:${i + 1}: ${parts.length} fields, expected 42`);
    const label = parts[41];
    if (label !== '- 50000.' && label !== '50000+.') throw new Error(`${file}:${i + 1}: unknown label ${label}`);
    labels.push(label === '50000+.' ? 1 : 0);
    fields.push(parts.slice(0, 41));
  });
  return { fields, label: Uint8Array.from(labels) };
}

/** Seeded split of row indices: `fraction` of the rows (shuffled) first, the rest second. */
export function splitRows(n: number, fraction: number, seed: number): [Uint32Array, Uint32Array] {
  const rnd = mulberry32(seed);
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  const k = Math.round(n * fraction);
  return [idx.slice(0, k).sort(), idx.slice(k).sort()];
}

export interface CensusEncoder {
  readonly featureNames: string[];
  /** Kind of each feature, for baselines that one-hot the categories. */
  readonly categorical: boolean[];
  /** Categories per categorical feature (rank order); numeric features have 0. */
  readonly cardinality: number[];
  encode(rows: CensusRows, which: Uint32Array): GbdtDataset;
}

/** Fit the category ranks on the training rows. */
export function fitCensusEncoder(rows: CensusRows, train: Uint32Array, smoothing = 20): CensusEncoder {
  const cols = CENSUS_FIELDS.map((name, c) => ({ name, c })).filter((f) => !DROPPED.has(f.name));
  let pos = 0;
  for (const r of train) pos += rows.label[r]!;
  const prior = pos / train.length;
  const ranks = cols.map(({ name, c }) => {
    if (NUMERIC.has(name)) return null;
    const stats = new Map<string, { n: number; p: number }>();
    for (const r of train) {
      const v = rows.fields[r]![c]!;
      if (v === '?') continue;
      const s = stats.get(v) ?? { n: 0, p: 0 };
      s.n++;
      s.p += rows.label[r]!;
      stats.set(v, s);
    }
    const rate = (s: { n: number; p: number }): number => (s.p + prior * smoothing) / (s.n + smoothing);
    const sorted = [...stats.entries()].sort((a, b) => rate(a[1]) - rate(b[1]) || (a[0] < b[0] ? -1 : 1));
    return new Map(sorted.map(([k], i) => [k, i]));
  });
  return {
    featureNames: cols.map((f) => f.name),
    categorical: ranks.map((r) => r !== null),
    cardinality: ranks.map((r) => r?.size ?? 0),
    encode(data, which) {
      const d = cols.length;
      const x = new Float32Array(which.length * d);
      const y = new Float32Array(which.length);
      which.forEach((r, i) => {
        y[i] = data.label[r]!;
        cols.forEach(({ c }, f) => {
          const v = data.fields[r]![c]!;
          const rank = ranks[f];
          x[i * d + f] = rank ? (rank.get(v) ?? Number.NaN) : v === '?' ? Number.NaN : Number(v);
        });
      });
      return { x, n: which.length, d, y, featureNames: cols.map((f) => f.name) };
    },
  };
}
