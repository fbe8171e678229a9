import { mulberry32 } from '../random';
import { inverseMaxDcg, lambdarankGradients, ndcgAt } from './lambdarank';

const L3 = Math.log2(3);

describe('NDCG', () => {
  it('matches hand values', () => {
    // labels [0,2,1] ranked by scores [0.5,0.2,−0.1] (already in score order):
    // DCG = 0/1 + 3/log2(3) + 1/2, ideal = 3/1 + 1/log2(3) + 0.
    const y = Float32Array.from([0, 2, 1]);
    const g = Uint32Array.from([3]);
    const s = [0.5, 0.2, -0.1];
    expect(ndcgAt(s, y, g, 10)).toBeCloseTo((3 / L3 + 0.5) / (3 + 1 / L3), 12);
    expect(ndcgAt(s, y, g, 1)).toBe(0);
    expect(ndcgAt(s, y, g, 2)).toBeCloseTo(3 / L3 / (3 + 1 / L3), 12);
    expect(ndcgAt([0, 2, 1], y, g, 10)).toBeCloseTo(1, 12);
  });

  it('averages groups, counts an all-zero group as 1, breaks score ties by row order', () => {
    const y = Float32Array.from([0, 0, 1, 0]);
    const g = Uint32Array.from([2, 2]);
    // Group 2: tie → row order [1, 0] is labels [1, 0]: perfect.
    expect(ndcgAt([0, 0, 3, 3], y, g, 10)).toBe(1);
    // Group 2 reversed: DCG = 1/log2(3), ideal 1.
    expect(ndcgAt([0, 0, 1, 2], y, g, 10)).toBeCloseTo((1 + 1 / L3) / 2, 12);
  });
});

/** Lambdas by hand for one group: every pair listed explicitly. */
describe('lambdarank gradients for a 3-document group, by hand', () => {
  const y = Float32Array.from([0, 2, 1]);
  const groups = Uint32Array.from([3]);
  const s = Float64Array.from([0.5, 0.2, -0.1]);
  const inv = 1 / (3 + 1 / L3);
  const rho = (delta: number): number => 1 / (1 + Math.exp(delta));
  // Ranked positions: doc0 at 0, doc1 at 1, doc2 at 2. Pairs (high label, low label):
  //   (doc1, doc0): Δs = 0.2 − 0.5, |Δgain| = 3, |Δdisc| = 1 − 1/log2 3
  //   (doc2, doc0): Δs = −0.1 − 0.5, |Δgain| = 1, |Δdisc| = 1 − 1/2
  //   (doc1, doc2): Δs = 0.2 + 0.1, |Δgain| = 2, |Δdisc| = 1/log2 3 − 1/2
  const pairs = [
    { hi: 1, lo: 0, ds: -0.3, w: 3 * (1 - 1 / L3) * inv },
    { hi: 2, lo: 0, ds: -0.6, w: 1 * 0.5 * inv },
    { hi: 1, lo: 2, ds: 0.3, w: 2 * (1 / L3 - 0.5) * inv },
  ];

  function expected(norm: boolean): { g: number[]; h: number[] } {
    const g = [0, 0, 0];
    const h = [0, 0, 0];
    let sum = 0;
    for (const p of pairs) {
      const w = norm ? p.w / (0.01 + Math.abs(p.ds)) : p.w;
      const r = rho(p.ds);
      g[p.hi]! -= w * r;
      g[p.lo]! += w * r;
      h[p.hi]! += w * r * (1 - r);
      h[p.lo]! += w * r * (1 - r);
      sum += 2 * w * r;
    }
    const scale = norm ? Math.log2(1 + sum) / sum : 1;
    return { g: g.map((v) => v * scale), h: h.map((v) => v * scale) };
  }

  it.each([false, true])('norm = %s', (norm) => {
    const grad = new Float32Array(3);
    const hess = new Float32Array(3);
    lambdarankGradients(s, y, groups, inverseMaxDcg(y, groups, 10), 10, norm, grad, hess);
    const e = expected(norm);
    for (let i = 0; i < 3; i++) {
      expect(grad[i]).toBeCloseTo(e.g[i]!, 6);
      expect(hess[i]).toBeCloseTo(e.h[i]!, 6);
    }
    // The most relevant document is pushed up (negative gradient), the irrelevant one down.
    expect(grad[1]).toBeLessThan(0);
    expect(grad[0]).toBeGreaterThan(0);
  });

  it('truncation k = 1 keeps only the pairs involving the top-ranked document', () => {
    const grad = new Float32Array(3);
    const hess = new Float32Array(3);
    lambdarankGradients(s, y, groups, inverseMaxDcg(y, groups, 1), 1, false, grad, hess);
    const inv1 = 1 / 3;
    const a = 3 * (1 - 1 / L3) * inv1 * rho(-0.3);
    const b = 0.5 * inv1 * rho(-0.6);
    expect(grad[0]).toBeCloseTo(a + b, 6);
    expect(grad[1]).toBeCloseTo(-a, 6);
    expect(grad[2]).toBeCloseTo(-b, 6);
  });

  it('stays finite and exact for extreme score gaps (far below the top document)', () => {
    const y3 = Float32Array.from([0, 1, 2]);
    const g3 = Uint32Array.from([3]);
    const grad = new Float32Array(3);
    const hess = new Float32Array(3);
    lambdarankGradients([0, -800, -900], y3, g3, inverseMaxDcg(y3, g3, 10), 10, false, grad, hess);
    const inv3 = 1 / (3 + 1 / L3);
    // Pair (doc2 over doc1), both ~e^-800 below the top: ρ = 1/(1 + e^-100) ≈ 1.
    const w21 = 2 * (1 / L3 - 0.5) * inv3;
    const w10 = 1 * (1 - 1 / L3) * inv3;
    const w20 = 3 * 0.5 * inv3;
    expect(grad[2]).toBeCloseTo(-(w21 * rho(-100) + w20 * rho(-900)), 6);
    expect(grad[1]).toBeCloseTo(w21 * rho(-100) - w10 * rho(-800), 6);
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    expect(Array.from(hess).every(Number.isFinite)).toBe(true);
  });

  it('groups whose labels are all equal contribute nothing', () => {
    const y2 = Float32Array.from([2, 2, 2, 0, 0]);
    const g2 = Uint32Array.from([3, 2]);
    const grad = new Float32Array(5).fill(9);
    const hess = new Float32Array(5).fill(9);
    lambdarankGradients([1, 2, 3, 4, 5], y2, g2, inverseMaxDcg(y2, g2, 10), 10, true, grad, hess);
    expect(Array.from(grad)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(hess)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('lambdarank without norm is the gradient of the ΔNDCG-weighted RankNet loss (finite differences)', () => {
  const n = 9;
  const k = 4;
  const rnd = mulberry32(7);
  const y = Float32Array.from({ length: n }, () => Math.floor(rnd() * 4));
  y[0] = 3;
  y[1] = 0;
  const groups = Uint32Array.from([n]);
  const s0 = Float64Array.from({ length: n }, () => rnd() * 4 - 2);
  const inv = inverseMaxDcg(y, groups, k);

  /** Σ over pairs with a top-k member of |ΔNDCG|·log(1 + exp(−(s_hi − s_lo))), ranks fixed from s0. */
  function loss(s: Float64Array): number {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s0[b]! - s0[a]!);
    const pos = new Array<number>(n);
    order.forEach((r, p) => (pos[r] = p));
    let total = 0;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        if (!(y[a]! > y[b]!) || Math.min(pos[a]!, pos[b]!) >= k) continue;
        const w = (2 ** y[a]! - 2 ** y[b]!) * Math.abs(1 / Math.log2(2 + pos[a]!) - 1 / Math.log2(2 + pos[b]!)) * inv[0]!;
        total += w * Math.log1p(Math.exp(-(s[a]! - s[b]!)));
      }
    }
    return total;
  }

  it('matches the gradient and the diagonal hessian', () => {
    const grad = new Float32Array(n);
    const hess = new Float32Array(n);
    lambdarankGradients(s0, y, groups, inv, k, false, grad, hess);
    const eps = 1e-5;
    let nonzero = 0;
    for (let i = 0; i < n; i++) {
      const plus = Float64Array.from(s0);
      const minus = Float64Array.from(s0);
      plus[i]! += eps;
      minus[i]! -= eps;
      const fd = (loss(plus) - loss(minus)) / (2 * eps);
      const fd2 = (loss(plus) - 2 * loss(s0) + loss(minus)) / (eps * eps);
      expect(grad[i]).toBeCloseTo(fd, 5);
      expect(hess[i]).toBeCloseTo(fd2, 3);
      if (Math.abs(fd) > 1e-3) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(4);
  });
});
