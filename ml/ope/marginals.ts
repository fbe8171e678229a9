/**
 * Slot marginals of a slate policy, P(item a at slot k), from its per-slot conditional
 * probabilities (the direct-method term of doubly robust OPE, estimators.ts).
 *
 * Exact by enumerating every prefix with positive probability (depth-first; a greedy policy has
 * one branch, so any pool size is cheap), unless that would visit more than `maxNodes` prefixes:
 * then estimated from `samples` slates drawn from the policy (seeded), an unbiased estimate whose
 * error shrinks as 1/√samples.
 */
export interface MarginalsInput {
  readonly poolSize: number;
  readonly slots: number;
  /** Per-slot conditional probabilities of a slate (explore.ts slateProbability). */
  readonly prob: (shown: readonly number[]) => ArrayLike<number>;
  /** Draw one slate of `slots` items (explore.ts sampleSlate), for the sampled fallback. */
  readonly draw: () => readonly number[];
  /** Largest enumeration. Default 20,000 prefixes. */
  readonly maxNodes?: number;
  /** Slates drawn when enumeration is too large. Default 2,000. */
  readonly samples?: number;
}

export interface SlotMarginals {
  /** marginals[k][a] = P(a at slot k). */
  readonly marginals: Float64Array[];
  readonly exact: boolean;
}

export function slotMarginals(o: MarginalsInput): SlotMarginals {
  const slots = Math.min(o.slots, o.poolSize);
  const marginals = Array.from({ length: slots }, () => new Float64Array(o.poolSize));
  const maxNodes = o.maxNodes ?? 20_000;
  let nodes = 0;
  const prefix: number[] = [];
  const used = new Uint8Array(o.poolSize);
  const dfs = (p: number): boolean => {
    const k = prefix.length;
    if (k === slots) return true;
    for (let a = 0; a < o.poolSize; a++) {
      if (used[a]) continue;
      if (++nodes > maxNodes) return false;
      prefix.push(a);
      const pa = o.prob(prefix)[k]!;
      if (pa > 0) {
        marginals[k]![a] = marginals[k]![a]! + p * pa;
        used[a] = 1;
        const ok = dfs(p * pa);
        used[a] = 0;
        if (!ok) return false;
      }
      prefix.pop();
    }
    return true;
  };
  if (dfs(1)) return { marginals, exact: true };
  for (const m of marginals) m.fill(0);
  const samples = o.samples ?? 2000;
  for (let s = 0; s < samples; s++) {
    const shown = o.draw();
    for (let k = 0; k < Math.min(slots, shown.length); k++) marginals[k]![shown[k]!] = marginals[k]![shown[k]!]! + 1 / samples;
  }
  return { marginals, exact: false };
}
