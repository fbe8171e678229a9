/**
 * Finite-difference checks of the MTL-ads network's backward passes: the main task (keyword
 * embedding through the shared bottom), and the auxiliary task with the keyword attention
 * parametrised on the embedding tables, b_j = zᵀ tanh(W_u Em(u) + W_q Em(q) + W_a Em(d_j)), for
 * every kind, with repeated keywords in a title and an empty title.
 */
import { mulberry32 } from '../../random';
import { logitLoss, sigmoid } from '../math';
import type { Params } from '../params';
import { createAdsNet, type AdsNetSpec } from './model';

const H = 1e-3;

/** Biases start at 0, which can put a ReLU exactly at its kink: draw every parameter instead. */
function randomise(p: Params, seed: number): void {
  const rnd = mulberry32(seed);
  for (let i = 0; i < p.values.length; i++) p.values[i] = (2 * rnd() - 1) * 0.6;
}

function relErr(a: number, n: number): number {
  return Math.abs(a - n) / Math.max(1e-3, Math.abs(a) + Math.abs(n));
}

function worstParamError(p: Params, loss: () => number): { worst: number; nonzero: number } {
  const analytic = Float64Array.from(p.grads);
  let worst = 0;
  let nonzero = 0;
  for (let i = 0; i < p.values.length; i++) {
    const orig = p.values[i]!;
    p.values[i] = orig + H;
    const up = p.values[i]!;
    const fUp = loss();
    p.values[i] = orig - H;
    const down = p.values[i]!;
    const fDown = loss();
    p.values[i] = orig;
    const numeric = (fUp - fDown) / (up - down);
    if (analytic[i] !== 0) nonzero++;
    worst = Math.max(worst, relErr(analytic[i]!, numeric));
  }
  return { worst, nonzero };
}

const base: Omit<AdsNetSpec, 'kind' | 'extra'> = { users: 4, queries: 3, items: 5, keywords: 6, dim: 3, bottom: [5], tower: [4], attentionHidden: 4 };

describe('ml/mtl/ads gradients (finite differences)', () => {
  it.each(['bm', 'mtdl', 'amtdl'] as const)('%s: main task (one keyword row)', (kind) => {
    const net = createAdsNet({ ...base, kind, extra: kind === 'amtdl' ? 2 : 0 }, 3);
    randomise(net.params, 11);
    const extra = kind === 'amtdl' ? [0.4, -1.1] : [];
    const loss = (): number => logitLoss(net.mainForward(1, 2, 3, 4, extra), 1);
    net.params.grads.fill(0);
    net.mainBackward(sigmoid(net.mainForward(1, 2, 3, 4, extra)) - 1);
    const r = worstParamError(net.params, loss);
    expect(r.nonzero).toBeGreaterThan(0);
    expect(r.worst).toBeLessThan(2e-3);
  });

  it.each([
    ['mtdl, three distinct keywords', 'mtdl', [1, 4, 5]],
    ['amtdl, a repeated keyword', 'amtdl', [2, 2, 5]],
    ['mtdl, an empty title (pools the unknown keyword)', 'mtdl', []],
  ] as const)('auxiliary task with attention: %s', (_name, kind, kws) => {
    const net = createAdsNet({ ...base, kind, extra: kind === 'amtdl' ? 2 : 0 }, 5);
    randomise(net.params, 12);
    const extra = kind === 'amtdl' ? [0.7, 0.2] : [];
    const loss = (): number => logitLoss(net.auxForward(2, 1, 4, kws, extra), 0);
    net.params.grads.fill(0);
    net.auxBackward(sigmoid(net.auxForward(2, 1, 4, kws, extra)));
    const alpha = net.attentionWeights();
    expect(alpha.length).toBe(Math.max(1, kws.length));
    expect(alpha.reduce((s, a) => s + a, 0)).toBeCloseTo(1, 12);
    const r = worstParamError(net.params, loss);
    expect(r.nonzero).toBeGreaterThan(0);
    expect(r.worst).toBeLessThan(2e-3);
    // keyword rows that were pooled got gradient; the others did not
    const kwSlot = net.slots.keyword;
    const used = new Set(kws.length > 0 ? kws : [0]);
    for (let row = 0; row < base.keywords; row++) {
      const g = net.params.grads.subarray(kwSlot.offset + row * base.dim, kwSlot.offset + (row + 1) * base.dim);
      expect(g.some((x) => x !== 0)).toBe(used.has(row));
    }
  });

  it('BM has no auxiliary task; indices out of range are refused', () => {
    const bm = createAdsNet({ ...base, kind: 'bm', extra: 0 }, 1);
    expect(bm.auxTower).toBeNull();
    expect(() => bm.auxForward(0, 0, 0, [1], [])).toThrow(/BM/);
    const net = createAdsNet({ ...base, kind: 'mtdl', extra: 0 }, 1);
    expect(() => net.mainForward(0, 0, 0, 6, [])).toThrow(RangeError);
    expect(() => net.auxForward(4, 0, 0, [1], [])).toThrow(RangeError);
    expect(() => createAdsNet({ ...base, kind: 'mtdl', extra: 0, bottom: [] }, 1)).toThrow(RangeError);
  });
});
