import { bootstrapMeans } from './bootstrap';

describe('bootstrapMeans', () => {
  // 400 rows x 2 columns: column 0 alternates 0/1 (mean 0.5), column 1 is constant 0.25.
  const width = 2;
  const values = new Float64Array(400 * width);
  for (let r = 0; r < 400; r++) {
    values[r * width] = r % 2;
    values[r * width + 1] = 0.25;
  }

  it('brackets the mean with about ±1.96 standard errors, is seeded, and is degenerate for a constant', () => {
    const [a, b] = bootstrapMeans(values, width, [0, 1], { resamples: 2000, seed: 3 });
    const se = Math.sqrt(0.25 / 400); // 0.025
    expect(a!.level).toBe(0.95);
    expect(a!.lower).toBeGreaterThan(0.5 - 2.3 * se);
    expect(a!.lower).toBeLessThan(0.5 - 1.6 * se);
    expect(a!.upper).toBeGreaterThan(0.5 + 1.6 * se);
    expect(a!.upper).toBeLessThan(0.5 + 2.3 * se);
    expect([b!.lower, b!.upper]).toEqual([0.25, 0.25]);
    expect(bootstrapMeans(values, width, [0], { resamples: 2000, seed: 3 })).toEqual([a]);
    expect(bootstrapMeans(values, width, [0], { resamples: 2000, seed: 4 })).not.toEqual([a]);
  });

  it('rejects bad options', () => {
    expect(() => bootstrapMeans(values, width, [0], { resamples: 0, seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeans(values, width, [0], { resamples: 10, seed: 1, level: 1 })).toThrow(RangeError);
  });
});
