/**
 * Finite-difference check of DUVE v2's hand-written gradient: through the heads, the pooling, the
 * softmax attention (content term and per-type decay θ → λ → −λ·age), the category and neighbour
 * embedding tables, in all three decay modes, with money (spend head on).
 */
import { referenceTimes } from '../duve/examples';
import { syntheticDuveHistories } from '../duve/synthetic';
import { trainDuve } from '../duve/train';
import { mulberry32 } from '../random';
import { DEFAULT_DUVE2_DIMS, duve2Offsets, type Duve2Dims } from './model';
import { coInteractionNeighbours, itemEntry } from './neighbours';
import { buildDuve2Problem, duve2Objective } from './train';
import type { DecayMode } from '../duve/model';

const DAY = 24 * 3600 * 1000;
const start = Date.UTC(2020, 0, 1);
const histories = syntheticDuveHistories({ users: 10, days: 10, seed: 9, items: 40 });
const trainEnd = start + 10 * DAY;
const refTimes = referenceTimes(start, trainEnd, DAY, DAY);
const dims: Duve2Dims = { ...DEFAULT_DUVE2_DIMS, window: 8, neighbours: 3, categoryBuckets: 5, itemBuckets: 16, categoryDims: 3, itemDims: 3, stateDims: 4 };

describe('DUVE v2 gradient', () => {
  for (const mode of ['per-type', 'shared', 'none'] as DecayMode[]) {
    it(`matches central differences (${mode})`, () => {
      const v1 = trainDuve(histories, { refTimes, trainEnd, horizonMs: DAY, decayMode: mode, iterations: 5, embedding: { dims: 8 } }).model;
      const nb = coInteractionNeighbours(histories, { neighbours: dims.neighbours });
      const items = new Map([...nb].map(([id, list]) => [id, itemEntry(id, `cat:${id.length % 4}`, list, dims, 3)] as const));
      const p = buildDuve2Problem(histories, v1, {
        refTimes,
        horizonMs: DAY,
        trainEnd,
        dims,
        decayMode: mode,
        bounds: [1 / 24, 365],
        items,
        hashSeed: 3,
        l2: 1e-3,
        l2V1Heads: 5e-3,
        headWeights: [0.7, 1.3],
      });
      expect(p.n).toBeGreaterThan(40);
      expect(p.hasSpend).toBe(true);
      expect(p.purchased.some((y) => y === 1) && p.purchased.some((y) => y === 0)).toBe(true);
      const off = duve2Offsets(dims, v1.types.length, v1.features.length, mode);
      const rng = mulberry32(11);
      const params = Float64Array.from({ length: off.total }, () => 0.5 * (rng() - 0.5));
      for (let q = 0; q < off.nTheta; q++) params[off.theta + q] = -1 + q * 0.7;
      const batch = Int32Array.from({ length: 30 }, (_x, i) => (i * 7) % p.n);
      const grad = new Float64Array(off.total);
      duve2Objective(p, params, grad, batch);
      // Every θ, u, a slice of V, every row of the small embedding tables, the heads.
      const check: number[] = [];
      for (let q = 0; q < off.V + 2 * off.D; q++) check.push(q);
      for (let q = off.cat; q < off.W; q += 2) check.push(q);
      for (let q = off.W; q < off.total; q++) check.push(q);
      const h = 1e-5;
      let worst = 0;
      let nonzero = 0;
      for (const q of check) {
        const keep = params[q]!;
        params[q] = keep + h;
        const up = duve2Objective(p, params, null, batch);
        params[q] = keep - h;
        const dn = duve2Objective(p, params, null, batch);
        params[q] = keep;
        const num = (up - dn) / (2 * h);
        if (Math.abs(grad[q]!) > 1e-6) nonzero++;
        const err = Math.abs(num - grad[q]!) / Math.max(1e-3, Math.abs(num) + Math.abs(grad[q]!));
        worst = Math.max(worst, err);
      }
      expect(worst).toBeLessThan(1e-5);
      expect(nonzero).toBeGreaterThan(check.length / 3);
      if (mode !== 'none') for (let q = 0; q < off.nTheta; q++) expect(Math.abs(grad[off.theta + q]!)).toBeGreaterThan(1e-8);
    });
  }
});
