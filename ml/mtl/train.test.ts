/** Schedules, training and reproducibility on tiny generated data (no files). */
import { auc } from '../../eval/metrics/classification';
import { mulberry32 } from '../random';
import { checkMtlData, selectRows, type MtlData } from './data';
import { createMtlModel, type MtlModelSpec } from './model';
import { planEpoch } from './schedule';
import { predictMtl, trainMtl } from './train';

/**
 * Two related tasks on 3 categorical fields + 2 dense inputs: both depend on a shared score s
 * (field 0's category and dense 0); task 1 adds field 1. Task 0's labels are kept for `mainShare`
 * of the rows only (NaN elsewhere), the sparse-main setting.
 */
function synthetic(n: number, seed: number, mainShare = 1): MtlData {
  const rnd = mulberry32(seed);
  const cat = new Int32Array(n * 3);
  const dense = new Float32Array(n * 2);
  const y0 = new Float32Array(n);
  const y1 = new Float32Array(n);
  const effect0 = [-2, -1, 0, 1, 2];
  const effect1 = [1.5, -1.5, 0];
  for (let i = 0; i < n; i++) {
    const c0 = Math.floor(rnd() * 5);
    const c1 = Math.floor(rnd() * 3);
    cat.set([c0, c1, Math.floor(rnd() * 4)], i * 3);
    const d0 = 2 * rnd() - 1;
    dense.set([d0, 2 * rnd() - 1], i * 2);
    const s = effect0[c0]! + 2 * d0;
    y0[i] = rnd() < mainShare ? Number(rnd() < 1 / (1 + Math.exp(-s))) : Number.NaN;
    y1[i] = Number(rnd() < 1 / (1 + Math.exp(-(s + effect1[c1]!))));
  }
  return { n, fields: 3, cat, denseDim: 2, dense, labels: [y0, y1] };
}

const spec: MtlModelSpec = { input: { cardinalities: [5, 3, 4], dim: 4, denseDim: 2 }, tasks: 2, architecture: { kind: 'shared-bottom', bottom: [8] }, tower: [4] };

describe('ml/mtl schedules', () => {
  const labelled = [Uint32Array.from([0, 1, 2, 3, 4]), Uint32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])];
  const all = labelled[1]!;

  it('joint: every row once per epoch, every batch trains every task', () => {
    const plan = planEpoch({ kind: 'joint' }, { tasks: 2, labelled, all, batchSize: 3, epoch: 0, seed: 1 });
    expect(plan.steps.map((s) => s.rows.length)).toEqual([3, 3, 3, 1]);
    expect([...plan.steps.flatMap((s) => [...s.rows])].sort((a, b) => a - b)).toEqual([...all]);
    expect(plan.steps.every((s) => s.tasks.join() === '0,1')).toBe(true);
  });

  it('alternating 1:k: one main batch, then k auxiliary batches, until the main rows are used once', () => {
    const plan = planEpoch({ kind: 'alternating', main: 0, k: 2 }, { tasks: 2, labelled, all, batchSize: 2, epoch: 0, seed: 1 });
    expect(plan.steps.map((s) => s.tasks[0])).toEqual([0, 1, 1, 0, 1, 1, 0, 1, 1]);
    expect([...plan.steps.filter((s) => s.tasks[0] === 0).flatMap((s) => [...s.rows])].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });

  it('pretrain-finetune: auxiliary tasks only, then the main task only', () => {
    const s = { kind: 'pretrain-finetune', main: 0, pretrainEpochs: 2 } as const;
    const pre = planEpoch(s, { tasks: 2, labelled, all, batchSize: 4, epoch: 1, seed: 1 });
    const fine = planEpoch(s, { tasks: 2, labelled, all, batchSize: 4, epoch: 2, seed: 1 });
    expect(pre.phase).toBe('pretrain');
    expect(pre.steps.every((x) => x.tasks.join() === '1')).toBe(true);
    expect(fine.phase).toBe('train');
    expect(fine.steps.every((x) => x.tasks.join() === '0')).toBe(true);
    expect(() => planEpoch({ kind: 'alternating', main: 2, k: 1 }, { tasks: 2, labelled, all, batchSize: 4, epoch: 0, seed: 1 })).toThrow(RangeError);
  });
});

describe('ml/mtl training', () => {
  const data = synthetic(3000, 11);
  const train = selectRows(
    data,
    Uint32Array.from({ length: 2000 }, (_, i) => i),
  );
  const test = selectRows(
    data,
    Uint32Array.from({ length: 1000 }, (_, i) => 2000 + i),
  );

  it('learns both tasks (test AUC well above chance), and is reproducible from the seed', () => {
    checkMtlData(train);
    const run = (): { scores: Float32Array[]; values: Float32Array } => {
      const model = createMtlModel(spec, 3);
      trainMtl(model, train, { epochs: 4, batchSize: 64, learningRate: 0.01, seed: 5 });
      return { scores: predictMtl(model, test), values: model.params.values };
    };
    const a = run();
    const b = run();
    expect(auc(a.scores[0]!, test.labels[0]!)).toBeGreaterThan(0.75);
    expect(auc(a.scores[1]!, test.labels[1]!)).toBeGreaterThan(0.75);
    expect(Buffer.from(a.values.buffer).equals(Buffer.from(b.values.buffer))).toBe(true);
  });

  it('MMoE and the alternating / pretrain schedules train too; selection restores the best epoch', () => {
    const valid = selectRows(
      data,
      Uint32Array.from({ length: 500 }, (_, i) => 2500 + i),
    );
    for (const schedule of [{ kind: 'alternating', main: 0, k: 2 } as const, { kind: 'pretrain-finetune', main: 0, pretrainEpochs: 2 } as const]) {
      const model = createMtlModel({ ...spec, architecture: { kind: 'mmoe', experts: 3, expertUnits: [6] } }, 4);
      const r = trainMtl(model, train, { epochs: 3, batchSize: 64, learningRate: 0.01, schedule, validate: (m) => auc(predictMtl(m, valid)[0]!, valid.labels[0]!) });
      expect(r.bestValidation).toBeDefined();
      expect(auc(predictMtl(model, valid)[0]!, valid.labels[0]!)).toBeCloseTo(r.bestValidation!, 10);
      expect(r.bestValidation!).toBeGreaterThan(0.75);
      if (schedule.kind === 'pretrain-finetune') expect(r.history.slice(0, 2).every((h) => h.phase === 'pretrain' && Number.isNaN(h.loss[0]!))).toBe(true);
    }
  });

  it('skips rows without a label for a task, and refuses mismatched data', () => {
    const sparse = synthetic(400, 12, 0.2);
    const model = createMtlModel(spec, 3);
    const r = trainMtl(model, sparse, { epochs: 1, batchSize: 50 });
    expect(r.history[0]!.loss.every(Number.isFinite)).toBe(true);
    expect(() => trainMtl(createMtlModel({ ...spec, tasks: 3 }, 1), sparse)).toThrow(RangeError);
    expect(() => checkMtlData({ ...sparse, dense: new Float32Array(3) })).toThrow(RangeError);
  });
});
