/**
 * `simulate --dpgcn`: the DP-GCN scorer and its DDPG fusion policy in the closed loop. On the
 * warm-up store: train dpgcn/graph with its fusion network (trainDpgcnFromStore, like DUVE is
 * trained), pre-train the policy offline (pretrainPolicyOffline: version 1), then serve the scorer
 * with the policy, learning online through an in-process job queue. Two strategies differ only in
 * the scorer's settings: `dpgcn` (the policy explores and learns) and `dpgcn-frozen`
 * (`{"policy": "frozen"}`, served from the pre-trained version 1: the same model with the policy frozen).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GraphStore } from '../graph/port';
import { createInProcessQueue } from '../jobs/in-process';
import type { JobQueue } from '../jobs/port';
import { trainDpgcnFromStore } from '../ml/gcn/from-store';
import { loadOnnxModel } from '../ml/onnx/session';
import { DEFAULT_STRATEGY, loadStrategyFile, parseStrategy, type Strategy } from '../pipeline/strategy';
import { pretrainPolicyOffline, type PretrainPolicyResult } from '../plugins/dpgcn/policy/pretrain';
import { createDpgcnPolicyService, type DpgcnPolicyService, type DpgcnPolicyStatus } from '../plugins/dpgcn/policy/service';
import { openSqlitePolicySnapshots } from '../plugins/dpgcn/policy/snapshots';
import { createDpgcnScorer, DPGCN_SCORER_ID } from '../plugins/dpgcn/scorer';
import type { ScorerPlugin } from '../plugins/sdk/contract';

export const DPGCN_LIVE = 'dpgcn';
export const DPGCN_FROZEN = 'dpgcn-frozen';

export interface SimDpgcnOptions {
  /** Most GCN epochs of the holdout selection. Default the trainer's. */
  readonly epochs?: number;
  /** DDPG updates of the offline pre-training. Default 3,000. */
  readonly pretrainUpdates?: number;
  /** Exploration σ of the live arm. Default 0.05. */
  readonly sigma?: number;
}

export interface SimDpgcnInfo {
  readonly version: number;
  readonly trainMs: number;
  readonly alpha: number | null;
  readonly alphaRange: readonly [number, number] | null;
  readonly pretrain: Pick<PretrainPolicyResult, 'version' | 'lists' | 'metrics' | 'trainMs'> | null;
}

export interface SimDpgcn {
  readonly plugin: ScorerPlugin;
  readonly service: DpgcnPolicyService;
  readonly jobs: JobQueue;
  readonly info: SimDpgcnInfo;
  status(): Promise<DpgcnPolicyStatus>;
  close(): void;
}

/** The `dpgcn` strategy (the strategies folder's, else the default one with dpgcn/graph at weight 0.25) and its frozen twin, written to `dir`. */
export function writeDpgcnStrategies(dir: string): void {
  const file = join(dir, `${DPGCN_LIVE}.json`);
  const base: Strategy = existsSync(file)
    ? loadStrategyFile(file)
    : parseStrategy({ ...DEFAULT_STRATEGY, id: DPGCN_LIVE, scorers: [...DEFAULT_STRATEGY.scorers.map((s) => ({ ...s, weight: s.weight * 0.75 })), { id: DPGCN_SCORER_ID, weight: 0.25 }] });
  if (!base.scorers.some((s) => s.id === DPGCN_SCORER_ID)) throw new RangeError(`simulate --dpgcn: strategy ${DPGCN_LIVE} does not use ${DPGCN_SCORER_ID}`);
  if (!existsSync(file)) writeFileSync(join(dir, `${DPGCN_LIVE}.sim.json`), JSON.stringify(base, null, 2));
  const frozen = { ...base, id: DPGCN_FROZEN, scorers: base.scorers.map((s) => (s.id === DPGCN_SCORER_ID ? { ...s, settings: { ...s.settings, policy: 'frozen' } } : s)) };
  writeFileSync(join(dir, `${DPGCN_FROZEN}.sim.json`), JSON.stringify(parseStrategy(frozen), null, 2));
}

export async function setupSimDpgcn(
  store: GraphStore,
  o: SimDpgcnOptions & { dir: string; seed: number; strategiesDir: string; windowMs: number; clock: () => number; logger: Logger; log: (line: string) => void },
): Promise<SimDpgcn> {
  const modelsDir = join(o.dir, 'models');
  const trained = await trainDpgcnFromStore(store, { modelsDir, seed: o.seed, createdBy: 'simulate', ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), log: (l) => o.log(`dpgcn: ${l}`) });
  const fusion = (trained.manifest as { fusion?: { alpha: number; alphaRange: [number, number] } | null }).fusion ?? null;
  o.log(`dpgcn/graph v${trained.version} trained on the warm-up store in ${(trained.trainMs / 1000).toFixed(1)} s; fusion α ${fusion ? fusion.alpha.toFixed(3) : 'none'}`);
  const snapshots = openSqlitePolicySnapshots(join(o.dir, 'dpgcn-policy.db'));
  const pre = fusion
    ? await pretrainPolicyOffline(store, trained.dir, { snapshots, seed: o.seed, clock: o.clock, log: o.log, ...(o.pretrainUpdates !== undefined ? { updates: o.pretrainUpdates } : {}) })
    : null;
  const range: readonly [number, number] = fusion?.alphaRange ?? [0, 1];
  const jobs = createInProcessQueue();
  const service = createDpgcnPolicyService({
    snapshots,
    jobs,
    instanceId: 'simulate',
    clock: o.clock,
    logger: o.logger.child({ component: 'dpgcn-policy' }),
    policy: { range, pollMs: 0, noise: { sigma: o.sigma ?? 0.05, seed: o.seed }, decisions: { windowMs: o.windowMs }, ...(pre ? { frozenVersion: pre.version } : {}) },
    learner: { seed: o.seed },
  });
  await service.policy.refresh();
  writeDpgcnStrategies(o.strategiesDir);
  // The artifact's own folder of versions; no watching (one version for the whole run).
  const plugin = createDpgcnScorer({ artifactDir: join(modelsDir, 'dpgcn'), loadModel: loadOnnxModel, policy: service.policy, watchMs: 0 });
  return {
    plugin,
    service,
    jobs,
    info: {
      version: trained.version,
      trainMs: trained.trainMs,
      alpha: fusion?.alpha ?? null,
      alphaRange: fusion?.alphaRange ?? null,
      pretrain: pre ? { version: pre.version, lists: pre.lists, metrics: pre.metrics, trainMs: pre.trainMs } : null,
    },
    status: () => service.status(),
    close() {
      service.close();
      snapshots.close();
    },
  };
}
