/**
 * Which rows and which tasks each mini-batch of an epoch trains:
 * - `joint`: every batch carries every task's loss (the usual shared-bottom / MMoE training);
 * - `alternating`: one batch of the main task, then k batches of the auxiliary tasks (round robin,
 *   one task per batch), until the main task's rows are used once; the auxiliary rows are cycled;
 * - `pretrain-finetune`: the auxiliary tasks only (jointly) for `pretrainEpochs` epochs, then the
 *   main task only.
 */
import { mulberry32 } from '../random';

export type MtlSchedule =
  | { readonly kind: 'joint' }
  /** 1 : k alternation between the main task and the others. */
  | { readonly kind: 'alternating'; readonly main: number; readonly k: number }
  /** Pre-train on the other tasks, then fine-tune on the main task. */
  | { readonly kind: 'pretrain-finetune'; readonly main: number; readonly pretrainEpochs: number };

export interface MtlStep {
  readonly rows: Uint32Array;
  readonly tasks: readonly number[];
}

export interface MtlEpochPlan {
  /** `pretrain` epochs are not used for model selection. */
  readonly phase: 'pretrain' | 'train';
  readonly steps: readonly MtlStep[];
}

export interface PlanInput {
  readonly tasks: number;
  /** Per task, the rows that have a label for it. */
  readonly labelled: readonly Uint32Array[];
  /** Rows with at least one label. */
  readonly all: Uint32Array;
  readonly batchSize: number;
  readonly epoch: number;
  readonly seed: number;
}

export function planEpoch(schedule: MtlSchedule, o: PlanInput): MtlEpochPlan {
  const rnd = mulberry32((o.seed ^ Math.imul(o.epoch + 1, 0x9e3779b1)) >>> 0);
  const every = Array.from({ length: o.tasks }, (_, t) => t);
  if (schedule.kind === 'joint') return { phase: 'train', steps: batches(shuffled(o.all, rnd), o.batchSize).map((rows) => ({ rows, tasks: every })) };
  const main = schedule.main;
  if (!Number.isInteger(main) || main < 0 || main >= o.tasks) throw new RangeError(`schedule: main task ${main} of ${o.tasks}`);
  const aux = every.filter((t) => t !== main);
  const auxRows = unionRows(aux.map((t) => o.labelled[t]!));
  if (schedule.kind === 'pretrain-finetune') {
    if (o.epoch < schedule.pretrainEpochs) return { phase: 'pretrain', steps: batches(shuffled(auxRows, rnd), o.batchSize).map((rows) => ({ rows, tasks: aux })) };
    return { phase: 'train', steps: batches(shuffled(o.labelled[main]!, rnd), o.batchSize).map((rows) => ({ rows, tasks: [main] })) };
  }
  if (!Number.isInteger(schedule.k) || schedule.k < 0) throw new RangeError(`schedule: k ${schedule.k}`);
  const steps: MtlStep[] = [];
  let auxBatches: Uint32Array[] = [];
  let a = 0;
  for (const rows of batches(shuffled(o.labelled[main]!, rnd), o.batchSize)) {
    steps.push({ rows, tasks: [main] });
    for (let j = 0; j < schedule.k && aux.length > 0 && auxRows.length > 0; j++) {
      if (auxBatches.length === 0) auxBatches = batches(shuffled(auxRows, rnd), o.batchSize).reverse();
      const task = aux[a++ % aux.length]!;
      steps.push({ rows: auxBatches.pop()!, tasks: [task] });
    }
  }
  return { phase: 'train', steps };
}

function shuffled(rows: Uint32Array, rnd: () => number): Uint32Array {
  const idx = Uint32Array.from(rows);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}

function batches(rows: Uint32Array, size: number): Uint32Array[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`schedule: batch size ${size}`);
  const out: Uint32Array[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.subarray(i, Math.min(rows.length, i + size)));
  return out;
}

function unionRows(lists: readonly Uint32Array[]): Uint32Array {
  const set = new Set<number>();
  for (const l of lists) for (const r of l) set.add(r);
  return Uint32Array.from([...set].sort((x, y) => x - y));
}
