/**
 * The DDPG fusion policy a `serve`d gateway runs beside `dpgcn/graph` (plugins/dpgcn/policy/): built
 * when DPGCN_POLICY_DB_PATH is set and the served DP-GCN artifact has a fusion network (the policy's
 * action is the fusion weight α, kept inside the artifact's `fusion.alphaRange`). Its versions live
 * in that SQLite file, shared by the gateways that point at it; learning runs on the gateway's job
 * queue. Without a pre-trained version it answers the artifact's fitted α until it has learned.
 */
import type { Logger } from 'pino';
import type { JobQueue } from '../jobs/port';
import { latestDpgcnDir, readDpgcnArtifact } from '../plugins/dpgcn/artifact';
import { createDpgcnPolicyService, type DpgcnPolicyService } from '../plugins/dpgcn/policy/service';
import { openSqlitePolicySnapshots } from '../plugins/dpgcn/policy/snapshots';

export interface ServedDpgcnPolicy {
  readonly service: DpgcnPolicyService;
  close(): void;
}

export interface ServedDpgcnPolicyOptions {
  /** DPGCN_MODELS_DIR, absolute; '' = off. */
  readonly modelsDir: string;
  /** DPGCN_POLICY_DB_PATH; '' = off. */
  readonly dbPath: string;
  readonly jobs: JobQueue;
  readonly instanceId: string;
  readonly clock: () => number;
  readonly logger: Logger;
}

/** The policy service, or null (logged) when it is off, there is no artifact, or the artifact has no fusion network. */
export async function openServedDpgcnPolicy(o: ServedDpgcnPolicyOptions): Promise<ServedDpgcnPolicy | null> {
  if (o.dbPath === '' || o.modelsDir === '') return null;
  const dir = await latestDpgcnDir(o.modelsDir).catch(() => null);
  if (dir === null) return null;
  let range: readonly [number, number];
  try {
    const fusion = (await readDpgcnArtifact(dir)).manifest.fusion;
    if (!fusion) {
      o.logger.info({ modelDir: dir }, 'DDPG fusion policy off: the served DP-GCN artifact has no fusion network');
      return null;
    }
    range = fusion.alphaRange;
  } catch {
    return null; // the scorer's loader logs why the artifact is not served
  }
  const snapshots = openSqlitePolicySnapshots(o.dbPath);
  const service = createDpgcnPolicyService({
    snapshots,
    jobs: o.jobs,
    instanceId: o.instanceId,
    clock: o.clock,
    logger: o.logger,
    policy: { range },
  });
  await service.policy.refresh();
  const served = service.policy.served();
  o.logger.info({ db: o.dbPath, range, version: served ? served.version : null }, 'DDPG fusion policy on');
  return {
    service,
    close() {
      service.close();
      snapshots.close();
    },
  };
}
