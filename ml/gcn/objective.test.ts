import { bipartiteGraph } from '../graph/typed';
import { mulberry32 } from '../random';
import { createObjectiveState, objective, type GcnGraphData } from './objective';

function tinyGraph(): GcnGraphData {
  const lists = [[0, 2, 3], [1, 2], [4], [0, 1, 5], [3, 5]];
  const indptr = Int32Array.from([0, ...lists.map((_, u) => lists.slice(0, u + 1).flat().length)]);
  return { numUsers: lists.length, numItems: 6, indptr, items: Int32Array.from(lists.flat()) };
}

describe('objective: gradient with respect to E⁰', () => {
  it.each([
    { layers: 2, tau: 0.5, l2: 0.01 },
    { layers: 0, tau: 0.2, l2: 0 },
    { layers: 3, tau: 1, l2: 0.1 },
  ])('matches central finite differences through propagation, normalisation and softmax (%o)', async ({ layers, tau, l2 }) => {
    const data = tinyGraph();
    const d = 4;
    const rnd = mulberry32(layers * 7 + 1);
    const e0 = Float32Array.from({ length: (data.numUsers + data.numItems) * d }, () => rnd() - 0.5);
    const st = createObjectiveState(bipartiteGraph(data.numUsers, data.numItems, data), data, { dims: d, layers, tau, l2 }, e0);
    const users = Int32Array.from([0, 1, 2, 3, 4]);
    // Two groups with different negatives, one of which collides with positives (skipped).
    const negs = [Int32Array.from([1, 4, 5, 0]), Int32Array.from([2, 3, 0])];
    const run = async (): Promise<number> => (await objective(st, users, 3, (g) => negs[g]!)).loss;
    await run();
    const analytic = Float64Array.from(st.grad);
    const h = 1e-3;
    let worst = 0;
    for (let i = 0; i < e0.length; i++) {
      const keep = e0[i]!;
      e0[i] = keep + h;
      const up = await run();
      e0[i] = keep - h;
      const down = await run();
      e0[i] = keep;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]!) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[i]!)));
    }
    expect(worst).toBeLessThan(2e-2);
    // The check is not vacuous: the gradient is far from zero.
    expect(Math.max(...Array.from(analytic, Math.abs))).toBeGreaterThan(1e-2);
  });
});
