import { mulberry32 } from '../random';
import { createObjective, logloss, rmse } from './objectives';

describe('binary logloss objective (finite differences)', () => {
  const n = 12;
  const rnd = mulberry32(3);
  const y = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const score = Float64Array.from({ length: n }, () => rnd() * 6 - 3);
  const obj = createObjective('binary', { y }, 10, true);

  it('starts at the log-odds of the base rate', () => {
    expect(obj.baseScore).toBeCloseTo(Math.log(4 / 8), 12);
    expect(obj.higherIsBetter).toBe(false);
  });

  it('g and h are the first and second derivatives of n·logloss', () => {
    const grad = new Float32Array(n);
    const hess = new Float32Array(n);
    obj.gradients(score, grad, hess);
    const eps = 1e-5;
    for (let i = 0; i < n; i++) {
      const at = (v: number): number => {
        const s = Float64Array.from(score);
        s[i] = v;
        return logloss(s, y) * n;
      };
      const z = score[i]!;
      expect(grad[i]).toBeCloseTo((at(z + eps) - at(z - eps)) / (2 * eps), 6);
      expect(hess[i]).toBeCloseTo((at(z + eps) - 2 * at(z) + at(z - eps)) / (eps * eps), 3);
    }
  });

  it('logloss is stable for large scores', () => {
    expect(logloss([800, -800], Float32Array.from([1, 0]))).toBe(0);
    expect(logloss([-800], Float32Array.from([1]))).toBeCloseTo(800, 9);
  });
});

describe('regression objective', () => {
  it('g = f − y, h = 1, base = mean, metric RMSE', () => {
    const y = Float32Array.from([1, 2, 6]);
    const obj = createObjective('regression', { y }, 10, true);
    expect(obj.baseScore).toBe(3);
    const grad = new Float32Array(3);
    const hess = new Float32Array(3);
    obj.gradients(Float64Array.from([3, 3, 3]), grad, hess);
    expect(Array.from(grad)).toEqual([2, 1, -3]);
    expect(Array.from(hess)).toEqual([1, 1, 1]);
    expect(rmse([3, 3, 3], y)).toBeCloseTo(Math.sqrt(14 / 3), 12);
  });
});
