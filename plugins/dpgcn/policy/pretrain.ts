/**
 * Offline pre-training of the DDPG fusion policy from a GraphStore and a dpgcn artifact with a
 * fusion network; the trained actor is published as the policy's first version (`pretrain`).
 *
 * Episodes (offline.ts) come from the fusion trainer's own lists (ml/fusion/lists.ts): with cut
 * c = trainEnd − horizon, every sampled user with history before c and interactions in [c, trainEnd)
 * gets a list of those items plus retrieved negatives, with the graph cosine g and the standard
 * columns as the gateway would load them at c. h is the artifact's fusion.onnx run with α = 0, so
 * α·g + (1 − α)·h is exactly the scorer's score. The state is state.ts over the user's history
 * before c (newest `historyLimit`). Users are split (seeded) into training and validation lists;
 * the validation NDCG@k at the fitted α, at the best constant α of the training lists, and under
 * the trained actor is reported. Nothing at or after trainEnd is read.
 */
import { join } from 'node:path';
import type { GraphStore } from '../../../graph/port';
import type { Interaction } from '../../sdk/records';
import { encodeActor } from '../../../ml/ddpg/snapshot';
import { buildFusionLists } from '../../../ml/fusion/lists';
import { loadOnnxModel } from '../../../ml/onnx/session';
import { mulberry32 } from '../../../ml/random';
import { DEFAULT_STRATEGY } from '../../../pipeline/strategy';
import { readDpgcnArtifact } from '../artifact';
import { meanNdcg, trainOnEpisodes, type EpisodeLists } from './offline';
import type { PolicySnapshotStore } from './snapshots';
import { POLICY_STATE_DIM, POLICY_STATE_VERSION, policyState } from './state';

const DAY = 86_400_000;

export interface PretrainPolicyOptions {
  /** Where the first version is published. */
  readonly snapshots: PolicySnapshotStore;
  /** Exclusive end of the training window (ms). Default: the store's last event + 1. */
  readonly trainEnd?: number;
  /** Label window before trainEnd, days. Default 1. */
  readonly horizonDays?: number;
  readonly seed?: number;
  /** Most users (lists). Default 3,000. */
  readonly maxUsers?: number;
  /** Retrieved negatives per list. Default 50. */
  readonly negatives?: number;
  /** Most positives per list. Default 10. */
  readonly maxPositives?: number;
  /** Share of lists held out for the reported validation. Default 0.2. */
  readonly validShare?: number;
  /** DDPG updates. Default 3,000. */
  readonly updates?: number;
  /** NDCG cut-off of the reward. Default 10. */
  readonly k?: number;
  /** The actor's action range. Default the artifact's fusion.alphaRange. */
  readonly range?: readonly [number, number];
  /** Clock of the version's createdAt. Default Date.now. */
  readonly clock?: () => number;
  readonly log?: (line: string) => void;
}

export interface PretrainPolicyResult {
  readonly version: number;
  readonly range: readonly [number, number];
  readonly alpha0: number;
  readonly cut: number;
  readonly lists: { readonly train: number; readonly valid: number };
  /** Validation NDCG@k: at the fitted α, at the best constant α on the training lists, under the actor; and the actor's mean α. */
  readonly metrics: {
    readonly validNdcgAlpha0: number;
    readonly validNdcgBestConstant: number;
    readonly bestConstantAlpha: number;
    readonly validNdcgPolicy: number;
    readonly meanPolicyAlpha: number;
    readonly trainMeanReward: number;
  };
  readonly trainMs: number;
}

async function historiesBefore(store: GraphStore, users: ReadonlySet<string>, cut: number, limit: number): Promise<Map<string, Interaction[]>> {
  const out = new Map<string, Interaction[]>();
  for await (const page of store.scanInteractions(10_000)) {
    for (const r of page) {
      if (r.ts >= cut || !users.has(r.userId)) continue;
      let h = out.get(r.userId);
      if (!h) out.set(r.userId, (h = []));
      h.push({ itemId: r.itemId, type: r.type, ts: r.ts, value: r.value });
    }
  }
  for (const h of out.values()) {
    h.sort((a, b) => b.ts - a.ts);
    h.length = Math.min(h.length, limit);
  }
  return out;
}

export async function pretrainPolicyOffline(store: GraphStore, artifactDir: string, o: PretrainPolicyOptions): Promise<PretrainPolicyResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const art = await readDpgcnArtifact(artifactDir);
  const fusion = art.manifest.fusion;
  if (!fusion) throw new RangeError(`policy pre-training: ${artifactDir} has no fusion network (α would weigh nothing)`);
  const seed = o.seed ?? 42;
  const range = o.range ?? fusion.alphaRange;
  const alpha0 = Math.min(range[1], Math.max(range[0], fusion.alpha));
  const trainEnd = o.trainEnd ?? (await store.latestEventTs()) + 1;
  const lists = await buildFusionLists(store, {
    trainEnd,
    horizonMs: (o.horizonDays ?? 1) * DAY,
    columns: fusion.columns,
    userIds: art.manifest.userIds,
    itemIds: art.manifest.itemIds,
    dims: art.dims,
    users: art.users,
    items: art.items,
    maxUsers: o.maxUsers ?? 3000,
    negatives: o.negatives ?? 50,
    maxPositives: o.maxPositives ?? 10,
    seed,
    log,
  });
  const n = lists.g.length;
  if (lists.sizes.length < 2) throw new RangeError(`policy pre-training: ${lists.sizes.length} usable lists at the cut ${new Date(lists.cut).toISOString()}; need at least 2`);
  const session = await loadOnnxModel(join(art.dir!, fusion.file));
  let h: Float32Array;
  try {
    const out = await session.run({ graph: { data: lists.g, dims: [n, 1] }, features: { data: lists.x, dims: [n, lists.columns] }, alpha: { data: new Float32Array([0]), dims: [1] } });
    h = Float32Array.from(Object.values(out)[0]!.data);
  } finally {
    await session.close();
  }
  const histories = await historiesBefore(store, new Set(lists.listUsers), lists.cut, DEFAULT_STRATEGY.historyLimit);
  const states = new Float32Array(lists.sizes.length * POLICY_STATE_DIM);
  lists.listUsers.forEach((u, i) => states.set(policyState(histories.get(u) ?? [], lists.cut), i * POLICY_STATE_DIM));
  const episodes: EpisodeLists = { g: lists.g, h, y: lists.y, sizes: lists.sizes, states, stateDim: POLICY_STATE_DIM };
  const rand = mulberry32(seed ^ 0x5911);
  const train: number[] = [];
  const valid: number[] = [];
  for (let i = 0; i < lists.sizes.length; i++) (rand() < (o.validShare ?? 0.2) ? valid : train).push(i);
  if (valid.length === 0) valid.push(train.pop()!);
  const k = o.k ?? 10;
  const fit = trainOnEpisodes(episodes, { range, alpha0, train, seed, k, ...(o.updates !== undefined ? { updates: o.updates } : {}) });
  let bestConstantAlpha = alpha0;
  let best = -Infinity;
  for (let j = 0; j <= 20; j++) {
    const a = range[0] + ((range[1] - range[0]) * j) / 20;
    const m = meanNdcg(episodes, train, () => a, k);
    if (m > best) [best, bestConstantAlpha] = [m, a];
  }
  const actorAlpha = (i: number): number => fit.agent.act(states.subarray(i * POLICY_STATE_DIM, (i + 1) * POLICY_STATE_DIM));
  const metrics = {
    validNdcgAlpha0: meanNdcg(episodes, valid, () => alpha0, k),
    validNdcgBestConstant: meanNdcg(episodes, valid, () => bestConstantAlpha, k),
    bestConstantAlpha,
    validNdcgPolicy: meanNdcg(episodes, valid, actorAlpha, k),
    meanPolicyAlpha: valid.reduce((s, i) => s + actorAlpha(i), 0) / valid.length,
    trainMeanReward: fit.meanReward,
  };
  const version = await o.snapshots.publish({
    actor: encodeActor(fit.agent.actor, range),
    stateVersion: POLICY_STATE_VERSION,
    createdAt: (o.clock ?? Date.now)(),
    source: 'pretrain',
    updates: fit.agent.updates(),
  });
  const trainMs = Math.round(performance.now() - t0);
  log(
    `policy pre-training: ${train.length} train / ${valid.length} valid lists at cut ${new Date(lists.cut).toISOString()}; valid NDCG@${k} fitted α ${alpha0.toFixed(3)} ${metrics.validNdcgAlpha0.toFixed(4)}, best constant α ${bestConstantAlpha.toFixed(3)} ${metrics.validNdcgBestConstant.toFixed(4)}, policy (mean α ${metrics.meanPolicyAlpha.toFixed(3)}) ${metrics.validNdcgPolicy.toFixed(4)}; version ${version}, ${trainMs} ms`,
  );
  return { version, range, alpha0, cut: lists.cut, lists: { train: train.length, valid: valid.length }, metrics, trainMs };
}
