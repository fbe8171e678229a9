/**
 * Experience replay for a Q-network over candidate rows (slate decisions): a transition is one
 * shown slot, its feature row x = φ(s, a), the slot's reward, and the next decision's candidate
 * pool (the rows φ(s', a') of every a' the policy could pick next), or none when the episode ended
 * (no next decision within the horizon). A ring over `capacity` transitions, the oldest
 * overwritten; uniform minibatches from a seeded draw. Pools of consecutive slots of one decision
 * are shared (the same Float32Array), so a slate of k slots stores its next pool once.
 */

export interface DqnTransition {
  /** φ(s, a): the shown candidate's feature row (dim values). */
  readonly x: Float32Array;
  readonly reward: number;
  /** The next decision's candidate rows (rows × dim, row-major), or null when terminal. */
  readonly next: Float32Array | null;
}

export interface DqnMinibatch {
  readonly size: number;
  readonly dim: number;
  /** size × dim */
  readonly x: Float32Array;
  readonly rewards: Float32Array;
  /** Per transition: its next pool or null (terminal). */
  readonly next: ReadonlyArray<Float32Array | null>;
}

export interface DqnReplay {
  readonly capacity: number;
  readonly dim: number;
  size(): number;
  /** Transitions ever added (size() saturates at capacity). */
  added(): number;
  add(t: DqnTransition): void;
  /** `n` transitions drawn uniformly with replacement using `rand` (uniform in [0, 1)). */
  sample(n: number, rand: () => number): DqnMinibatch;
  /** Every held transition, oldest first (fitted iteration over a fixed log). */
  all(): DqnMinibatch;
}

export function createDqnReplay(capacity: number, dim: number): DqnReplay {
  if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`dqn replay: capacity must be a positive integer, got ${capacity}`);
  if (!(Number.isInteger(dim) && dim > 0)) throw new RangeError(`dqn replay: dim must be a positive integer, got ${dim}`);
  const xs = new Float32Array(capacity * dim);
  const rewards = new Float32Array(capacity);
  const next: Array<Float32Array | null> = new Array<Float32Array | null>(capacity).fill(null);
  let count = 0;
  let total = 0;
  const batchOf = (idx: readonly number[]): DqnMinibatch => {
    const b = { size: idx.length, dim, x: new Float32Array(idx.length * dim), rewards: new Float32Array(idx.length), next: [] as Array<Float32Array | null> };
    idx.forEach((j, k) => {
      b.x.set(xs.subarray(j * dim, (j + 1) * dim), k * dim);
      b.rewards[k] = rewards[j]!;
      b.next.push(next[j]!);
    });
    return b;
  };
  return {
    capacity,
    dim,
    size: () => count,
    added: () => total,
    add(t) {
      if (t.x.length !== dim) throw new RangeError(`dqn replay: x must have ${dim} values, got ${t.x.length}`);
      if (t.next !== null && (t.next.length === 0 || t.next.length % dim !== 0)) throw new RangeError(`dqn replay: next must hold whole rows of ${dim} values, got ${t.next.length}`);
      if (!Number.isFinite(t.reward)) throw new RangeError('dqn replay: reward must be finite');
      const at = total % capacity;
      xs.set(t.x, at * dim);
      rewards[at] = t.reward;
      next[at] = t.next;
      total++;
      count = Math.min(capacity, count + 1);
    },
    sample(n, rand) {
      if (count === 0) throw new RangeError('dqn replay: empty buffer');
      const idx: number[] = [];
      for (let k = 0; k < n; k++) idx.push(Math.min(count - 1, Math.floor(rand() * count)));
      return batchOf(idx);
    },
    all() {
      const start = count < capacity ? 0 : total % capacity;
      return batchOf(Array.from({ length: count }, (_, k) => (start + k) % capacity));
    },
  };
}
