/**
 * The reward of each shown slot of a decision (Contract C), once its attribution window closed:
 *
 *   r_k = γ1 · r_short,k + γ2 · v_long_norm
 *
 *   r_short,k   1 when the user purchased the slot's item within (ts, ts + windowMs], else 0; with
 *               `clickWeight` w > 0 (default 0: off), min(1, purchased + w · clicked) instead
 *               (clicked: a click on the item in the window). In-session conversion, per slot.
 *   v_long_norm DUVE's forecast of the user's value after the action (valueAfter: the line's value
 *               source read as of ts + windowMs), as log1p(max(0, valueAfter)) / log1p(valueScale),
 *               capped at 1; 0 when unknown. The same on every slot of the decision: it values the
 *               user's state after the slate, and the items differ in it only through the next
 *               decision's state (the bootstrap of the Q target).
 *
 * Events of other users, of other items, and outside the window are ignored.
 */
import type { IraDecision, IraEvent } from './types';

export interface SlotRewardOptions {
  readonly windowMs: number;
  readonly gamma1: number;
  readonly gamma2: number;
  /** v_long after the window (expected spend), or null when the source has no reading. */
  readonly valueAfter: number | null;
  /** The value at which v_long_norm reaches 1. Default 1,000. */
  readonly valueScale?: number;
  /** Weight of a click in r_short. Default 0. */
  readonly clickWeight?: number;
}

/** log1p(max(0, v)) / log1p(scale), capped at 1; 0 for null. */
export function normaliseValue(v: number | null, scale = 1000): number {
  if (v === null || !Number.isFinite(v)) return 0;
  return Math.min(1, Math.log1p(Math.max(0, v)) / Math.log1p(scale));
}

export function slotRewards(d: Pick<IraDecision, 'userId' | 'ts' | 'pool' | 'shown'>, eventsAfter: readonly IraEvent[], o: SlotRewardOptions): Float64Array {
  if (!(o.windowMs > 0)) throw new RangeError(`slotRewards: windowMs must be positive, got ${o.windowMs}`);
  const clickWeight = o.clickWeight ?? 0;
  const bought = new Set<string>();
  const clicked = new Set<string>();
  for (const e of eventsAfter) {
    if (e.userId !== d.userId || e.itemId === null || !(e.ts > d.ts && e.ts <= d.ts + o.windowMs)) continue;
    if (e.type === 'purchase') bought.add(e.itemId);
    else if (e.type === 'click') clicked.add(e.itemId);
  }
  const vNorm = normaliseValue(o.valueAfter, o.valueScale);
  const out = new Float64Array(d.shown.length);
  d.shown.forEach((idx, k) => {
    const item = d.pool[idx];
    if (item === undefined) throw new RangeError(`slotRewards: shown index ${idx} is outside the pool of ${d.pool.length}`);
    const short = Math.min(1, (bought.has(item) ? 1 : 0) + (clickWeight > 0 && clicked.has(item) ? clickWeight : 0));
    out[k] = o.gamma1 * short + o.gamma2 * vNorm;
  });
  return out;
}
