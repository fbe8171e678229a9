/**
 * The DDPG replay buffer: a ring over typed arrays (state, action, reward, next state, done), the
 * oldest transition overwritten once `capacity` is reached; uniform minibatches from a seeded draw.
 */

export interface Transition {
  readonly state: ArrayLike<number>;
  readonly action: number;
  readonly reward: number;
  readonly next: ArrayLike<number>;
  /** True when the episode ended here (no bootstrap from `next`). */
  readonly done: boolean;
}

export interface Minibatch {
  readonly size: number;
  readonly states: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly next: Float32Array;
  readonly done: Uint8Array;
}

export interface ReplayBuffer {
  readonly capacity: number;
  readonly stateDim: number;
  size(): number;
  /** Transitions ever added (size() saturates at capacity). */
  added(): number;
  add(t: Transition): void;
  /** `n` transitions drawn uniformly with replacement using `rand` (uniform in [0, 1)). */
  sample(n: number, rand: () => number): Minibatch;
}

export function createReplayBuffer(capacity: number, stateDim: number): ReplayBuffer {
  if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`replay: capacity must be a positive integer, got ${capacity}`);
  const states = new Float32Array(capacity * stateDim);
  const next = new Float32Array(capacity * stateDim);
  const actions = new Float32Array(capacity);
  const rewards = new Float32Array(capacity);
  const done = new Uint8Array(capacity);
  let count = 0;
  let total = 0;
  return {
    capacity,
    stateDim,
    size: () => count,
    added: () => total,
    add(t) {
      if (t.state.length !== stateDim || t.next.length !== stateDim) throw new RangeError(`replay: states must have ${stateDim} values`);
      const at = total % capacity;
      for (let i = 0; i < stateDim; i++) {
        states[at * stateDim + i] = t.state[i]!;
        next[at * stateDim + i] = t.next[i]!;
      }
      actions[at] = t.action;
      rewards[at] = t.reward;
      done[at] = t.done ? 1 : 0;
      total++;
      count = Math.min(capacity, count + 1);
    },
    sample(n, rand) {
      if (count === 0) throw new RangeError('replay: empty buffer');
      const b: Minibatch = {
        size: n,
        states: new Float32Array(n * stateDim),
        actions: new Float32Array(n),
        rewards: new Float32Array(n),
        next: new Float32Array(n * stateDim),
        done: new Uint8Array(n),
      };
      for (let k = 0; k < n; k++) {
        const j = Math.min(count - 1, Math.floor(rand() * count));
        b.states.set(states.subarray(j * stateDim, (j + 1) * stateDim), k * stateDim);
        b.next.set(next.subarray(j * stateDim, (j + 1) * stateDim), k * stateDim);
        b.actions[k] = actions[j]!;
        b.rewards[k] = rewards[j]!;
        b.done[k] = done[j]!;
      }
      return b;
    },
  };
}
