/**
 * Finite-difference checks of every hand-written backward pass: dense layers (ReLU and linear),
 * the embedding input, the attention pooling, and whole networks (shared bottom + towers, MMoE).
 * Parameters are float32, so each check divides by the step actually stored, not the nominal one.
 */
import { mulberry32 } from '../random';
import { createAttentionPooling } from './attention';
import { createDense, createMlp } from './dense';
import { createEmbeddingInput } from './embedding';
import { logitLoss, sigmoid } from './math';
import { createMtlModel, type MtlModelSpec } from './model';
import { createParamLayout, type Params } from './params';

const H = 1e-3;

function randomVector(n: number, rnd: () => number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => (2 * rnd() - 1) * scale);
}

/** Max relative error of the analytic gradient in p.grads against central differences of `loss`. */
function paramGradientError(p: Params, loss: () => number): { worst: number; checked: number } {
  let worst = 0;
  let checked = 0;
  const analytic = Float64Array.from(p.grads);
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
    worst = Math.max(worst, relErr(analytic[i]!, numeric));
    checked++;
  }
  return { worst, checked };
}

function inputGradientError(x: Float64Array, analytic: ArrayLike<number>, loss: () => number): number {
  let worst = 0;
  const a = Float64Array.from(analytic);
  for (let i = 0; i < x.length; i++) {
    const orig = x[i]!;
    x[i] = orig + H;
    const fUp = loss();
    x[i] = orig - H;
    const fDown = loss();
    x[i] = orig;
    worst = Math.max(worst, relErr(a[i]!, (fUp - fDown) / (2 * H)));
  }
  return worst;
}

function relErr(a: number, n: number): number {
  return Math.abs(a - n) / Math.max(1e-3, Math.abs(a) + Math.abs(n));
}

const dot = (c: ArrayLike<number>, v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i]! * v[i]!;
  return s;
};

describe('ml/mtl gradients (finite differences)', () => {
  it.each(['relu', 'linear'] as const)('dense layer (%s): parameters and input', (act) => {
    const rnd = mulberry32(1);
    const layout = createParamLayout();
    const layer = createDense(layout, 5, 4, act);
    const p = layout.build(2);
    const x = randomVector(5, rnd);
    const c = randomVector(4, rnd);
    const loss = (): number => dot(c, layer.forward(p, x));
    loss();
    const dx = Float64Array.from(layer.backward(p, c));
    const params = paramGradientError(p, loss);
    expect(params.checked).toBe(5 * 4 + 4);
    expect(params.worst).toBeLessThan(1e-3);
    expect(inputGradientError(x, dx, loss)).toBeLessThan(1e-3);
  });

  it('mlp (two hidden ReLU layers, linear output)', () => {
    const rnd = mulberry32(3);
    const layout = createParamLayout();
    const mlp = createMlp(layout, [6, 5, 4, 2], 'linear');
    const p = layout.build(4);
    const x = randomVector(6, rnd);
    const c = randomVector(2, rnd);
    const loss = (): number => dot(c, mlp.forward(p, x));
    loss();
    const dx = Float64Array.from(mlp.backward(p, c));
    expect(paramGradientError(p, loss).worst).toBeLessThan(1e-3);
    expect(inputGradientError(x, dx, loss)).toBeLessThan(1e-3);
  });

  it('embedding input: only the looked-up rows get gradient, and it is ∂loss/∂x', () => {
    const rnd = mulberry32(5);
    const layout = createParamLayout();
    const emb = createEmbeddingInput(layout, { cardinalities: [3, 4], dim: 2, denseDim: 2 });
    const p = layout.build(6);
    const cat = [2, 1];
    const dense = [0.3, -0.7];
    const c = randomVector(emb.outputs, rnd);
    const loss = (): number => dot(c, emb.forward(p, cat, dense));
    loss();
    emb.backward(p, c);
    expect(paramGradientError(p, loss).worst).toBeLessThan(1e-3);
    // field 0 row 2 is params [4, 6); field 1 row 1 is rows offset 3 + 1 → [8, 10)
    expect(Array.from(p.grads, (g, i) => (g !== 0 ? i : -1)).filter((i) => i >= 0)).toEqual([4, 5, 8, 9]);
    expect(() => emb.forward(p, [3, 0], dense)).toThrow(RangeError);
  });

  it('attention pooling: parameters, user, query and keyword embeddings', () => {
    const rnd = mulberry32(7);
    const layout = createParamLayout();
    const att = createAttentionPooling(layout, { user: 3, query: 2, key: 4, hidden: 5 });
    const p = layout.build(8);
    const user = randomVector(3, rnd);
    const query = randomVector(2, rnd);
    const keys = randomVector(3 * 4, rnd);
    const c = randomVector(4, rnd);
    const loss = (): number => dot(c, att.forward(p, user, query, keys, 3));
    loss();
    const w = att.weights();
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    const g = att.backward(p, c);
    const dUser = Float64Array.from(g.user);
    const dQuery = Float64Array.from(g.query);
    const dKeys = Float64Array.from(g.keys);
    expect(paramGradientError(p, loss).worst).toBeLessThan(1e-3);
    expect(inputGradientError(user, dUser, loss)).toBeLessThan(1e-3);
    expect(inputGradientError(query, dQuery, loss)).toBeLessThan(1e-3);
    expect(inputGradientError(keys, dKeys, loss)).toBeLessThan(1e-3);
  });

  const input = { cardinalities: [4, 3, 5], dim: 3, denseDim: 2 };
  const specs: Array<[string, MtlModelSpec]> = [
    ['shared bottom + towers', { input, tasks: 2, architecture: { kind: 'shared-bottom', bottom: [6] }, tower: [4] }],
    ['towers on the embeddings (no bottom)', { input, tasks: 2, architecture: { kind: 'shared-bottom', bottom: [] }, tower: [] }],
    ['MMoE', { input, tasks: 2, architecture: { kind: 'mmoe', experts: 3, expertUnits: [5] }, tower: [3] }],
  ];
  it.each(specs)('%s: logloss of both tasks, and of one task only', (_name, spec) => {
    const model = createMtlModel(spec, 9);
    const cat = [1, 2, 4];
    const dense = [0.5, -1.2];
    for (const active of [
      [1, 1],
      [0, 1],
    ]) {
      const y = [1, 0];
      const loss = (): number => {
        const l = model.forward(cat, dense);
        return active.reduce((s, a, t) => s + (a ? logitLoss(l[t]!, y[t]!) : 0), 0);
      };
      model.params.grads.fill(0);
      const logits = model.forward(cat, dense);
      model.backward(Array.from(logits, (l, t) => (active[t] ? sigmoid(l) - y[t]! : 0)));
      const r = paramGradientError(model.params, loss);
      expect(r.checked).toBe(model.params.values.length);
      expect(r.worst).toBeLessThan(2e-3);
    }
  });
});
