/**
 * Training the LightGCN-style graph model (`dpgcn/graph`'s core) by hand in TypeScript.
 *
 * Objective: sampled softmax over cosine similarity (loss.ts), negatives shared by groups of users
 * and scored once per user. Each Adam step takes `usersPerStep` users with ALL their train pairs,
 * propagates the graph once forward and once backward (objective.ts). One epoch visits every user
 * once, in a fresh seeded order. With `validation`, Recall@K on held-out items is measured every
 * `every` epochs and training stops after `patience` checks without a new best; the result says
 * which epoch was best. Every random draw comes from one mulberry32 stream seeded by `seed`.
 */
import { availableParallelism } from 'node:os';
import { createPropagator, type Propagator } from '../graph/parallel';
import { bipartiteGraph, type GraphOperator } from '../graph/typed';
import type { MfModel } from '../mf/bpr';
import { mulberry32 } from '../random';
import { createAdam } from './adam';
import { holdoutRecall, type HoldoutSplit } from './holdout';
import { createObjectiveState, forward, objective, type GcnGraphData } from './objective';

/**
 * Defaults: chosen on Gowalla by held-out Recall@20 on 10% of each user's train items (never the
 * test split). After one epoch: 2048 users/step at lr 0.05 and 2 layers 0.128, 4096 users/step at
 * lr 0.05 and 3 layers 0.121, 1024 at 0.05 (2 layers) 0.126, 1024 at 0.01 (3 layers) 0.115, 2048
 * at 0.1 (2 layers) 0.125; the 2048/0.05/2-layer run then went 0.134, 0.152, 0.161 at epochs 2-4.
 * Two layers instead of LightGCN's three: a third of the propagation cost per step.
 */
export interface GcnHyperParameters {
  /** Embedding dimensions. Default 64. */
  readonly dims: number;
  /** Propagation layers L (α_l = 1/(L+1)). Default 2. */
  readonly layers: number;
  /** Passes over the users (with validation: the most). Default 10. */
  readonly epochs: number;
  /** Adam step size. Default 0.05. */
  readonly learningRate: number;
  /** L2 weight λ on E⁰. Default 1e-6. */
  readonly l2: number;
  /** Softmax temperature τ over cosines. Default 0.1. */
  readonly tau: number;
  /** Uniform negatives per group of users. Default 512. */
  readonly negatives: number;
  /** Users sharing one draw of negatives. Default 16. */
  readonly usersPerGroup: number;
  /** Users per Adam step (one forward and one backward propagation each). Default 2048. */
  readonly usersPerStep: number;
  /** Standard deviation of the normal initialisation of E⁰. Default 0.1. */
  readonly initStd: number;
}

export const GCN_DEFAULTS: GcnHyperParameters = {
  dims: 64,
  layers: 2,
  epochs: 10,
  learningRate: 0.05,
  l2: 1e-6,
  tau: 0.1,
  negatives: 512,
  usersPerGroup: 16,
  usersPerStep: 2048,
  initStd: 0.1,
};

export interface GcnEpoch {
  readonly epoch: number;
  /** Mean objective over the epoch's steps. */
  readonly loss: number;
  readonly ms: number;
  /** Held-out Recall@K when measured after this epoch. */
  readonly validRecall?: number;
}

export interface GcnValidation {
  readonly split: HoldoutSplit['valid'];
  /** Users whose held-out items are ranked. */
  readonly users: Int32Array;
  /** Cut-off K. Default 20. */
  readonly k?: number;
  /** Epochs between checks. Default 2. */
  readonly every?: number;
  /** Checks without a new best before stopping. Default 2. */
  readonly patience?: number;
}

export interface GcnTrainOptions extends Partial<GcnHyperParameters> {
  /** Seed of every random draw. Required. */
  readonly seed: number;
  /** Held-out items to measure and early-stop on. Default: none (train `epochs`). */
  readonly validation?: GcnValidation;
  readonly onEpoch?: (e: GcnEpoch) => void;
  /** Stops training between steps (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Threads for the graph products (compiled build only; results are identical for any count). Default min(2, cores). */
  readonly threads?: number;
  /**
   * The graph propagated over, built for the pairs trained on; users first, then items, then any
   * other node types. Default: the user–item bipartite graph of the pairs (bipartiteGraph).
   */
  readonly graph?: (pairs: GcnGraphData) => GraphOperator;
}

export interface GcnTrainResult {
  /** Final embeddings, row-normalised: score(u, i) = ⟨users_u, items_i⟩ = cosine. */
  readonly model: MfModel;
  /** Final row-normalised embeddings of the nodes after the items (other node types), [n, dims]; empty for a user–item graph. */
  readonly others: Float32Array;
  readonly hyper: GcnHyperParameters;
  readonly seed: number;
  readonly history: readonly GcnEpoch[];
  /** With validation: the epoch with the best held-out recall, and that recall. */
  readonly best?: { readonly epoch: number; readonly recall: number };
  readonly trainMs: number;
}

/** GCN_DEFAULTS overridden by `o`, checked; throws a RangeError naming the setting. */
export function resolveGcnHyper(o: Partial<GcnHyperParameters> & { readonly seed: number }): GcnHyperParameters {
  const h = { ...GCN_DEFAULTS };
  for (const key of Object.keys(GCN_DEFAULTS) as (keyof GcnHyperParameters)[]) {
    const v = o[key];
    if (v !== undefined) h[key] = v;
    if (!Number.isFinite(h[key]) || h[key] < 0) throw new RangeError(`${key} must be a finite non-negative number (got ${h[key]})`);
  }
  for (const key of ['dims', 'layers', 'epochs', 'negatives', 'usersPerGroup', 'usersPerStep'] as const) {
    if (!Number.isInteger(h[key])) throw new RangeError(`${key} must be an integer (got ${h[key]})`);
  }
  for (const key of ['dims', 'negatives', 'usersPerGroup', 'usersPerStep', 'tau', 'learningRate'] as const) {
    if (!(h[key] > 0)) throw new RangeError(`${key} must be positive`);
  }
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer (got ${o.seed})`);
  return h;
}

function fillNormal(out: Float32Array, std: number, rnd: () => number): void {
  for (let i = 0; i < out.length; i += 2) {
    let a = rnd();
    while (a <= 0) a = rnd();
    const r = Math.sqrt(-2 * Math.log(a)) * std;
    const t = 2 * Math.PI * rnd();
    out[i] = r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t);
  }
}

export async function trainGcn(data: GcnGraphData, o: GcnTrainOptions): Promise<GcnTrainResult> {
  const h = resolveGcnHyper(o);
  const started = performance.now();
  const { numUsers, numItems } = data;
  if (data.indptr.length !== numUsers + 1 || data.indptr[numUsers] !== data.items.length) throw new RangeError('indptr does not match numUsers / items');
  const rnd = mulberry32(o.seed);
  const op = o.graph ? o.graph(data) : bipartiteGraph(numUsers, numItems, data);
  const prop = await createPropagator(op, h.dims, { threads: o.threads ?? Math.min(2, availableParallelism()) });
  try {
    return await trainWith(prop, op, data, h, rnd, o, started);
  } finally {
    await prop.close();
  }
}

async function trainWith(prop: Propagator, op: GraphOperator, data: GcnGraphData, h: GcnHyperParameters, rnd: () => number, o: GcnTrainOptions, started: number): Promise<GcnTrainResult> {
  const { numUsers, numItems } = data;
  const e0 = prop.alloc(op.numNodes * h.dims);
  fillNormal(e0, h.initStd, rnd);
  const st = createObjectiveState(op, data, h, e0, { apply: (x, out) => prop.apply(x, out), alloc: (n) => prop.alloc(n) });
  const adam = createAdam(e0.length, { learningRate: h.learningRate });
  const active: number[] = [];
  for (let u = 0; u < numUsers; u++) if (data.indptr[u + 1]! > data.indptr[u]!) active.push(u);
  const order = Int32Array.from(active);
  const negs = new Int32Array(h.negatives);
  const negativesOf = (): Int32Array => {
    for (let j = 0; j < negs.length; j++) negs[j] = Math.floor(rnd() * numItems);
    return negs;
  };
  const v = o.validation;
  const every = v?.every ?? 2;
  const patience = v?.patience ?? 2;
  let best: { epoch: number; recall: number } | undefined;
  let bestE0: Float32Array | undefined;
  let sinceBest = 0;
  const history: GcnEpoch[] = [];
  for (let epoch = 1; epoch <= h.epochs; epoch++) {
    const t0 = performance.now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    let lossSum = 0;
    let steps = 0;
    for (let s0 = 0; s0 < order.length; s0 += h.usersPerStep) {
      const { loss } = await objective(st, order.subarray(s0, s0 + h.usersPerStep), h.usersPerGroup, negativesOf);
      adam.step(e0, st.grad);
      lossSum += loss;
      steps++;
      await new Promise<void>((r) => setImmediate(r));
      o.signal?.throwIfAborted();
    }
    let validRecall: number | undefined;
    if (v && (epoch % every === 0 || epoch === h.epochs)) {
      await forward(st);
      validRecall = holdoutRecall(st.hat, h.dims, data, v.split, v.users, v.k ?? 20);
      if (!best || validRecall > best.recall) {
        best = { epoch, recall: validRecall };
        bestE0 = Float32Array.from(e0);
        sinceBest = 0;
      } else sinceBest++;
    }
    const e: GcnEpoch = { epoch, loss: steps > 0 ? lossSum / steps : 0, ms: performance.now() - t0, ...(validRecall !== undefined ? { validRecall } : {}) };
    history.push(e);
    o.onEpoch?.(e);
    if (v && sinceBest >= patience) break;
  }
  if (bestE0) e0.set(bestE0);
  await forward(st);
  const d = h.dims;
  return {
    model: { dims: d, numUsers, numItems, users: st.hat.slice(0, numUsers * d), items: st.hat.slice(numUsers * d, (numUsers + numItems) * d) },
    others: st.hat.slice((numUsers + numItems) * d),
    hyper: h,
    seed: o.seed,
    history,
    ...(best ? { best } : {}),
    trainMs: performance.now() - started,
  };
}
