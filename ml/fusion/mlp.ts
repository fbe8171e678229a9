/**
 * The fusion network: score = α·g + (1 − α)·h(x), where g is the graph score (the cosine of the
 * user's and the item's DP-GCN embeddings) and h a one-hidden-layer MLP over standardised static
 * columns, h(x) = tanh(w2 · relu(W1ᵀx + b1) + b2), so h lies in (−1, 1) like the cosine.
 * α = sigmoid(a) is learned with the network.
 *
 * Trained pairwise within a user (BPR with a temperature): L = mean over (positive p, negative n)
 * pairs of softplus(−(s_p − s_n)/τ) + ½·λ·|W|². Gradients are written by hand (checked against
 * finite differences in mlp.test.ts).
 *
 * Parameters live in one Float32Array θ = [W1 (C×H, row-major: W1[j·H + k]), b1 (H), w2 (H), b2, a].
 */

export interface FusionShape {
  /** Input columns. */
  readonly columns: number;
  /** Hidden units. */
  readonly hidden: number;
}

/** Parameter count of a network of this shape. */
export function fusionParamCount(s: FusionShape): number {
  return s.columns * s.hidden + 2 * s.hidden + 2;
}

/** Offsets of each block in θ. */
export function fusionOffsets(s: FusionShape): { w1: number; b1: number; w2: number; b2: number; a: number } {
  const w1 = 0;
  const b1 = s.columns * s.hidden;
  const w2 = b1 + s.hidden;
  const b2 = w2 + s.hidden;
  return { w1, b1, w2, b2, a: b2 + 1 };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** α = sigmoid(a) of a parameter vector. */
export function fusionAlpha(s: FusionShape, theta: Float32Array): number {
  return sigmoid(theta[fusionOffsets(s).a]!);
}

/** h(x) for rows 0..n-1 of the row-major standardised matrix x (n × C), into `out`. `hidden` is scratch (H values per row when given). */
export function fusionH(s: FusionShape, theta: Float32Array, x: Float32Array, n: number, out: Float64Array, hidden?: Float64Array): void {
  const { columns: C, hidden: H } = s;
  const o = fusionOffsets(s);
  const z = new Float64Array(H);
  for (let i = 0; i < n; i++) {
    const xo = i * C;
    for (let k = 0; k < H; k++) z[k] = theta[o.b1 + k]!;
    for (let j = 0; j < C; j++) {
      const xj = x[xo + j]!;
      if (xj === 0) continue;
      const wo = o.w1 + j * H;
      for (let k = 0; k < H; k++) z[k] = z[k]! + xj * theta[wo + k]!;
    }
    let v = theta[o.b2]!;
    for (let k = 0; k < H; k++) {
      const r = z[k]! > 0 ? z[k]! : 0;
      if (hidden) hidden[i * H + k] = z[k]!;
      v += r * theta[o.w2 + k]!;
    }
    out[i] = Math.tanh(v);
  }
}

/** Fused scores α·g + (1 − α)·h for rows 0..n-1 (α: the network's own unless given). */
export function fusionScores(s: FusionShape, theta: Float32Array, x: Float32Array, g: Float32Array, n: number, alpha = fusionAlpha(s, theta)): Float64Array {
  const h = new Float64Array(n);
  fusionH(s, theta, x, n, h);
  for (let i = 0; i < n; i++) h[i] = alpha * g[i]! + (1 - alpha) * h[i]!;
  return h;
}

export interface PairBatch {
  /** Row-major standardised columns (rows × C). */
  readonly x: Float32Array;
  /** Graph score per row. */
  readonly g: Float32Array;
  /** Positive and negative row of each pair. */
  readonly pos: Int32Array;
  readonly neg: Int32Array;
}

/**
 * Loss and gradient (into `grad`, overwritten) over the pairs [from, to) of `b`, averaged over
 * those pairs. `tau` is the temperature, `l2` the weight decay on W1 and w2.
 */
export function fusionLossGrad(s: FusionShape, theta: Float32Array, b: PairBatch, from: number, to: number, tau: number, l2: number, grad: Float32Array): number {
  const { columns: C, hidden: H } = s;
  const o = fusionOffsets(s);
  grad.fill(0);
  const alpha = fusionAlpha(s, theta);
  const rows = [b.pos, b.neg];
  const h = new Float64Array(2);
  const z = new Float64Array(2 * H);
  const xr = new Float32Array(2 * C);
  const m = to - from;
  let loss = 0;
  let dAlpha = 0;
  for (let p = from; p < to; p++) {
    for (let side = 0; side < 2; side++) xr.set(b.x.subarray(rows[side]![p]! * C, rows[side]![p]! * C + C), side * C);
    fusionH(s, theta, xr, 2, h, z);
    const gp = b.g[b.pos[p]!]!;
    const gn = b.g[b.neg[p]!]!;
    const d = (alpha * (gp - gn) + (1 - alpha) * (h[0]! - h[1]!)) / tau;
    loss += softplus(-d);
    // dL/dd = −sigmoid(−d); ds_p = +1, ds_n = −1.
    const dd = -sigmoid(-d) / tau / m;
    dAlpha += dd * (gp - gn - (h[0]! - h[1]!));
    for (let side = 0; side < 2; side++) {
      const ds = side === 0 ? dd : -dd;
      const hv = h[side]!;
      const dout = ds * (1 - alpha) * (1 - hv * hv);
      grad[o.b2] = grad[o.b2]! + dout;
      for (let k = 0; k < H; k++) {
        const zk = z[side * H + k]!;
        if (zk <= 0) continue;
        grad[o.w2 + k] = grad[o.w2 + k]! + dout * zk;
        const dz = dout * theta[o.w2 + k]!;
        grad[o.b1 + k] = grad[o.b1 + k]! + dz;
        for (let j = 0; j < C; j++) {
          const xj = xr[side * C + j]!;
          if (xj !== 0) grad[o.w1 + j * H + k] = grad[o.w1 + j * H + k]! + dz * xj;
        }
      }
    }
  }
  grad[o.a] = dAlpha * alpha * (1 - alpha);
  let reg = 0;
  for (let i = o.w1; i < o.b1; i++) {
    reg += theta[i]! * theta[i]!;
    grad[i] = grad[i]! + l2 * theta[i]!;
  }
  for (let i = o.w2; i < o.b2; i++) {
    reg += theta[i]! * theta[i]!;
    grad[i] = grad[i]! + l2 * theta[i]!;
  }
  return loss / m + 0.5 * l2 * reg;
}
