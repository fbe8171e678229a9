/**
 * Multi-task networks over an embedding input (hard parameter sharing): a shared bottom MLP with
 * one tower per task, or MMoE (Ma et al., KDD 2018): experts shared by all tasks and one softmax
 * gate per task mixing them, f_t = Σ_i g_t(x)_i·E_i(x). Each tower ends in one logit; the task's
 * probability is its sigmoid. A single-task model is the shared-bottom network with one task.
 * One example at a time: forward gives the logits, backward takes ∂loss/∂logit per task (0 for a
 * task without a label in this step) and accumulates every gradient into `params.grads`.
 */
import { createDense, createMlp, type Dense, type Mlp } from './dense';
import { createEmbeddingInput, type EmbeddingInput, type EmbeddingShape } from './embedding';
import { softmaxInto } from './math';
import { createParamLayout, type Params } from './params';

export type MtlArchitecture =
  /** Hidden widths of the shared bottom (ReLU); [] puts the towers straight on the embeddings. */
  | { readonly kind: 'shared-bottom'; readonly bottom: readonly number[] }
  /** `experts` expert MLPs with hidden widths `expertUnits` (ReLU), one gate per task. */
  | { readonly kind: 'mmoe'; readonly experts: number; readonly expertUnits: readonly number[] };

export interface MtlModelSpec {
  readonly input: EmbeddingShape;
  /** Number of tasks (towers). */
  readonly tasks: number;
  readonly architecture: MtlArchitecture;
  /** Hidden widths of each tower (ReLU) before its output logit. */
  readonly tower: readonly number[];
}

export interface MtlModel {
  readonly spec: MtlModelSpec;
  readonly params: Params;
  /** Logits per task for one example (the returned array is reused by the next call). */
  forward(cat: ArrayLike<number>, dense: ArrayLike<number>): Float64Array;
  /** Back-propagate ∂loss/∂logit (one per task) of the last forward into `params.grads`. */
  backward(dLogits: ArrayLike<number>): void;
}

interface Core {
  readonly width: number;
  /** Input of tower t after forward(x). */
  forward(x: Float64Array): void;
  towerInput(t: number): Float64Array;
  /** ∂loss/∂x given ∂loss/∂(tower input) per task (null when the task is inactive). */
  backward(dTower: ReadonlyArray<Float64Array | null>): Float64Array;
}

export function createMtlModel(spec: MtlModelSpec, seed: number): MtlModel {
  if (!Number.isInteger(spec.tasks) || spec.tasks < 1) throw new RangeError(`mtl: tasks ${spec.tasks}`);
  const layout = createParamLayout();
  const input = createEmbeddingInput(layout, spec.input);
  const holder: { params: Params | null } = { params: null };
  const core = spec.architecture.kind === 'mmoe' ? mmoeCore(layout, input, spec.tasks, spec.architecture, holder) : bottomCore(layout, input, spec.architecture.bottom, holder);
  const towers: Mlp[] = [];
  for (let t = 0; t < spec.tasks; t++) towers.push(createMlp(layout, [core.width, ...spec.tower, 1], 'linear'));
  const params = layout.build(seed);
  holder.params = params;
  const logits = new Float64Array(spec.tasks);
  const dTower: Array<Float64Array | null> = new Array<Float64Array | null>(spec.tasks).fill(null);
  return {
    spec,
    params,
    forward(cat, dense) {
      core.forward(input.forward(params, cat, dense));
      for (let t = 0; t < spec.tasks; t++) logits[t] = towers[t]!.forward(params, core.towerInput(t))[0]!;
      return logits;
    },
    backward(dLogits) {
      for (let t = 0; t < spec.tasks; t++) {
        const d = dLogits[t]!;
        if (d === 0) {
          dTower[t] = null;
          continue;
        }
        // Each tower, expert and gate is its own object, so each still holds the last example's state.
        dTower[t] = towers[t]!.backward(params, [d]);
      }
      input.backward(params, core.backward(dTower));
    },
  };
}

function bottomCore(layout: ReturnType<typeof createParamLayout>, input: EmbeddingInput, hidden: readonly number[], holder: { params: Params | null }): Core {
  const mlp = hidden.length > 0 ? createMlp(layout, [input.outputs, ...hidden], 'relu') : null;
  const width = mlp ? mlp.outputs : input.outputs;
  const h = new Float64Array(width);
  const dh = new Float64Array(width);
  return {
    width,
    forward(x) {
      h.set(mlp ? mlp.forward(holder.params!, x) : x);
    },
    towerInput: () => h,
    backward(dTower) {
      dh.fill(0);
      for (const d of dTower) if (d) for (let i = 0; i < width; i++) dh[i] = dh[i]! + d[i]!;
      return mlp ? mlp.backward(holder.params!, dh) : dh;
    },
  };
}

function mmoeCore(
  layout: ReturnType<typeof createParamLayout>,
  input: EmbeddingInput,
  tasks: number,
  arch: { readonly experts: number; readonly expertUnits: readonly number[] },
  holder: { params: Params | null },
): Core {
  const n = arch.experts;
  if (!Number.isInteger(n) || n < 1 || arch.expertUnits.length === 0) throw new RangeError('mmoe: need ≥ 1 expert with ≥ 1 hidden layer');
  const experts: Mlp[] = [];
  for (let i = 0; i < n; i++) experts.push(createMlp(layout, [input.outputs, ...arch.expertUnits], 'relu'));
  const gates: Dense[] = [];
  for (let t = 0; t < tasks; t++) gates.push(createDense(layout, input.outputs, n, 'linear'));
  const width = experts[0]!.outputs;
  const x = new Float64Array(input.outputs);
  const e = Array.from({ length: n }, () => new Float64Array(width));
  const g = Array.from({ length: tasks }, () => new Float64Array(n));
  const f = Array.from({ length: tasks }, () => new Float64Array(width));
  const dE = Array.from({ length: n }, () => new Float64Array(width));
  const dx = new Float64Array(input.outputs);
  const dGate = new Float64Array(n);
  return {
    width,
    forward(input) {
      const p = holder.params!;
      x.set(input);
      for (let i = 0; i < n; i++) e[i]!.set(experts[i]!.forward(p, x));
      for (let t = 0; t < tasks; t++) {
        softmaxInto(gates[t]!.forward(p, x), g[t]!);
        const ft = f[t]!;
        ft.fill(0);
        for (let i = 0; i < n; i++) {
          const gi = g[t]![i]!;
          const ei = e[i]!;
          for (let k = 0; k < width; k++) ft[k] = ft[k]! + gi * ei[k]!;
        }
      }
    },
    towerInput: (t) => f[t]!,
    backward(dTower) {
      const p = holder.params!;
      dx.fill(0);
      for (const d of dE) d.fill(0);
      for (let t = 0; t < tasks; t++) {
        const df = dTower[t];
        if (!df) continue;
        const gt = g[t]!;
        let dot = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          const ei = e[i]!;
          const dei = dE[i]!;
          for (let k = 0; k < width; k++) {
            s += df[k]! * ei[k]!;
            dei[k] = dei[k]! + gt[i]! * df[k]!;
          }
          dGate[i] = s;
          dot += gt[i]! * s;
        }
        for (let i = 0; i < n; i++) dGate[i] = gt[i]! * (dGate[i]! - dot);
        addInto(dx, gates[t]!.backward(p, dGate));
      }
      for (let i = 0; i < n; i++) {
        addInto(dx, experts[i]!.backward(p, dE[i]!));
      }
      return dx;
    },
  };
}

function addInto(acc: Float64Array, v: ArrayLike<number>): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + v[i]!;
}
