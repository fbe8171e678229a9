/**
 * The MTL-ads network (issue 14), one example at a time with hand-written backprop:
 *
 *   e_u = Em_user(u), e_q = Em_query(q), e_i = Em_item(i), d_j = Em_kw(keyword j), f = extra features (AMTDL)
 *   main  (selling-point click of keyword j): logit = tower_main(bottom([e_u, e_q, e_i, d_j, f]))
 *   aux   (ad click):                         logit = tower_aux(bottom([e_u, e_q, e_i, p, f]))
 *         with p = Σ_j α_j d_j, α = softmax(b), b_j = zᵀ tanh(W_u e_u + W_q e_q + W_a d_j)  (ml/mtl/attention.ts)
 *
 * Hard parameter sharing: the embedding tables and the bottom MLP serve both tasks; each task has its
 * own tower. BM has the main tower only (no attention, no auxiliary tower). Index 0 of every table
 * is "unknown"; an ad without keywords pools the unknown keyword's row.
 */
import { createAttentionPooling, type AttentionPooling } from '../attention';
import { createMlp, type Mlp } from '../dense';
import { EMBEDDING_INIT } from '../embedding';
import { createParamLayout, type Params, type Slot } from '../params';
import type { AdsModelKind } from './types';

export interface AdsNetSpec {
  readonly kind: AdsModelKind;
  /** Table sizes including index 0 (unknown). */
  readonly users: number;
  readonly queries: number;
  readonly items: number;
  readonly keywords: number;
  /** Width of every embedding. */
  readonly dim: number;
  /** Extra dense features (AMTDL: ADS_EXTRA_FEATURES.length; otherwise 0). */
  readonly extra: number;
  /** Hidden widths of the shared bottom (ReLU), at least one. */
  readonly bottom: readonly number[];
  /** Hidden widths of each tower (ReLU) before its logit. */
  readonly tower: readonly number[];
  /** Width of the attention's tanh layer. */
  readonly attentionHidden: number;
}

/** Where each piece lives in the parameter vector (for the ONNX export). */
export interface AdsNetSlots {
  readonly user: Slot;
  readonly query: Slot;
  readonly item: Slot;
  readonly keyword: Slot;
}

export interface AdsNet {
  readonly spec: AdsNetSpec;
  readonly params: Params;
  readonly slots: AdsNetSlots;
  readonly bottom: Mlp;
  readonly mainTower: Mlp;
  /** null for BM. */
  readonly auxTower: Mlp | null;
  readonly attention: AttentionPooling | null;
  /** Width of the bottom's input: 4·dim + extra. */
  readonly inputWidth: number;
  /** Main-task logit of keyword `kw` for (user, query, item, extra). */
  mainForward(user: number, query: number, item: number, kw: number, extra: ArrayLike<number>): number;
  /** Back-propagate ∂loss/∂logit of the last mainForward. */
  mainBackward(dLogit: number): void;
  /** Auxiliary (ad click) logit; `kws` are the title's keyword indices (may be empty). */
  auxForward(user: number, query: number, item: number, kws: ArrayLike<number>, extra: ArrayLike<number>): number;
  auxBackward(dLogit: number): void;
  /** α of the last auxForward. */
  attentionWeights(): Float64Array;
}

export function createAdsNet(spec: AdsNetSpec, seed: number): AdsNet {
  const { dim, extra } = spec;
  for (const [name, v] of [
    ['users', spec.users],
    ['queries', spec.queries],
    ['items', spec.items],
    ['keywords', spec.keywords],
    ['dim', dim],
    ['attentionHidden', spec.attentionHidden],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`ads net: ${name} ${v}`);
  }
  if (!Number.isInteger(extra) || extra < 0) throw new RangeError(`ads net: extra ${extra}`);
  if (spec.bottom.length === 0) throw new RangeError('ads net: the shared bottom needs at least one layer');
  const layout = createParamLayout();
  const table = (rows: number): Slot => layout.add(rows * dim, { uniform: EMBEDDING_INIT });
  const slots: AdsNetSlots = { user: table(spec.users), query: table(spec.queries), item: table(spec.items), keyword: table(spec.keywords) };
  const inputWidth = 4 * dim + extra;
  const bottom = createMlp(layout, [inputWidth, ...spec.bottom], 'relu');
  const mainTower = createMlp(layout, [bottom.outputs, ...spec.tower, 1], 'linear');
  const multi = spec.kind !== 'bm';
  const auxTower = multi ? createMlp(layout, [bottom.outputs, ...spec.tower, 1], 'linear') : null;
  const attention = multi ? createAttentionPooling(layout, { user: dim, query: dim, key: dim, hidden: spec.attentionHidden }) : null;
  const params = layout.build(seed);
  const v = params.values;
  const g = params.grads;
  const x = new Float64Array(inputWidth);
  const rows = { user: 0, query: 0, item: 0, kw: 0 };
  let auxKeys: Int32Array = new Int32Array(0);
  let keyBuf = new Float64Array(0);
  const check = (name: string, i: number, n: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`ads net: ${name} index ${i} outside 0..${n - 1}`);
  };
  const fill = (user: number, query: number, item: number, ex: ArrayLike<number>): void => {
    check('user', user, spec.users);
    check('query', query, spec.queries);
    check('item', item, spec.items);
    if (ex.length !== extra) throw new RangeError(`ads net: ${ex.length} extra features, expected ${extra}`);
    rows.user = slots.user.offset + user * dim;
    rows.query = slots.query.offset + query * dim;
    rows.item = slots.item.offset + item * dim;
    for (let k = 0; k < dim; k++) {
      x[k] = v[rows.user + k]!;
      x[dim + k] = v[rows.query + k]!;
      x[2 * dim + k] = v[rows.item + k]!;
    }
    for (let k = 0; k < extra; k++) x[4 * dim + k] = ex[k]!;
  };
  const addRow = (base: number, d: ArrayLike<number>, from: number): void => {
    for (let k = 0; k < dim; k++) g[base + k] = g[base + k]! + d[from + k]!;
  };
  return {
    spec,
    params,
    slots,
    bottom,
    mainTower,
    auxTower,
    attention,
    inputWidth,
    mainForward(user, query, item, kw, ex) {
      fill(user, query, item, ex);
      check('keyword', kw, spec.keywords);
      rows.kw = slots.keyword.offset + kw * dim;
      for (let k = 0; k < dim; k++) x[3 * dim + k] = v[rows.kw + k]!;
      return mainTower.forward(params, bottom.forward(params, x))[0]!;
    },
    mainBackward(dLogit) {
      const dx = bottom.backward(params, mainTower.backward(params, [dLogit]));
      addRow(rows.user, dx, 0);
      addRow(rows.query, dx, dim);
      addRow(rows.item, dx, 2 * dim);
      addRow(rows.kw, dx, 3 * dim);
    },
    auxForward(user, query, item, kws, ex) {
      if (!attention || !auxTower) throw new Error('ads net: BM has no auxiliary task');
      fill(user, query, item, ex);
      const m = Math.max(1, kws.length);
      auxKeys = new Int32Array(m);
      for (let j = 0; j < kws.length; j++) {
        check('keyword', kws[j]!, spec.keywords);
        auxKeys[j] = kws[j]!;
      }
      if (keyBuf.length < m * dim) keyBuf = new Float64Array(m * dim);
      for (let j = 0; j < m; j++) {
        const base = slots.keyword.offset + auxKeys[j]! * dim;
        for (let k = 0; k < dim; k++) keyBuf[j * dim + k] = v[base + k]!;
      }
      const pooled = attention.forward(params, x.subarray(0, dim), x.subarray(dim, 2 * dim), keyBuf, m);
      for (let k = 0; k < dim; k++) x[3 * dim + k] = pooled[k]!;
      return auxTower.forward(params, bottom.forward(params, x))[0]!;
    },
    auxBackward(dLogit) {
      if (!attention || !auxTower) throw new Error('ads net: BM has no auxiliary task');
      const dx = bottom.backward(params, auxTower.backward(params, [dLogit]));
      const ga = attention.backward(params, dx.subarray(3 * dim, 4 * dim));
      addRow(rows.user, dx, 0);
      addRow(rows.query, dx, dim);
      addRow(rows.item, dx, 2 * dim);
      addRow(rows.user, ga.user, 0);
      addRow(rows.query, ga.query, 0);
      for (let j = 0; j < auxKeys.length; j++) addRow(slots.keyword.offset + auxKeys[j]! * dim, ga.keys, j * dim);
    },
    attentionWeights: () => (attention ? attention.weights() : new Float64Array(0)),
  };
}
