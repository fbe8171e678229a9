/**
 * MF-BPR inside the events/temporal harness: once the harness has loaded the events before the
 * test cut into its training store, the store's interactions (`scanInteractions`: every
 * behaviour, a user's item once) train ml/mf/bpr.ts. Settings (epochs, L2) are chosen on a
 * validation cut inside the training data (the last `validDays` before the test cut; the test
 * window is never read), then the model is retrained on every training pair with them, written as
 * an `mf-bpr` artifact in the run's scratch folder and served by plugins/mf/bpr.ts (`mf/bpr`) to the
 * model `strategy:bpr-only` (the default strategy with mf/bpr alone, as every single-scorer model).
 */
import { stageMfArtifact } from '../../ml/mf/artifact';
import { BPR_DEFAULTS, trainBpr, type BprHyperParameters } from '../../ml/mf/bpr';
import { createBprScorer } from '../../plugins/mf/bpr';
import type { TemporalExtension, TemporalTrainingContext } from './events-temporal';
import { pairsToCsr, selectBpr, type TimedPair } from './mf-select';
import { singleScorerModel } from './temporal-models';

const DAY_MS = 24 * 3600 * 1000;

export interface MfExtensionOptions {
  /** Days before the test cut that form the validation window of the settings. Default 1. */
  readonly validDays?: number;
  /** Epoch counts scored on the validation cut. Default [10, 20, 30, 45]. */
  readonly epochs?: readonly number[];
  /** L2 weights tried on the validation cut. Default [0.01]. */
  readonly l2?: readonly number[];
  /** Other BPR settings, fixed. Default BPR_DEFAULTS. */
  readonly hyper?: Partial<Omit<BprHyperParameters, 'epochs' | 'l2'>>;
  /** Model role in the report. Default `baseline`. */
  readonly role?: 'candidate' | 'baseline';
  readonly log?: (line: string) => void;
}

/** Every interaction in the store (it holds only the events before the test cut). */
export async function storePairs(ctx: Pick<TemporalTrainingContext, 'store'>): Promise<TimedPair[]> {
  const out: TimedPair[] = [];
  for await (const page of ctx.store.scanInteractions(5000)) for (const x of page) out.push({ userId: x.userId, itemId: x.itemId, ts: x.ts });
  return out;
}

export function mfExtension(o: MfExtensionOptions = {}): (ctx: TemporalTrainingContext) => Promise<TemporalExtension> {
  return async (ctx) => {
    const started = performance.now();
    const validDays = o.validDays ?? 1;
    if (!(validDays > 0)) throw new RangeError(`validDays must be positive, got ${validDays}`);
    const pairs = await storePairs(ctx);
    const validCut = ctx.cut - Math.round(validDays * DAY_MS);
    const selection = await selectBpr(pairs, {
      validCut,
      seed: ctx.seed,
      ...(o.epochs ? { epochs: o.epochs } : {}),
      ...(o.l2 ? { l2: o.l2 } : {}),
      ...(o.hyper ? { hyper: o.hyper } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    const all = pairsToCsr(pairs);
    const r = await trainBpr(all.data, { ...BPR_DEFAULTS, ...o.hyper, ...selection.chosen, seed: ctx.seed });
    const staged = await stageMfArtifact(ctx.scratchDir, 'mf-bpr', r.model, {
      model: 'mf/bpr',
      userIds: [...all.userIds],
      itemIds: [...all.itemIds],
      seed: ctx.seed,
      hyperParameters: { ...r.hyper },
      training: { epochs: r.history.length, trainMs: Math.round(r.trainMs), data: { source: 'events/temporal training store', trainEnd: ctx.cut, pairs: all.data.items.length } },
      metrics: {},
      createdBy: 'eval events/temporal --mf',
    });
    const { dir } = await staged.publish();
    const trainMs = Math.round(performance.now() - started);
    const best = selection.tried.find((t) => t.epochs === selection.chosen.epochs && t.l2 === selection.chosen.l2)!;
    o.log?.(`mf/bpr: ${selection.chosen.epochs} epochs, l2 ${selection.chosen.l2} on ${all.data.items.length} pairs; ${(trainMs / 1000).toFixed(1)} s with selection`);
    return {
      plugins: [createBprScorer({ artifactDir: dir })],
      models: [singleScorerModel('mf/bpr', o.role ?? 'baseline')],
      trained: [
        {
          scorerId: 'mf/bpr',
          trainMs,
          params: {
            ...r.hyper,
            pairs: all.data.items.length,
            users: all.userIds.length,
            items: all.itemIds.length,
            validCut,
            validation: { [`recall@${selection.k}`]: best.recall, [`ndcg@${selection.k}`]: best.ndcg, users: selection.validationUsers },
          },
        },
      ],
      notes: [
        `MF-BPR (strategy:bpr-only): ml/mf/bpr.ts trained on the training store only: its ${all.data.items.length} distinct (user, item) pairs of any behaviour before the cut (${all.userIds.length} users, ${all.itemIds.length} items), served by the mf/bpr plugin from an artifact in the run's scratch folder; unknown users and items score 0. Settings chosen on a validation cut ${validDays} day(s) before the test cut (trained on the ${selection.trainPairs} pairs before it; Recall@${selection.k} of all items ranked for the ${selection.validationUsers} users with ${selection.validationPairs} (user, item) pairs after it, repeats included): ${selection.tried.map((t) => `${t.epochs} epochs l2 ${t.l2} -> ${t.recall.toFixed(4)}`).join(', ')}; chosen ${selection.chosen.epochs} epochs, l2 ${selection.chosen.l2}, then retrained on every training pair. The test window is never read.`,
      ],
      close: async () => {},
    };
  };
}
