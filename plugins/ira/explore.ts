/**
 * Exploration of the `ira/policy` scorer (Contract C): how a slate is drawn from the candidates'
 * Q values, and the probability of every slot of a given slate under a policy, so that every
 * served list carries its propensities and off-policy evaluation (ml/ope) can weigh logged
 * slates by a target policy.
 *
 * The policy first keeps the `pool` candidates with the highest Q (all when `pool` is absent;
 * ties by lower index), then fills `slots` slots one at a time without replacement. At slot k,
 * with R the pool items not yet shown:
 *
 *   boltzmann  π(a | R) = exp(Q(a)/τ) / Σ_{b ∈ R} exp(Q(b)/τ)            (Plackett–Luce at temperature τ)
 *   epsilon    π(a | R) = (1 − ε) · 1[a = argmax_R Q] + ε / |R|            (ε-greedy per slot)
 *   greedy     π(a | R) = 1[a = argmax_R Q]                                 (ties: the lower index)
 *
 * The propensity of slot k is π(a_k | R_k): the probability of that item at that slot given the
 * earlier slots. The slate's probability is their product. An item outside the pool has
 * probability 0 at every slot.
 */

export type ExploreMethod = 'boltzmann' | 'epsilon' | 'greedy';

export interface ExploreOptions {
  readonly method: ExploreMethod;
  /** Boltzmann temperature τ > 0 (used by `boltzmann`). */
  readonly temperature: number;
  /** ε in [0, 1] (used by `epsilon`). */
  readonly epsilon: number;
  /** Keep the `pool` candidates with the highest Q before drawing. Default all. */
  readonly pool?: number;
}

export interface SampleOptions extends ExploreOptions {
  /** Slots to fill (at most the pool's size). */
  readonly slots: number;
  /** Uniform [0, 1) generator (seeded in tests and the simulator). */
  readonly rng: () => number;
}

export interface SampledSlate {
  /** Indices into q, slot order. */
  readonly shown: number[];
  /** Per slot: P(this item at this slot | the earlier slots). */
  readonly propensities: number[];
}

function check(o: ExploreOptions): void {
  if (o.method === 'boltzmann' && !(o.temperature > 0 && Number.isFinite(o.temperature))) throw new RangeError(`explore: temperature must be a positive number, got ${o.temperature}`);
  if (o.method === 'epsilon' && !(o.epsilon >= 0 && o.epsilon <= 1)) throw new RangeError(`explore: epsilon must be in [0, 1], got ${o.epsilon}`);
  if (o.method !== 'boltzmann' && o.method !== 'epsilon' && o.method !== 'greedy') throw new RangeError(`explore: unknown method ${String(o.method)}`);
  if (o.pool !== undefined && !(Number.isInteger(o.pool) && o.pool >= 1)) throw new RangeError(`explore: pool must be a positive integer, got ${o.pool}`);
}

/** Indices of the `pool` highest Q (ties: lower index first), in descending Q order. Non-finite Q is ranked last. */
export function topPool(q: ArrayLike<number>, pool?: number): number[] {
  const key = (i: number): number => (Number.isFinite(q[i]!) ? q[i]! : -Infinity);
  const idx = Array.from({ length: q.length }, (_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
  return pool === undefined ? idx : idx.slice(0, pool);
}

/**
 * The per-slot choice probabilities over the remaining pool items (aligned with `remaining`),
 * for the policy. `remaining` is in descending-Q order (topPool keeps it), so its first entry is
 * the greedy choice.
 */
function slotDistribution(q: ArrayLike<number>, remaining: readonly number[], o: ExploreOptions): Float64Array {
  const m = remaining.length;
  const p = new Float64Array(m);
  if (m === 0) return p;
  if (o.method === 'greedy') {
    p[0] = 1;
    return p;
  }
  if (o.method === 'epsilon') {
    p.fill(o.epsilon / m);
    p[0] = p[0]! + (1 - o.epsilon);
    return p;
  }
  // Boltzmann, stabilised by the largest remaining Q (remaining[0]).
  const top = Number.isFinite(q[remaining[0]!]!) ? q[remaining[0]!]! : 0;
  let total = 0;
  for (let j = 0; j < m; j++) {
    const v = q[remaining[j]!]!;
    const e = Number.isFinite(v) ? Math.exp((v - top) / o.temperature) : 0;
    p[j] = e;
    total += e;
  }
  for (let j = 0; j < m; j++) p[j] = p[j]! / total;
  return p;
}

/** Draw a slate of `slots` items (fewer when the pool is smaller), with per-slot propensities. */
export function sampleSlate(q: ArrayLike<number>, o: SampleOptions): SampledSlate {
  check(o);
  if (!(Number.isInteger(o.slots) && o.slots >= 0)) throw new RangeError(`explore: slots must be a non-negative integer, got ${o.slots}`);
  const remaining = topPool(q, o.pool);
  const shown: number[] = [];
  const propensities: number[] = [];
  while (shown.length < o.slots && remaining.length > 0) {
    const p = slotDistribution(q, remaining, o);
    let pick = 0;
    if (o.method !== 'greedy') {
      const u = o.rng();
      let acc = 0;
      pick = -1;
      for (let j = 0; j < p.length; j++) {
        acc += p[j]!;
        if (u < acc && p[j]! > 0) {
          pick = j;
          break;
        }
      }
      // Rounding left u above the last cumulative sum: the last item with positive probability.
      if (pick < 0) for (let j = p.length - 1; j >= 0 && pick < 0; j--) if (p[j]! > 0) pick = j;
    }
    shown.push(remaining[pick]!);
    propensities.push(p[pick]!);
    remaining.splice(pick, 1);
  }
  return { shown, propensities };
}

/**
 * The per-slot conditional probabilities of a given slate under a policy: entry k is
 * π(shown[k] | the pool minus shown[0..k−1]). 0 for an item outside the policy's pool (and for
 * a repeated item); the entries after a 0 are still computed against the slate's earlier items.
 */
export function slateProbability(q: ArrayLike<number>, shown: readonly number[], o: ExploreOptions): Float64Array {
  check(o);
  const remaining = topPool(q, o.pool);
  const out = new Float64Array(shown.length);
  shown.forEach((a, k) => {
    const j = remaining.indexOf(a);
    if (j < 0) return;
    out[k] = slotDistribution(q, remaining, o)[j]!;
    remaining.splice(j, 1);
  });
  return out;
}

/** The method a scorer setting names: `off` is greedy. */
export function exploreMethod(setting: 'boltzmann' | 'epsilon' | 'off'): ExploreMethod {
  return setting === 'off' ? 'greedy' : setting;
}
