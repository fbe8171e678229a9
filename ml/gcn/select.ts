/**
 * Settings chosen without the test split, then a final model: hold out `holdout` of each user's
 * train items (seeded), train on the rest with early stopping on held-out Recall@K, then retrain on
 * ALL train items for the best epoch count with the same settings and seed.
 */
import { holdoutSplit } from './holdout';
import type { GcnGraphData } from './objective';
import { trainGcn, type GcnEpoch, type GcnHyperParameters, type GcnTrainOptions, type GcnTrainResult } from './train';

export interface SelectOptions extends Partial<GcnHyperParameters>, Pick<GcnTrainOptions, 'graph' | 'threads'> {
  /** Seed of the holdout draw and of both trainings. Required. */
  readonly seed: number;
  /** Fraction of each user's train items held out for selection. Default 0.1. */
  readonly holdout?: number;
  /** Every n-th user (with held-out items) is ranked at each check. Default 10. */
  readonly validUserStride?: number;
  /** Epochs between held-out checks. Default 2. */
  readonly every?: number;
  /** Checks without a new best before the selection run stops. Default 2. */
  readonly patience?: number;
  /** Called after each epoch of either run. */
  readonly onEpoch?: (phase: 'select' | 'final', e: GcnEpoch) => void;
  readonly signal?: AbortSignal;
}

export interface SelectResult {
  /** The model trained on all train items. */
  readonly final: GcnTrainResult;
  readonly selection: {
    readonly holdout: number;
    readonly validUsers: number;
    /** Epoch with the best held-out Recall@20, and that recall. */
    readonly best: { readonly epoch: number; readonly recall: number };
    readonly history: readonly GcnEpoch[];
    readonly trainMs: number;
  };
}

export async function trainWithSelection(data: GcnGraphData, o: SelectOptions): Promise<SelectResult> {
  const fraction = o.holdout ?? 0.1;
  const stride = o.validUserStride ?? 10;
  if (!(Number.isInteger(stride) && stride >= 1)) throw new RangeError(`validUserStride must be a positive integer (got ${stride})`);
  const { onEpoch, holdout: _h, validUserStride: _s, every, patience, ...rest } = o;
  const split = holdoutSplit(data, fraction, o.seed);
  const users: number[] = [];
  for (let u = 0, seen = 0; u < data.numUsers; u++) {
    if (split.valid.indptr[u + 1]! === split.valid.indptr[u]!) continue;
    if (seen++ % stride === 0) users.push(u);
  }
  const sel = await trainGcn(split.fit, {
    ...rest,
    validation: { split: split.valid, users: Int32Array.from(users), ...(every !== undefined ? { every } : {}), ...(patience !== undefined ? { patience } : {}) },
    ...(onEpoch ? { onEpoch: (e: GcnEpoch) => onEpoch('select', e) } : {}),
  });
  if (!sel.best) throw new Error('selection run measured no held-out recall (epochs must be >= 1)');
  const final = await trainGcn(data, { ...rest, epochs: sel.best.epoch, ...(onEpoch ? { onEpoch: (e: GcnEpoch) => onEpoch('final', e) } : {}) });
  return { final, selection: { holdout: fraction, validUsers: users.length, best: sel.best, history: sel.history, trainMs: sel.trainMs } };
}
