/**
 * One-step episodes for the DDPG policy, offline. Each episode is a user's candidate list at a cut
 * inside the training window: graph scores g, static scores h (the fusion network's h(features)),
 * which candidates the user acted on after the cut (y), and the user's state at the cut. The action
 * α only reorders the list (score = α·g + (1 − α)·h), so the reward of ANY α is computable: NDCG@k
 * of the positives. Every transition is terminal (done = true).
 */
import { createDdpg, type Ddpg } from '../../../ml/ddpg/agent';
import { createNoise } from '../../../ml/ddpg/noise';
import { createReplayBuffer } from '../../../ml/ddpg/replay';
import { mulberry32 } from '../../../ml/random';

export interface EpisodeLists {
  readonly g: Float32Array;
  readonly h: Float32Array;
  readonly y: Uint8Array;
  /** Rows per list, in row order. */
  readonly sizes: readonly number[];
  /** The state of each list's user at the cut (lists × stateDim, row-major). */
  readonly states: Float32Array;
  readonly stateDim: number;
}

export interface OfflineTrainingOptions {
  readonly range: readonly [number, number];
  /** The artifact's fitted α: the actor starts there, and the baseline. */
  readonly alpha0: number;
  /** Lists used for training (the rest is for validation). */
  readonly train: readonly number[];
  /** DDPG updates (one new episode each). Default 3,000. */
  readonly updates?: number;
  /** Minibatch. Default 64. */
  readonly batch?: number;
  /** Hidden widths of actor and critic. Default [32, 32]. */
  readonly hidden?: readonly number[];
  /** Exploration σ. Default 0.1. */
  readonly sigma?: number;
  /** Cut-off of the NDCG reward. Default 10. */
  readonly k?: number;
  readonly seed?: number;
}

/** NDCG@k of list `i` ranked by α·g + (1 − α)·h (ties: row order). 0 when it has no positive. */
export function listNdcg(l: Pick<EpisodeLists, 'g' | 'h' | 'y'>, start: number, size: number, alpha: number, k = 10): number {
  const order = Array.from({ length: size }, (_, j) => j);
  const score = (j: number): number => alpha * l.g[start + j]! + (1 - alpha) * l.h[start + j]!;
  order.sort((a, b) => score(b) - score(a) || a - b);
  let dcg = 0;
  let pos = 0;
  for (let j = 0; j < size; j++) if (l.y[start + j]) pos++;
  for (let r = 0; r < Math.min(k, size); r++) if (l.y[start + order[r]!]) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < Math.min(k, pos); r++) idcg += 1 / Math.log2(r + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function listStarts(sizes: readonly number[]): Int32Array {
  const s = new Int32Array(sizes.length);
  for (let i = 1; i < sizes.length; i++) s[i] = s[i - 1]! + sizes[i - 1]!;
  return s;
}

/** Mean NDCG over `lists` with α per list from `alphaOf`. */
export function meanNdcg(l: EpisodeLists, lists: readonly number[], alphaOf: (i: number) => number, k = 10): number {
  const starts = listStarts(l.sizes);
  let s = 0;
  for (const i of lists) s += listNdcg(l, starts[i]!, l.sizes[i]!, alphaOf(i), k);
  return lists.length === 0 ? 0 : s / lists.length;
}

export interface OfflineTraining {
  readonly agent: Ddpg;
  readonly episodes: number;
  readonly meanReward: number;
}

/** Train an actor on one-step episodes drawn from the training lists. */
export function trainOnEpisodes(l: EpisodeLists, o: OfflineTrainingOptions): OfflineTraining {
  if (o.train.length === 0) throw new RangeError('policy pre-training: no training lists');
  const seed = o.seed ?? 42;
  const agent = createDdpg({ stateDim: l.stateDim, range: o.range, initAction: o.alpha0, seed, tau: 0.05, ...(o.hidden ? { hidden: o.hidden } : {}), actorLr: 3e-3, criticLr: 1e-2 });
  const replay = createReplayBuffer(50_000, l.stateDim);
  const noise = createNoise({ sigma: o.sigma ?? 0.1, seed });
  const rand = mulberry32(seed ^ 0x0ff1);
  const starts = listStarts(l.sizes);
  const updates = o.updates ?? 3000;
  const batch = o.batch ?? 64;
  const [lo, hi] = o.range;
  let total = 0;
  for (let e = 0; e < updates; e++) {
    const i = o.train[Math.floor(rand() * o.train.length)]!;
    const s = l.states.subarray(i * l.stateDim, (i + 1) * l.stateDim);
    const a = Math.min(hi, Math.max(lo, agent.act(s) + noise.sample()));
    const r = listNdcg(l, starts[i]!, l.sizes[i]!, a, o.k ?? 10);
    total += r;
    replay.add({ state: s, action: a, reward: r, next: s, done: true });
    if (replay.size() >= batch) agent.update(replay.sample(batch, rand));
  }
  return { agent, episodes: updates, meanReward: total / updates };
}
