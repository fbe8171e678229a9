/**
 * Generated event logs for the value/rolling tests (no real data): users with their own activity
 * rate and buying propensity over six days, items in five categories. Seeded (mulberry32).
 */
import { mulberry32 } from '../../ml/random';
import type { RollingEvent } from './value-rolling';

const DAY = 24 * 3600 * 1000;
export const ROLLING_FIXTURE_START = Date.UTC(2020, 0, 6);
export const ROLLING_FIXTURE_WINDOW = { start: ROLLING_FIXTURE_START, end: ROLLING_FIXTURE_START + 6 * DAY } as const;

/** Views, carts and purchases of `users` users over the fixture window. */
export function generateRollingEvents(seed: number, users = 40): RollingEvent[] {
  const rng = mulberry32(seed);
  const out: RollingEvent[] = [];
  for (let u = 0; u < users; u++) {
    const rate = 0.5 + rng() * 4; // sessions per day
    const buy = rng() * 0.5;
    for (let t = ROLLING_FIXTURE_START + rng() * DAY; t < ROLLING_FIXTURE_WINDOW.end; t += (DAY / rate) * (0.2 + rng() * 1.6)) {
      const item = `i${Math.floor(rng() * 30)}`;
      const cat = `c${Number(item.slice(1)) % 5}`;
      out.push({ userId: `u${u}`, type: 'view', itemId: item, ts: Math.floor(t), value: 0, categoryId: cat });
      if (rng() < 0.3) out.push({ userId: `u${u}`, type: 'add_to_cart', itemId: item, ts: Math.floor(t) + 60_000, value: 0, categoryId: cat });
      if (rng() < buy) out.push({ userId: `u${u}`, type: 'purchase', itemId: item, ts: Math.floor(t) + 120_000, value: 0, categoryId: cat });
    }
  }
  return out;
}
