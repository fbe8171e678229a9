/** The Census multi-task encoding on generated rows (no file). */
import { CENSUS_FIELDS, type CensusRows } from '../gbdt/census-data';
import { fitCensusMtl } from './census-data';

const col = (name: (typeof CENSUS_FIELDS)[number]): number => CENSUS_FIELDS.indexOf(name);

/** A 41-field row: every field 'x' except the ones given. */
function row(values: Partial<Record<(typeof CENSUS_FIELDS)[number], string>>): string[] {
  const r: string[] = CENSUS_FIELDS.map((name): string =>
    ['age', 'wage_per_hour', 'capital_gains', 'capital_losses', 'dividends', 'num_persons_worked_for_employer', 'weeks_worked', 'instance_weight'].includes(name) ? '0' : 'x',
  );
  for (const [k, v] of Object.entries(values)) r[col(k as (typeof CENSUS_FIELDS)[number])] = v!;
  return r;
}

const rows: CensusRows = {
  fields: [
    row({ age: '20', marital_status: 'Never married', education: 'High school graduate', sex: 'Female', capital_gains: '0' }),
    row({ age: '40', marital_status: 'Divorced', education: 'Bachelors degree(BA AB BS)', sex: 'Male', capital_gains: '99999' }),
    row({ age: '60', marital_status: 'Married-civilian spouse present', education: 'Some college but no degree', sex: 'Male' }),
    row({ age: '30', marital_status: 'Never married', education: 'Doctorate degree(PhD EdD)', sex: 'Other' }),
  ],
  label: Uint8Array.from([0, 1, 1, 0]),
};

describe('eval/mtl census encoding', () => {
  it('income-marital: labels, marital status is not an input, vocabularies and scaling from the training rows', () => {
    const enc = fitCensusMtl(rows, [0, 1, 2], 'income-marital');
    expect(enc.categorical).not.toContain('marital_status');
    expect(enc.categorical).toContain('education');
    expect(enc.categorical).not.toContain('instance_weight');
    expect(enc.continuous).toContain('age');
    const d = enc.encode(rows, [0, 1, 2, 3]);
    expect(Array.from(d.labels[0]!)).toEqual([0, 1, 1, 0]);
    expect(Array.from(d.labels[1]!)).toEqual([1, 0, 0, 1]);
    const sex = enc.categorical.indexOf('sex');
    // Female = 1, Male = 2 in first-seen order; 'Other' was not in the training rows → 0
    expect([0, 1, 2, 3].map((i) => d.cat[i * d.fields + sex])).toEqual([1, 2, 2, 0]);
    const age = enc.continuous.indexOf('age');
    const ages = [0, 1, 2].map((i) => d.dense[i * d.denseDim + age]!);
    expect(ages.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 5);
    expect(d.dense[3 * d.denseDim + age]).toBeCloseTo((30 - 40) / Math.sqrt(800 / 3), 5);
    const gains = enc.continuous.indexOf('capital_gains');
    expect(d.dense[1 * d.denseDim + gains]).toBeGreaterThan(d.dense[0 * d.denseDim + gains]!);
  });

  it('education-marital: education at least college is task 0 and not an input', () => {
    const enc = fitCensusMtl(rows, [0, 1, 2, 3], 'education-marital');
    expect(enc.categorical).not.toContain('education');
    expect(enc.categorical).not.toContain('marital_status');
    const d = enc.encode(rows, [0, 1, 2, 3]);
    expect(Array.from(d.labels[0]!)).toEqual([0, 1, 1, 1]);
    expect(Array.from(d.labels[1]!)).toEqual([1, 0, 0, 1]);
  });

  it('refuses a non-numeric continuous field', () => {
    const bad: CensusRows = { fields: [row({ age: 'old' })], label: Uint8Array.from([0]) };
    expect(() => fitCensusMtl(bad, [0], 'income-marital')).toThrow(/age/);
  });
});
