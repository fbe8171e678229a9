/** The mtl/census protocol end to end on a generated 42-field file in a temp dir (no dataset file is read). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../ml/random';
import { CENSUS_FIELDS } from '../gbdt/census-data';
import { runCensusMtl } from './census';

function generatedCensus(n: number, seed: number): string {
  const rnd = mulberry32(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const rich = rnd() < 0.3;
    const single = rnd() < 0.4;
    const fields = CENSUS_FIELDS.map((name) => {
      if (name === 'age') return String(single ? 18 + Math.floor(rnd() * 10) : 30 + Math.floor(rnd() * 40));
      if (name === 'marital_status') return single ? 'Never married' : 'Married-civilian spouse present';
      if (name === 'education') return rich || rnd() < 0.3 ? 'Bachelors degree(BA AB BS)' : 'High school graduate';
      if (name === 'capital_gains') return rich && rnd() < 0.7 ? '5000' : '0';
      if (name === 'major_occupation') return rich ? 'Executive admin and managerial' : rnd() < 0.5 ? 'Sales' : 'Other service';
      if (['wage_per_hour', 'capital_losses', 'dividends', 'num_persons_worked_for_employer', 'weeks_worked', 'instance_weight'].includes(name)) return String(Math.floor(rnd() * 50));
      return rnd() < 0.5 ? 'a' : 'b';
    });
    lines.push([...fields, rich ? '50000+.' : '- 50000.'].join(', '));
  }
  return `${lines.join('\n')}\n`;
}

describe('eval mtl/census protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtl-census-'));
  const file = join(dir, 'census.test');
  writeFileSync(file, generatedCensus(400, 1));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports AUC with intervals per task and model, paired differences, the chosen settings, and is reproducible', async () => {
    const o = { file, seed: 7, groups: ['income-marital'] as const, learningRates: [0.01], epochs: 2, resamples: 20 };
    const r = await runCensusMtl(o);
    expect(r.protocol).toBe('mtl/census');
    expect(r.dataset.stats).toMatchObject({ rows: 400, test: 120 });
    expect(r.models.map((m) => m.id)).toEqual(['income-marital/single-task', 'income-marital/shared-bottom', 'income-marital/mmoe']);
    const aucs = r.metrics.filter((m) => m.metric === 'auc');
    expect(aucs).toHaveLength(6);
    for (const m of aucs) {
      expect(m.value).toBeGreaterThan(0.7);
      expect(m.ci!.lower).toBeLessThanOrEqual(m.value);
      expect(m.ci!.upper).toBeGreaterThanOrEqual(m.value);
    }
    expect(r.metrics.filter((m) => m.metric === 'auc_minus_single_task')).toHaveLength(4);
    expect((r.models[0]!.params.chosen as unknown[]).length).toBe(2);
    const again = await runCensusMtl(o);
    expect(again.metrics).toEqual(r.metrics);
  });
});
