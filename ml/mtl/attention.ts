/**
 * Attention pooling of a title's keyword embeddings, conditioned on the user and the query (the
 * MTL-ads auxiliary task, issue 14):
 *
 *   b_j = zᵀ tanh(W_u e_u + W_q e_q + W_a d_j),   α = softmax(b),   out = Σ_j α_j d_j
 *
 * with d_j = Em(keyword j). No bias terms, as in the formula. One example at a time; backward
 * returns ∂loss/∂e_u, ∂loss/∂e_q and ∂loss/∂d_j (to flow into the embedding tables) and adds the
 * parameter gradients into `params.grads`.
 */
import { glorot, type ParamLayout, type Params, type Slot } from './params';
import { softmaxInto } from './math';

export interface AttentionShape {
  /** Width of e_u. */
  readonly user: number;
  /** Width of e_q. */
  readonly query: number;
  /** Width of each keyword embedding d_j (and of the pooled output). */
  readonly key: number;
  /** Width of the tanh layer (rows of W_u, W_q, W_a; length of z). */
  readonly hidden: number;
}

export interface AttentionGrads {
  readonly user: Float64Array;
  readonly query: Float64Array;
  /** keys × key, row j = ∂loss/∂d_j. */
  readonly keys: Float64Array;
}

export interface AttentionPooling {
  readonly shape: AttentionShape;
  /** Pool `count` keyword embeddings (`keys`, row-major count × key); count ≥ 1. */
  forward(p: Params, user: ArrayLike<number>, query: ArrayLike<number>, keys: ArrayLike<number>, count: number): Float64Array;
  /** α of the last forward (length = its count). */
  weights(): Float64Array;
  backward(p: Params, dOut: ArrayLike<number>): AttentionGrads;
}

export function createAttentionPooling(layout: ParamLayout, shape: AttentionShape): AttentionPooling {
  const { user: du, query: dq, key: de, hidden: h } = shape;
  const wu: Slot = layout.add(h * du, glorot(du, h));
  const wq: Slot = layout.add(h * dq, glorot(dq, h));
  const wa: Slot = layout.add(h * de, glorot(de, h));
  const z: Slot = layout.add(h, glorot(h, 1));
  const eu = new Float64Array(du);
  const eq = new Float64Array(dq);
  const c = new Float64Array(h);
  const out = new Float64Array(de);
  const dc = new Float64Array(h);
  const dUser = new Float64Array(du);
  const dQuery = new Float64Array(dq);
  let m = 0;
  let k = new Float64Array(0);
  let a = new Float64Array(0);
  let alpha = new Float64Array(0);
  let b = new Float64Array(0);
  let dKeys = new Float64Array(0);
  return {
    shape,
    forward(p, user, query, keys, count) {
      if (!Number.isInteger(count) || count < 1 || keys.length < count * de || user.length !== du || query.length !== dq) throw new RangeError('attention: input shapes do not match');
      const v = p.values;
      m = count;
      if (k.length < m * de) {
        k = new Float64Array(m * de);
        dKeys = new Float64Array(m * de);
        a = new Float64Array(m * h);
      }
      alpha = new Float64Array(m);
      b = new Float64Array(m);
      for (let i = 0; i < du; i++) eu[i] = user[i]!;
      for (let i = 0; i < dq; i++) eq[i] = query[i]!;
      for (let i = 0; i < m * de; i++) k[i] = keys[i]!;
      for (let r = 0; r < h; r++) {
        let s = 0;
        for (let i = 0; i < du; i++) s += v[wu.offset + r * du + i]! * eu[i]!;
        for (let i = 0; i < dq; i++) s += v[wq.offset + r * dq + i]! * eq[i]!;
        c[r] = s;
      }
      for (let j = 0; j < m; j++) {
        let bj = 0;
        for (let r = 0; r < h; r++) {
          let s = c[r]!;
          for (let i = 0; i < de; i++) s += v[wa.offset + r * de + i]! * k[j * de + i]!;
          const t = Math.tanh(s);
          a[j * h + r] = t;
          bj += v[z.offset + r]! * t;
        }
        b[j] = bj;
      }
      softmaxInto(b, alpha);
      out.fill(0);
      for (let j = 0; j < m; j++) for (let i = 0; i < de; i++) out[i] = out[i]! + alpha[j]! * k[j * de + i]!;
      return out;
    },
    weights: () => alpha,
    backward(p, dOut) {
      const v = p.values;
      const g = p.grads;
      dc.fill(0);
      dKeys.fill(0);
      let dot = 0;
      const dAlpha = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let i = 0; i < de; i++) {
          s += dOut[i]! * k[j * de + i]!;
          dKeys[j * de + i] = alpha[j]! * dOut[i]!;
        }
        dAlpha[j] = s;
        dot += alpha[j]! * s;
      }
      for (let j = 0; j < m; j++) {
        const db = alpha[j]! * (dAlpha[j]! - dot);
        if (db === 0) continue;
        for (let r = 0; r < h; r++) {
          const t = a[j * h + r]!;
          g[z.offset + r] = g[z.offset + r]! + db * t;
          const dpre = db * v[z.offset + r]! * (1 - t * t);
          dc[r] = dc[r]! + dpre;
          for (let i = 0; i < de; i++) {
            const wi = wa.offset + r * de + i;
            g[wi] = g[wi]! + dpre * k[j * de + i]!;
            dKeys[j * de + i] = dKeys[j * de + i]! + dpre * v[wi]!;
          }
        }
      }
      dUser.fill(0);
      dQuery.fill(0);
      for (let r = 0; r < h; r++) {
        const d = dc[r]!;
        for (let i = 0; i < du; i++) {
          g[wu.offset + r * du + i] = g[wu.offset + r * du + i]! + d * eu[i]!;
          dUser[i] = dUser[i]! + d * v[wu.offset + r * du + i]!;
        }
        for (let i = 0; i < dq; i++) {
          g[wq.offset + r * dq + i] = g[wq.offset + r * dq + i]! + d * eq[i]!;
          dQuery[i] = dQuery[i]! + d * v[wq.offset + r * dq + i]!;
        }
      }
      return { user: dUser, query: dQuery, keys: dKeys.subarray(0, m * de) };
    },
  };
}
