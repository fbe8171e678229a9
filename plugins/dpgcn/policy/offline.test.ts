import { mulberry32 } from '../../../ml/random';
import { listNdcg, meanNdcg, trainOnEpisodes, type EpisodeLists } from './offline';

/**
 * Two kinds of users, told apart by their state: for graph users the positives have the highest
 * graph scores and random static ones (α → hi is best), for static users the reverse (α → lo).
 * No constant α serves both; a state-dependent actor does.
 */
function twoKinds(lists: number, seed: number): EpisodeLists {
  const r = mulberry32(seed);
  const size = 20;
  const g = new Float32Array(lists * size);
  const h = new Float32Array(lists * size);
  const y = new Uint8Array(lists * size);
  const states = new Float32Array(lists * 3);
  for (let i = 0; i < lists; i++) {
    const graphUser = i % 2 === 0;
    states.set([graphUser ? 1 : 0, r(), 0.5], i * 3);
    for (let j = 0; j < size; j++) {
      const at = i * size + j;
      const pos = j < 2;
      y[at] = pos ? 1 : 0;
      const strong = pos ? 0.8 + 0.2 * r() : 0.7 * r();
      const noise = r();
      g[at] = graphUser ? strong : noise;
      h[at] = graphUser ? noise : strong;
    }
  }
  return { g, h, y, sizes: Array.from({ length: lists }, () => size), states, stateDim: 3 };
}

describe('offline policy episodes', () => {
  it('NDCG@k of a list under α', () => {
    const l = { g: Float32Array.from([0.9, 0.1, 0.5]), h: Float32Array.from([0, 1, 0.2]), y: Uint8Array.from([0, 1, 0]) };
    expect(listNdcg(l, 0, 3, 1)).toBeCloseTo(1 / Math.log2(4), 6);
    expect(listNdcg(l, 0, 3, 0)).toBe(1);
    expect(listNdcg(l, 0, 3, 0, 1)).toBe(1);
    expect(listNdcg({ ...l, y: new Uint8Array(3) }, 0, 3, 0.5)).toBe(0);
  });

  it('learns a state-dependent α that beats the fitted α and the best constant α on held-out lists', () => {
    const l = twoKinds(400, 3);
    const train = Array.from({ length: 300 }, (_, i) => i);
    const valid = Array.from({ length: 100 }, (_, i) => 300 + i);
    const fit = trainOnEpisodes(l, { range: [0.1, 0.9], alpha0: 0.5, train, updates: 500, batch: 32, hidden: [12, 12], seed: 5 });
    const act = (i: number): number => fit.agent.act(l.states.subarray(i * 3, i * 3 + 3));
    let bestConstant = 0;
    for (let j = 0; j <= 8; j++)
      bestConstant = Math.max(
        bestConstant,
        meanNdcg(l, valid, () => 0.1 + 0.1 * j),
      );
    const policy = meanNdcg(l, valid, act);
    expect(policy).toBeGreaterThan(meanNdcg(l, valid, () => 0.5) + 0.05);
    expect(policy).toBeGreaterThan(bestConstant + 0.05);
    expect(act(300)).toBeGreaterThan(0.7);
    expect(act(301)).toBeLessThan(0.3);
  });
});
