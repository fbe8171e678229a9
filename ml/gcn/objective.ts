/**
 * One training step's objective and its gradient with respect to the base embeddings E⁰:
 *
 *   J(E⁰) = (1/P)·Σ_{u in step} Σ_{p in u's train items} L(u, p) + (λ/2)·‖E⁰‖²
 *
 * (P: pairs in the step; L: loss.ts). The graph is propagated ONCE for the whole step, the loss
 * of every user in the step is accumulated against those fixed final embeddings, and the summed
 * gradient goes back through the graph once: the cost of propagation is paid per step of many
 * users, not per mini-batch.
 */
import type { GraphOperator } from '../graph/typed';
import { userSoftmaxLoss } from './loss';
import { backThroughNorm, inThread, lightGcnBackward, lightGcnForward, normaliseRows, propagationScratch, transposeOf, type ApplyOperator, type PropagationScratch } from './propagate';

export interface GcnGraphData {
  readonly numUsers: number;
  readonly numItems: number;
  /** User -> train items CSR: row u is items[indptr[u] .. indptr[u + 1]). */
  readonly indptr: Int32Array;
  readonly items: Int32Array;
}

export interface ObjectiveSettings {
  readonly dims: number;
  readonly layers: number;
  readonly tau: number;
  readonly l2: number;
}

/** Buffers of one model, allocated once. */
export interface ObjectiveState {
  readonly op: GraphOperator;
  readonly data: GcnGraphData;
  readonly s: ObjectiveSettings;
  /** Base embeddings E⁰ [numNodes, d] (users, items, then any other node types): the parameters. */
  readonly e0: Float32Array;
  /** ∂J/∂E⁰ after `objective`. */
  readonly grad: Float32Array;
  /** Final embeddings E and their row-normalised Ê after `forward`. */
  readonly e: Float32Array;
  readonly hat: Float32Array;
  readonly invNorm: Float32Array;
  readonly scratch: PropagationScratch;
  readonly mark: Uint8Array;
  readonly apply: ApplyOperator;
  readonly applyT: ApplyOperator;
}

/** How products with Â run: in this thread (default) or through a Propagator (ml/graph/parallel.ts). */
export interface ObjectiveRuntime {
  /** Products with Â. Default: in this thread. */
  readonly apply?: ApplyOperator;
  /** Allocates the arrays `apply` reads and writes (E⁰ must come from it too). Default: plain Float32Array. */
  readonly alloc?: (n: number) => Float32Array;
}

export function createObjectiveState(op: GraphOperator, data: GcnGraphData, s: ObjectiveSettings, e0: Float32Array, rt: ObjectiveRuntime = {}): ObjectiveState {
  // Users first, then items; other node types (queries, categories, terms) may follow: they get
  // embeddings and gradients through the graph, but no loss terms of their own.
  const n = op.numNodes;
  if (n < data.numUsers + data.numItems || (op.offsets['item'] ?? data.numUsers) !== data.numUsers)
    throw new RangeError(`graph (${n} nodes) does not start with ${data.numUsers} users then ${data.numItems} items`);
  if (e0.length !== n * s.dims) throw new RangeError('e0 does not match numNodes x dims');
  const alloc = rt.alloc ?? ((k: number) => new Float32Array(k));
  const apply = rt.apply ?? inThread(op, s.dims);
  return {
    op,
    data,
    s,
    e0,
    grad: new Float32Array(n * s.dims),
    e: alloc(n * s.dims),
    hat: new Float32Array(n * s.dims),
    invNorm: new Float32Array(n),
    scratch: propagationScratch(n, s.dims, alloc),
    mark: new Uint8Array(data.numItems),
    apply,
    applyT: transposeOf(op, s.dims, apply),
  };
}

/** E = LightGCN(E⁰), Ê = rows of E normalised. */
export async function forward(st: ObjectiveState): Promise<void> {
  await lightGcnForward(st.apply, st.e0, st.s.layers, st.e, st.scratch);
  normaliseRows(st.e, st.s.dims, st.hat, st.invNorm);
}

/**
 * J and ∂J/∂E⁰ (into st.grad) for the users of one step; `negativesOf(g)` gives the negatives
 * shared by the g-th group of `groupSize` consecutive users. Runs `forward` first.
 */
export async function objective(st: ObjectiveState, users: Int32Array, groupSize: number, negativesOf: (group: number) => Int32Array): Promise<{ loss: number; pairs: number }> {
  await forward(st);
  const { d, numUsers, indptr, items } = { d: st.s.dims, ...st.data };
  const gHat = st.e; // E is not needed once Ê and 1/‖E‖ are known: reuse its buffer for ∂J/∂Ê.
  gHat.fill(0);
  let loss = 0;
  let pairs = 0;
  let negExp = new Float64Array(0);
  let posExp = new Float64Array(64);
  for (let g = 0; g * groupSize < users.length; g++) {
    const negatives = negativesOf(g);
    if (negExp.length < negatives.length) negExp = new Float64Array(negatives.length);
    const end = Math.min(users.length, (g + 1) * groupSize);
    for (let b = g * groupSize; b < end; b++) {
      const u = users[b]!;
      const positives = items.subarray(indptr[u]!, indptr[u + 1]!);
      if (positives.length === 0) continue;
      if (posExp.length < positives.length) posExp = new Float64Array(positives.length * 2);
      loss += userSoftmaxLoss(u, { hat: st.hat, d, numUsers, positives, negatives, tau: st.s.tau }, gHat, st.mark, negExp, posExp);
      pairs += positives.length;
    }
  }
  const scale = pairs > 0 ? 1 / pairs : 0;
  backThroughNorm(gHat, st.hat, st.invNorm, d, scale);
  await lightGcnBackward(st.applyT, gHat, st.s.layers, st.grad, st.scratch);
  const { l2 } = st.s;
  let sq = 0;
  const { e0, grad } = st;
  for (let i = 0; i < e0.length; i++) {
    const w = e0[i]!;
    sq += w * w;
    grad[i]! += l2 * w;
  }
  return { loss: loss * scale + 0.5 * l2 * sq, pairs };
}
