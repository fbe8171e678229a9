/**
 * DP-GCN inside the events/temporal harness (issue 12, acceptance 2). Once the harness has loaded
 * the events before the test cut into its training store:
 * 1. `trainDpgcnFromStore` (ml/gcn/from-store.ts) builds the typed graph from that store with
 *    `trainEnd` = the cut, chooses its epochs on a held-out part of those interactions, trains, and
 *    (with `fusion`) fits the fusion network (ml/fusion/train.ts, its own label cut one day before
 *    the test cut); the artifact goes to the run's scratch folder;
 * 2. an optional policy pre-trainer (contract 4: `pretrainPolicyOffline` replayed from the same
 *    store, before the cut) gives the FusionPolicy the scorer asks for α;
 * 3. `createDpgcnScorer` (plugins/dpgcn/scorer.ts) serves `dpgcn/graph`, and three models join the
 *    run, each the default strategy (same retrievers and re-ranking) with dpgcn/graph alone:
 *    - `strategy:dpgcn` (candidate): fusion with α from the policy, `{"policy": "frozen"}` (the
 *      policy acts without exploration noise or recording, so the run is reproducible);
 *    - `strategy:dpgcn-no-fusion`: `{"fusion": false}`, the graph cosine alone;
 *    - `strategy:dpgcn-no-policy`: `{"policy": "off"}`, the fusion with its fitted α.
 * The test window is never read by any step.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trainFusion } from '../../ml/fusion/train';
import { trainDpgcnFromStore, type TrainDpgcnFromStoreOptions } from '../../ml/gcn/from-store';
import { loadOnnxModel } from '../../ml/onnx/session';
import type { FusionPolicy } from '../../plugins/dpgcn/policy-contract';
import { createDpgcnScorer, DPGCN_SCORER_ID } from '../../plugins/dpgcn/scorer';
import { DEFAULT_STRATEGY, parseStrategy } from '../../pipeline/strategy';
import type { ScorerSettings } from '../../plugins/sdk/contract';
import type { TemporalExtension, TemporalTrainingContext } from './events-temporal';
import type { TemporalModel } from './temporal-models';

/** A policy pre-trained offline on the training store for the artifact at `artifactDir`. */
export interface PretrainedPolicy {
  readonly policy: FusionPolicy;
  readonly trainMs: number;
  /** Settings and results for the report. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
  close(): Promise<void>;
}

/** Pre-trains the policy (contract 4) on the training store only. */
export type PolicyPretrainer = (ctx: TemporalTrainingContext, artifactDir: string, log: (line: string) => void) => Promise<PretrainedPolicy>;

export type DpgcnExtensionOptions = Partial<Omit<TrainDpgcnFromStoreOptions, 'modelsDir' | 'trainEnd' | 'trainFusion' | 'log' | 'createdBy' | 'signal'>> & {
  /** Pre-trains the fusion policy. Default none: the full model's α is the fitted α (then it equals the no-policy model, and the notes say so). */
  readonly policy?: PolicyPretrainer;
  readonly log?: (line: string) => void;
};

/** The three DP-GCN models: the default strategy with dpgcn/graph alone under each setting. */
export function dpgcnModels(): TemporalModel[] {
  const model = (name: string, role: TemporalModel['role'], settings: ScorerSettings): TemporalModel => ({
    id: `strategy:${name}`,
    role,
    strategy: parseStrategy({ ...DEFAULT_STRATEGY, id: name, scorers: [{ id: DPGCN_SCORER_ID, weight: 1, settings }] }),
  });
  return [model('dpgcn', 'candidate', { policy: 'frozen' }), model('dpgcn-no-fusion', 'baseline', { fusion: false }), model('dpgcn-no-policy', 'baseline', { policy: 'off' })];
}

export function dpgcnExtension(o: DpgcnExtensionOptions = {}): (ctx: TemporalTrainingContext) => Promise<TemporalExtension> {
  return async (ctx) => {
    const { policy: pretrain, log: given, ...train } = o;
    const log = given ?? (() => {});
    const r = await trainDpgcnFromStore(ctx.store, {
      ...train,
      modelsDir: join(ctx.scratchDir, 'dpgcn-models'),
      trainEnd: ctx.cut,
      seed: train.seed ?? ctx.seed,
      trainFusion,
      createdBy: 'eval events/temporal --dpgcn',
      log,
    });
    log(`dpgcn/graph trained in ${(r.trainMs / 1000).toFixed(1)} s: ${r.dir}`);
    if (train.fusion !== false && r.fusion === undefined) throw new Error('dpgcn/graph: the fusion network was not trained');
    const policy = pretrain ? await pretrain(ctx, r.dir, log) : null;
    try {
      const written = JSON.parse(await readFile(join(r.dir, 'manifest.json'), 'utf8')) as { fusion?: { alpha?: number; alphaRange?: readonly number[]; columns?: readonly string[] } };
      const fusion = written.fusion;
      return {
        plugins: [createDpgcnScorer({ artifactDir: r.dir, watchMs: 0, loadModel: loadOnnxModel, ...(policy ? { policy: policy.policy } : {}) })],
        loadModel: loadOnnxModel,
        models: dpgcnModels(),
        trained: [
          {
            scorerId: DPGCN_SCORER_ID,
            trainMs: Math.round(r.trainMs + (policy?.trainMs ?? 0)),
            params: {
              hyperParameters: r.manifest.hyperParameters,
              graph: r.graph,
              selection: r.selection,
              ...(r.fusion ? { fusion: { ...r.fusion, alpha: fusion?.alpha, alphaRange: fusion?.alphaRange, columns: fusion?.columns } } : {}),
              ...(policy ? { policy: policy.params } : { policy: 'none (fitted alpha)' }),
            },
          },
        ],
        notes: [
          `DP-GCN (strategy:dpgcn, strategy:dpgcn-no-fusion, strategy:dpgcn-no-policy): trainDpgcnFromStore on the training store only (trainEnd = the test cut): graph ${Object.entries(r.graph.nodes)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}; edges ${Object.entries(r.graph.counts)
            .map(([k, n]) => `${k} ${n}`)
            .join(
              ', ',
            )}; epochs chosen on a held-out part of the training interactions, then retrained on all (${(r.trainMs / 1000).toFixed(1)} s with the fusion network). Served by createDpgcnScorer from the artifact in the run's scratch folder; each model is the default strategy (same retrievers and re-ranking as the others) with dpgcn/graph alone. strategy:dpgcn = α·cosine + (1−α)·fusion MLP(${fusion?.columns?.length ?? 0} standard columns) with α from ${policy ? 'the DDPG policy pre-trained offline on the training store (settings.policy "frozen": its deterministic action, no exploration noise, nothing recorded)' : 'the fitted α (no policy was pre-trained, so it equals strategy:dpgcn-no-policy)'}; strategy:dpgcn-no-fusion = the cosine alone (settings.fusion false); strategy:dpgcn-no-policy = the fusion with the fitted α ${fusion?.alpha !== undefined ? fusion.alpha.toFixed(3) : '(none)'} (settings.policy "off").`,
          ...(policy?.notes ?? []),
        ],
        close: async () => {
          await policy?.close();
        },
      };
    } catch (err) {
      await policy?.close();
      throw err;
    }
  };
}
