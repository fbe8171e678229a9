/**
 * The DDPG fusion policy of events/temporal's `strategy:dpgcn`, pre-trained offline on the
 * training store only (contract 4: `pretrainPolicyOffline`, its episodes at a label cut
 * `horizonDays` before the test cut, nothing at or after the test cut read), published into a
 * snapshot store in the run's scratch folder and served by `createDdpgFusionPolicy` pinned to that
 * version; the model's `{"policy": "frozen"}` makes every decision the actor's deterministic α.
 */
import { join } from 'node:path';
import { createDdpgFusionPolicy } from '../../plugins/dpgcn/policy/policy';
import { pretrainPolicyOffline, type PretrainPolicyOptions } from '../../plugins/dpgcn/policy/pretrain';
import { openSqlitePolicySnapshots } from '../../plugins/dpgcn/policy/snapshots';
import type { PolicyPretrainer } from './dpgcn-extension';

export type DdpgPretrainOptions = Partial<Omit<PretrainPolicyOptions, 'snapshots' | 'trainEnd' | 'seed' | 'log' | 'clock'>>;

export function ddpgPretrainer(o: DdpgPretrainOptions = {}): PolicyPretrainer {
  return async (ctx, artifactDir, log) => {
    const snapshots = openSqlitePolicySnapshots(join(ctx.scratchDir, 'dpgcn-policy.sqlite'));
    try {
      const r = await pretrainPolicyOffline(ctx.store, artifactDir, { ...o, snapshots, trainEnd: ctx.cut, seed: ctx.seed, clock: () => ctx.now, log });
      const policy = createDdpgFusionPolicy({ snapshots, range: r.range, pollMs: 0, frozenVersion: r.version });
      await policy.refresh();
      if (policy.served()?.version !== r.version) throw new Error(`the pre-trained policy version ${r.version} is not served`);
      const m = r.metrics;
      const f = (x: number): string => x.toFixed(4);
      return {
        policy,
        trainMs: Math.round(r.trainMs),
        params: { version: r.version, range: r.range, alpha0: r.alpha0, labelCut: r.cut, lists: r.lists, metrics: m, ...o },
        notes: [
          `DP-GCN policy: DDPG pre-trained offline (pretrainPolicyOffline) on one-step episodes from the training store: lists at a label cut ${new Date(r.cut).toISOString()} inside the training window (${r.lists.train} training, ${r.lists.valid} validation lists), reward NDCG@10 of what the user did between that cut and the test cut; actions clipped to [${r.range.join(', ')}]. Validation NDCG@10: fitted α ${r.alpha0.toFixed(3)} ${f(m.validNdcgAlpha0)}, best constant α ${m.bestConstantAlpha.toFixed(3)} ${f(m.validNdcgBestConstant)}, the actor ${f(m.validNdcgPolicy)} (mean α ${m.meanPolicyAlpha.toFixed(3)}); ${(r.trainMs / 1000).toFixed(1)} s. The online learner (feedback through the job queue) is not part of an offline run: the pre-trained actor is served frozen.`,
        ],
        close: async () => {
          policy.close();
          snapshots.close();
        },
      };
    } catch (err) {
      snapshots.close();
      throw err;
    }
  };
}
