/**
 * Synthetic event histories with a known decay structure, for tests of DUVE: purchases are driven
 * by recent views (short memory) and by cart additions (long memory). Hour by hour, each user is
 * on an active or a quiet day; views and carts arrive as Poisson counts; the purchase hazard is
 *
 *   P(purchase in the hour) = σ(β0 + βv · ln(1 + Cv) + βc · ln(1 + Cc))
 *
 * where Cv, Cc are the user's view and cart counts decayed with half-lives `viewHalfLifeHours`
 * and `cartHalfLifeDays`. Seeded (mulberry32): the same options give the same histories.
 */
import { mulberry32 } from '../random';
import type { DuveHistory } from './examples';
import type { DuveEvent } from './state';

const { exp, log, log1p } = Math;
const HOUR_MS = 3600 * 1000;

export interface SyntheticDuveOptions {
  /** Users. Default 300. */
  readonly users?: number;
  /** Days simulated. Default 30. */
  readonly days?: number;
  /** Start (ms). Default 2020-01-01T00:00Z. */
  readonly start?: number;
  /** Half-life of the views' effect on purchases, hours. Default 3. */
  readonly viewHalfLifeHours?: number;
  /** Half-life of the carts' effect on purchases, days. Default 10. */
  readonly cartHalfLifeDays?: number;
  /** Hazard coefficients [β0, βv, βc]. Default [-7, 1.5, 2.5]. */
  readonly beta?: readonly [number, number, number];
  /** Items drawn from per event. Default 500. */
  readonly items?: number;
  /** Seed. Default 1. */
  readonly seed?: number;
}

function poisson(rate: number, rng: () => number): number {
  const l = exp(-rate);
  let k = 0;
  let p = rng();
  while (p > l) {
    k += 1;
    p *= rng();
  }
  return k;
}

export function syntheticDuveHistories(o: SyntheticDuveOptions = {}): DuveHistory[] {
  const users = o.users ?? 300;
  const days = o.days ?? 30;
  const start = o.start ?? Date.UTC(2020, 0, 1);
  const [b0, bv, bc] = o.beta ?? [-7, 1.5, 2.5];
  const items = o.items ?? 500;
  const rng = mulberry32(o.seed ?? 1);
  const fv = 0.5 ** (1 / (o.viewHalfLifeHours ?? 3));
  const fc = 0.5 ** (1 / (24 * (o.cartHalfLifeDays ?? 10)));
  const out: DuveHistory[] = [];
  for (let u = 0; u < users; u++) {
    const activity = exp(0.8 * (rng() - 0.5) * 2);
    const cartiness = exp(1.2 * (rng() - 0.5) * 2);
    const events: DuveEvent[] = [];
    let cv = 0;
    let cc = 0;
    let active = false;
    for (let hr = 0; hr < days * 24; hr++) {
      if (hr % 24 === 0) active = rng() < 0.3;
      cv *= fv;
      cc *= fc;
      const at = (): number => start + hr * HOUR_MS + Math.floor(rng() * HOUR_MS);
      const item = (): string => `syn:item:${Math.floor(rng() * items)}`;
      const views = poisson(activity * (active ? 1.5 : 0.05), rng);
      for (let i = 0; i < views; i++) events.push({ type: 'view', itemId: item(), ts: at(), value: 0 });
      const carts = poisson(cartiness * (active ? 0.06 : 0.004), rng);
      for (let i = 0; i < carts; i++) events.push({ type: 'add_to_cart', itemId: item(), ts: at(), value: 0 });
      // Events of this hour count from the next hour on (they happen inside it).
      const z = b0 + bv * log1p(cv) + bc * log1p(cc);
      if (rng() < 1 / (1 + exp(-z))) events.push({ type: 'purchase', itemId: item(), ts: at(), value: Math.round(10 + 90 * rng()) });
      cv += views;
      cc += carts;
    }
    out.push({ userId: `syn:user:${u}`, events });
  }
  return out;
}

/** Mean log loss of probabilities against 0/1 labels (clipped to [1e-12, 1 − 1e-12]). */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p[i]!));
    s -= y[i]! ? log(q) : log(1 - q);
  }
  return s / Math.max(1, p.length);
}
