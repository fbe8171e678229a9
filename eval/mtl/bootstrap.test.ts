import { mulberry32 } from '../../ml/random';
import { auc } from '../metrics/classification';
import { bootstrapAucs, percentile95 } from './bootstrap';

describe('eval/mtl AUC bootstrap', () => {
  const rnd = mulberry32(3);
  const n = 400;
  const labels = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0));
  const good = Float64Array.from(labels, (y) => y + rnd() * 1.5);
  const weak = Float64Array.from(labels, (y) => y * 0.3 + rnd());

  it('intervals hold the AUC, the paired difference to itself is 0, reproducible from the seed', () => {
    const o = { seed: 9, resamples: 100, reference: 1 };
    const b = bootstrapAucs([good, weak], labels, o);
    expect(b.auc[0]).toBeCloseTo(auc(good, labels), 12);
    b.auc.forEach((a, m) => {
      expect(b.ci[m]!.lower).toBeLessThanOrEqual(a);
      expect(b.ci[m]!.upper).toBeGreaterThanOrEqual(a);
    });
    expect(b.diffCi[1]).toEqual({ level: 0.95, lower: 0, upper: 0 });
    expect(b.diffCi[0]!.lower).toBeGreaterThan(0);
    expect(bootstrapAucs([good, weak], labels, o)).toEqual(b);
    expect(bootstrapAucs([good, weak], labels, { ...o, seed: 10 }).ci[0]).not.toEqual(b.ci[0]);
  });

  it('percentile95 interpolates between order statistics (type 7)', () => {
    const v = Array.from({ length: 41 }, (_, i) => 40 - i);
    expect(percentile95(v)).toEqual({ level: 0.95, lower: 1, upper: 39 });
    expect(Number.isNaN(percentile95([]).lower)).toBe(true);
  });
});
