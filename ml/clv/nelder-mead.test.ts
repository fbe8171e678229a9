import { nelderMead } from './nelder-mead';

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function from the classic start (−1.2, 1)', () => {
    const rosen = (x: Float64Array): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const res = nelderMead(rosen, [-1.2, 1], { fTolerance: 1e-16, xTolerance: 1e-10 });
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
    expect(res.value).toBeLessThan(1e-12);
  });

  it('minimises a badly scaled 4-d quadratic to the tolerance', () => {
    const centre = [3, -1, 0.5, 10];
    const scale = [1, 100, 0.01, 5];
    const f = (x: Float64Array): number => x.reduce((s, xi, i) => s + scale[i]! * (xi - centre[i]!) ** 2, 0);
    const res = nelderMead(f, [0, 0, 0, 0]);
    expect(res.converged).toBe(true);
    res.x.forEach((xi, i) => expect(xi).toBeCloseTo(centre[i]!, 4));
  });

  it('treats non-finite objective values as +Infinity (a barrier)', () => {
    const f = (x: Float64Array): number => (x[0]! <= 0 ? Number.NaN : (Math.log(x[0]!) - 1) ** 2);
    const res = nelderMead(f, [0.2], { step: 1 });
    expect(res.x[0]).toBeCloseTo(Math.E, 5);
  });

  it('reports non-convergence when the evaluation budget runs out', () => {
    const res = nelderMead((x) => (x[0]! - 5) ** 2 + (x[1]! + 5) ** 2, [0, 0], { maxEvaluations: 12 });
    expect(res.converged).toBe(false);
    // the budget is checked before each iteration, and one iteration costs at most d + 2 evaluations
    expect(res.evaluations).toBeLessThanOrEqual(12 + 4);
  });

  it('rejects an empty start and a non-positive step', () => {
    expect(() => nelderMead(() => 0, [])).toThrow(RangeError);
    expect(() => nelderMead(() => 0, [1], { step: 0 })).toThrow(RangeError);
  });
});
