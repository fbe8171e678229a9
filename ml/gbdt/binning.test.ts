import { mulberry32 } from '../random';
import { applyBins, binOf, findBins, FLOAT32_MAX } from './binning';

describe('quantile binning', () => {
  it('gives each of few distinct values its own bin, NaN bin 0, thresholds between values', () => {
    const x = Float32Array.from([3, 1, Number.NaN, 2, 1, 3]);
    const fb = findBins(x, 6, 1, 63, 1000, 1);
    expect(fb.numBins[0]).toBe(4);
    expect(Array.from(fb.upper[0]!).slice(1)).toEqual([1.5, 2.5, FLOAT32_MAX]);
    expect(Array.from(applyBins(x, 6, 1, fb).bins)).toEqual([3, 1, 0, 2, 1, 3]);
    // Unseen values: below the first edge → bin 1, above the last present value → last bin.
    expect(binOf(fb.upper[0]!, -100)).toBe(1);
    expect(binOf(fb.upper[0]!, 1.5)).toBe(1);
    expect(binOf(fb.upper[0]!, 1e30)).toBe(3);
  });

  it('puts adjacent float32 values in separate bins with a float32 threshold between them', () => {
    const a = 1;
    const b = 1.0000001192092896; // next float32 after 1
    const fb = findBins(Float32Array.from([a, b]), 2, 1, 63, 1000, 1);
    const t = fb.upper[0]![1]!;
    expect(Math.fround(t)).toBe(t);
    expect(a <= t && b > t).toBe(true);
  });

  it('with many values, makes at most maxBins bins of roughly equal counts', () => {
    const n = 10000;
    const rnd = mulberry32(9);
    const x = Float32Array.from({ length: n }, () => rnd() ** 3);
    const fb = findBins(x, n, 1, 16, n, 1);
    expect(fb.numBins[0]).toBe(17);
    const counts = new Array<number>(17).fill(0);
    for (const b of applyBins(x, n, 1, fb).bins) counts[b]!++;
    expect(counts[0]).toBe(0);
    for (let b = 1; b < 17; b++) expect(Math.abs(counts[b]! - n / 16)).toBeLessThan(n / 160);
  });

  it('finds edges on a seeded sample when n exceeds the sample size', () => {
    const n = 5000;
    const x = Float32Array.from({ length: n }, (_, i) => i);
    const fb = findBins(x, n, 1, 10, 500, 3);
    expect(fb.numBins[0]).toBe(11);
    expect(Array.from(findBins(x, n, 1, 10, 500, 3).upper[0]!)).toEqual(Array.from(fb.upper[0]!));
  });
});
