/**
 * The MTL-ads serving graph as ONNX (opset 13, ml/onnx/export.ts). Inputs are float32 (the SDK's
 * ModelSession feeds float32 only); index inputs are cast to int64 inside the graph.
 *
 *   user [N], query [N], item [N]     vocabulary indices (0 = unknown)
 *   keywords [N, K]                    keyword indices, padded with 0
 *   keyword_mask [N, K]                1 for a real keyword, 0 for padding
 *   features [N, F]                    AMTDL only: ADS_EXTRA_FEATURES
 *   → keyword_scores [N, K]            P(selling-point click) per keyword (0 at padding)
 *   → ctr [N, 1]                       P(ad click); BM: the training ad CTR (it has no CTR head)
 *
 * The first bottom layer is split by input block, W·[e_u, e_q, e_i, d, f] = W_ctx·[e_u, e_q, e_i, f] + W_d·d,
 * so the per-ad part is computed once and broadcast over the K keywords. Padding is masked out of
 * the attention softmax with −1e9 (an ad without keywords pools the unknown keyword's row, as the TS
 * forward pass does). Integer constants (axes) are float initializers cast to int64, since the
 * exporter stores float tensors only.
 */
import type { OnnxGraphSpec, OnnxInitializer, OnnxNode } from '../../onnx/export';
import type { AdsNet, AdsNetSpec } from './model';

export const ADS_ONNX_INPUTS = { user: 'user', query: 'query', item: 'item', keywords: 'keywords', mask: 'keyword_mask', features: 'features' } as const;
export const ADS_ONNX_OUTPUTS = { ctr: 'ctr', keywordScores: 'keyword_scores' } as const;

interface DenseOffsets {
  readonly w: number;
  readonly b: number;
  readonly inputs: number;
  readonly outputs: number;
}

/** Parameter offsets in creation order (model.ts): tables, bottom, main tower, aux tower, attention. */
export function adsNetOffsets(spec: AdsNetSpec): {
  tables: { user: number; query: number; item: number; keyword: number };
  bottom: DenseOffsets[];
  main: DenseOffsets[];
  aux: DenseOffsets[] | null;
  attention: { wu: number; wq: number; wa: number; z: number } | null;
  size: number;
} {
  let at = 0;
  const take = (n: number): number => {
    const o = at;
    at += n;
    return o;
  };
  const d = spec.dim;
  const tables = { user: take(spec.users * d), query: take(spec.queries * d), item: take(spec.items * d), keyword: take(spec.keywords * d) };
  const mlp = (sizes: readonly number[]): DenseOffsets[] =>
    sizes.slice(1).map((outputs, l) => {
      const inputs = sizes[l]!;
      return { w: take(inputs * outputs), b: take(outputs), inputs, outputs };
    });
  const bottom = mlp([4 * d + spec.extra, ...spec.bottom]);
  const top = spec.bottom[spec.bottom.length - 1]!;
  const main = mlp([top, ...spec.tower, 1]);
  const multi = spec.kind !== 'bm';
  const aux = multi ? mlp([top, ...spec.tower, 1]) : null;
  const h = spec.attentionHidden;
  const attention = multi ? { wu: take(h * d), wq: take(h * d), wa: take(h * d), z: take(h) } : null;
  return { tables, bottom, main, aux, attention, size: at };
}

export function adsOnnxSpec(net: AdsNet, o: { baseCtr: number; docString?: string }): OnnxGraphSpec {
  const spec = net.spec;
  const off = adsNetOffsets(spec);
  const v = net.params.values;
  if (off.size !== v.length) throw new Error(`mtl-ads onnx: layout has ${off.size} parameters, the network ${v.length}`);
  const d = spec.dim;
  const F = spec.extra;
  const inits: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  const init = (name: string, dims: number[], data: Float32Array): string => {
    inits.push({ name, dims, data });
    return name;
  };
  const node = (op: string, inputs: string[], output: string, attributes?: Record<string, number>): string => {
    nodes.push({ op, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  };
  /** W (out × in, row-major) as the [in, out] matrix MatMul wants, restricted to input columns [from, to). */
  const wT = (name: string, dl: DenseOffsets, from = 0, to = dl.inputs): string => {
    const cols = to - from;
    const t = new Float32Array(cols * dl.outputs);
    for (let o2 = 0; o2 < dl.outputs; o2++) for (let i = from; i < to; i++) t[(i - from) * dl.outputs + o2] = v[dl.w + o2 * dl.inputs + i]!;
    return init(name, [cols, dl.outputs], t);
  };
  const bias = (name: string, dl: DenseOffsets): string => init(name, [dl.outputs], v.slice(dl.b, dl.b + dl.outputs));
  const table = (name: string, offset: number, rows: number): string => init(name, [rows, d], v.slice(offset, offset + rows * d));
  const intConst = (name: string, values: number[]): string => node('Cast', [init(`${name}_f`, [values.length], Float32Array.from(values))], name, { to: 7 });

  const ax1 = intConst('axis1', [1]);
  const ax2 = intConst('axis2', [2]);
  const idx = (input: string): string => node('Cast', [input], `${input}_i64`, { to: 7 });
  const eu = node('Gather', [table('E_user', off.tables.user, spec.users), idx(ADS_ONNX_INPUTS.user)], 'e_user');
  const eq = node('Gather', [table('E_query', off.tables.query, spec.queries), idx(ADS_ONNX_INPUTS.query)], 'e_query');
  const ei = node('Gather', [table('E_item', off.tables.item, spec.items), idx(ADS_ONNX_INPUTS.item)], 'e_item');
  const ek = node('Gather', [table('E_keyword', off.tables.keyword, spec.keywords), idx(ADS_ONNX_INPUTS.keywords)], 'e_keywords'); // [N, K, d]
  const ctxParts = [eu, eq, ei, ...(F > 0 ? [ADS_ONNX_INPUTS.features] : [])];
  const ctx = node('Concat', ctxParts, 'ad_context', { axis: 1 }); // [N, 3d + F]
  // First bottom layer: the ad-context block of W (columns of e_u, e_q, e_i, f) and the keyword block.
  const b0 = off.bottom[0]!;
  const ctxW = new Float32Array((3 * d + F) * b0.outputs);
  for (let o2 = 0; o2 < b0.outputs; o2++) {
    for (let i = 0; i < 3 * d; i++) ctxW[i * b0.outputs + o2] = v[b0.w + o2 * b0.inputs + i]!;
    for (let i = 0; i < F; i++) ctxW[(3 * d + i) * b0.outputs + o2] = v[b0.w + o2 * b0.inputs + 4 * d + i]!;
  }
  init('W_bottom0_ctx', [3 * d + F, b0.outputs], ctxW);
  const kwW = wT('W_bottom0_kw', b0, 3 * d, 4 * d);
  const ctxH = node('Gemm', [ctx, 'W_bottom0_ctx', bias('B_bottom0', b0)], 'bottom0_ctx'); // [N, H]

  /** Remaining bottom layers and a tower on `h` ([N, H] or [N, K, H]); returns the logits (last dim 1). */
  const stack = (prefix: string, h: string, layers: readonly DenseOffsets[], lastLinear: boolean): string => {
    let x = h;
    layers.forEach((dl, l) => {
      const mm = node('MatMul', [x, wT(`W_${prefix}${l}`, dl)], `${prefix}${l}_mm`);
      const z = node('Add', [mm, bias(`B_${prefix}${l}`, dl)], `${prefix}${l}_z`);
      x = lastLinear && l === layers.length - 1 ? z : node('Relu', [z], `${prefix}${l}_h`);
    });
    return x;
  };

  // Main task: every keyword row of every ad.
  const kwPart = node('MatMul', [ek, kwW], 'bottom0_kw'); // [N, K, H]
  const ctx3 = node('Unsqueeze', [ctxH, ax1], 'bottom0_ctx3'); // [N, 1, H]
  const mainH0 = node('Relu', [node('Add', [kwPart, ctx3], 'main_bottom0_z')], 'main_bottom0_h');
  const mainBottom = stack('main_bottom', mainH0, off.bottom.slice(1), false);
  const mainLogit = node('Squeeze', [stack('main_tower', mainBottom, off.main, true), ax2], 'keyword_logits'); // [N, K]
  node('Mul', [node('Sigmoid', [mainLogit], 'keyword_probs'), ADS_ONNX_INPUTS.mask], ADS_ONNX_OUTPUTS.keywordScores);

  if (off.aux && off.attention) {
    const h = spec.attentionHidden;
    const att = off.attention;
    const dense = (w: number, inputs: number, outputs: number): DenseOffsets => ({ w, b: -1, inputs, outputs });
    const c = node('Add', [node('MatMul', [eu, wT('W_att_u', dense(att.wu, d, h))], 'att_u'), node('MatMul', [eq, wT('W_att_q', dense(att.wq, d, h))], 'att_q')], 'att_c'); // [N, h]
    const a = node('Tanh', [node('Add', [node('MatMul', [ek, wT('W_att_a', dense(att.wa, d, h))], 'att_a'), node('Unsqueeze', [c, ax1], 'att_c3')], 'att_pre')], 'att_tanh'); // [N, K, h]
    const b = node('Squeeze', [node('MatMul', [a, init('z_att', [h, 1], v.slice(att.z, att.z + h))], 'att_b3'), ax2], 'att_b'); // [N, K]
    const penalty = node('Mul', [node('Sub', [ADS_ONNX_INPUTS.mask, init('one', [1], new Float32Array([1]))], 'mask_minus_one'), init('big', [1], new Float32Array([1e9]))], 'mask_penalty');
    const alpha = node('Softmax', [node('Add', [b, penalty], 'att_b_masked')], 'att_alpha', { axis: 1 }); // [N, K]
    const pooled = node('Squeeze', [node('MatMul', [node('Unsqueeze', [alpha, ax1], 'att_alpha3'), ek], 'pooled3'), ax1], 'pooled'); // [N, d]
    const auxH0 = node('Relu', [node('Add', [node('MatMul', [pooled, kwW], 'aux_bottom0_kw'), ctxH], 'aux_bottom0_z')], 'aux_bottom0_h');
    const auxBottom = stack('aux_bottom', auxH0, off.bottom.slice(1), false);
    node('Sigmoid', [stack('aux_tower', auxBottom, off.aux, true)], ADS_ONNX_OUTPUTS.ctr);
  } else {
    // BM: a constant CTR per row, shaped [N, 1] from the user input.
    const ones = node('Mul', [node('Unsqueeze', [ADS_ONNX_INPUTS.user, ax1], 'user_col'), init('zero', [1], new Float32Array([0]))], 'zeros_col');
    node('Add', [ones, init('base_ctr', [1], new Float32Array([o.baseCtr]))], ADS_ONNX_OUTPUTS.ctr);
  }
  return {
    name: `mtl_ads_${spec.kind}`,
    inputs: [
      { name: ADS_ONNX_INPUTS.user, dims: ['N'] },
      { name: ADS_ONNX_INPUTS.query, dims: ['N'] },
      { name: ADS_ONNX_INPUTS.item, dims: ['N'] },
      { name: ADS_ONNX_INPUTS.keywords, dims: ['N', 'K'] },
      { name: ADS_ONNX_INPUTS.mask, dims: ['N', 'K'] },
      ...(F > 0 ? [{ name: ADS_ONNX_INPUTS.features, dims: ['N', F] }] : []),
    ],
    outputs: [
      { name: ADS_ONNX_OUTPUTS.ctr, dims: ['N', 1] },
      { name: ADS_ONNX_OUTPUTS.keywordScores, dims: ['N', 'K'] },
    ],
    initializers: inits,
    nodes,
    ...(o.docString !== undefined ? { docString: o.docString } : {}),
  };
}
