/**
 * Mini-batch training of a multi-task model with Adam (ml/gcn/adam.ts): per step, the mean
 * logloss of each scheduled task over the batch rows that carry its label, weighted per task.
 * Model selection: after every `train`-phase epoch `validate` scores the model (higher is better);
 * the best epoch's parameters are restored at the end and training stops after `patience` epochs
 * without improvement.
 */
import { createAdam } from '../gcn/adam';
import type { MtlData } from './data';
import { logitLoss, sigmoid } from './math';
import type { MtlModel } from './model';
import { planEpoch, type MtlSchedule } from './schedule';

export interface MtlTrainOptions {
  /** Most epochs after any pre-training. Default 10. */
  readonly epochs?: number;
  /** Rows per mini-batch. Default 256. */
  readonly batchSize?: number;
  /** Adam step size. Default 1e-3. */
  readonly learningRate?: number;
  /** Seed of the batch order. Default 42. */
  readonly seed?: number;
  /** Which tasks each batch trains. Default joint. */
  readonly schedule?: MtlSchedule;
  /** Loss weight per task. Default 1 each. */
  readonly taskWeights?: readonly number[];
  /** Validation score of the model (higher is better); absent: no selection, the last epoch is kept. */
  readonly validate?: (model: MtlModel) => number;
  /** Epochs without a better validation score before stopping. Default 3. */
  readonly patience?: number;
  /** Called after every epoch (progress). */
  readonly onEpoch?: (e: MtlEpochInfo) => void;
}

export interface MtlEpochInfo {
  readonly epoch: number;
  readonly phase: 'pretrain' | 'train';
  /** Mean training logloss per task over this epoch's steps (NaN: not trained this epoch). */
  readonly loss: readonly number[];
  readonly validation?: number;
}

export interface MtlTrainResult {
  readonly history: readonly MtlEpochInfo[];
  /** Epoch (0-based, counting pre-training) whose parameters the model holds now. */
  readonly bestEpoch: number;
  readonly bestValidation?: number;
}

export function trainMtl(model: MtlModel, data: MtlData, o: MtlTrainOptions = {}): MtlTrainResult {
  const tasks = model.spec.tasks;
  if (data.labels.length !== tasks) throw new RangeError(`mtl train: ${data.labels.length} label columns for ${tasks} tasks`);
  const epochs = o.epochs ?? 10;
  const schedule = o.schedule ?? { kind: 'joint' };
  const pre = schedule.kind === 'pretrain-finetune' ? schedule.pretrainEpochs : 0;
  const weights = o.taskWeights ?? new Array<number>(tasks).fill(1);
  const patience = o.patience ?? 3;
  const { values, grads } = model.params;
  const adam = createAdam(values.length, { learningRate: o.learningRate ?? 1e-3 });
  const labelled = data.labels.map((y) => Uint32Array.from(rowsWhere(data.n, (i) => !Number.isNaN(y[i]!))));
  const all = Uint32Array.from(rowsWhere(data.n, (i) => data.labels.some((y) => !Number.isNaN(y[i]!))));
  const dLogits = new Float64Array(tasks);
  const count = new Float64Array(tasks);
  const history: MtlEpochInfo[] = [];
  let best = { epoch: -1, score: -Infinity, values: null as Float32Array | null };
  let stale = 0;
  for (let epoch = 0; epoch < pre + epochs; epoch++) {
    const plan = planEpoch(schedule, { tasks, labelled, all, batchSize: o.batchSize ?? 256, epoch, seed: o.seed ?? 42 });
    const lossSum = new Float64Array(tasks);
    const lossN = new Float64Array(tasks);
    for (const step of plan.steps) {
      grads.fill(0);
      count.fill(0);
      for (const r of step.rows) for (const t of step.tasks) if (!Number.isNaN(data.labels[t]![r]!)) count[t]!++;
      for (const r of step.rows) {
        const logits = model.forward(data.cat.subarray(r * data.fields, (r + 1) * data.fields), data.dense.subarray(r * data.denseDim, (r + 1) * data.denseDim));
        dLogits.fill(0);
        let any = false;
        for (const t of step.tasks) {
          const y = data.labels[t]![r]!;
          if (Number.isNaN(y)) continue;
          lossSum[t] = lossSum[t]! + logitLoss(logits[t]!, y);
          lossN[t]!++;
          dLogits[t] = (weights[t]! * (sigmoid(logits[t]!) - y)) / count[t]!;
          any = true;
        }
        if (any) model.backward(dLogits);
      }
      adam.step(values, grads);
    }
    const info: MtlEpochInfo = { epoch, phase: plan.phase, loss: Array.from(lossSum, (s, t) => (lossN[t]! > 0 ? s / lossN[t]! : Number.NaN)) };
    if (plan.phase === 'train' && o.validate) {
      const score = o.validate(model);
      history.push({ ...info, validation: score });
      o.onEpoch?.(history[history.length - 1]!);
      if (score > best.score) {
        best = { epoch, score, values: Float32Array.from(values) };
        stale = 0;
      } else if (++stale >= patience) break;
    } else {
      history.push(info);
      o.onEpoch?.(info);
    }
  }
  if (best.values) values.set(best.values);
  const last = history[history.length - 1]?.epoch ?? -1;
  return best.values ? { history, bestEpoch: best.epoch, bestValidation: best.score } : { history, bestEpoch: last };
}

/** Probability per task for every row of `data`. */
export function predictMtl(model: MtlModel, data: MtlData): Float32Array[] {
  const out = Array.from({ length: model.spec.tasks }, () => new Float32Array(data.n));
  for (let r = 0; r < data.n; r++) {
    const logits = model.forward(data.cat.subarray(r * data.fields, (r + 1) * data.fields), data.dense.subarray(r * data.denseDim, (r + 1) * data.denseDim));
    for (let t = 0; t < out.length; t++) out[t]![r] = sigmoid(logits[t]!);
  }
  return out;
}

function rowsWhere(n: number, keep: (i: number) => boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) rows.push(i);
  return rows;
}
