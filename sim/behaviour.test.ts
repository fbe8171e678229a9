import { behaviourOf, clickProbability, positionBias, purchaseProbability, reactToFeed, type SimEvent } from './behaviour';
import { fitLog, type LogEvent } from './fit';
import { stream } from './rng';
import { createWorld, type World } from './world';

const HOUR = 3600 * 1000;
const START = Date.UTC(2020, 0, 1) - 8 * HOUR;

/**
 * A catalogue of 10 look-alike items in category `c` (2 views each, by `other`), 1 item `fav` the
 * user `u` viewed 20 times (then carted and bought), and 10 items in category `far` nobody but
 * `other` touched; `other` carts c0 and buys c5 without a cart.
 */
function tinyWorld(seed = 1): World {
  const log: LogEvent[] = [];
  let t = START;
  const ev = (userId: string, itemId: string, category: string, type: LogEvent['type'] = 'view'): void => {
    log.push({ userId, itemId, category, type, ts: (t += 60_000) });
  };
  for (let k = 0; k < 10; k++) for (let r = 0; r < 2; r++) ev('other', `c${k}`, 'c');
  for (let k = 0; k < 10; k++) ev('other', `far${k}`, 'far');
  for (let r = 0; r < 20; r++) ev('u', 'fav', 'c');
  ev('u', 'fav', 'c', 'add_to_cart');
  ev('u', 'fav', 'c', 'purchase');
  ev('other', 'c0', 'c', 'add_to_cart');
  ev('other', 'c5', 'c', 'purchase');
  return createWorld(fitLog(log, { window: { start: START, end: START + 48 * HOUR } }), { seed });
}

describe('click model', () => {
  const world = tinyWorld();
  const b = behaviourOf(world);

  it('examines lower positions less (1 / log2(1 + k))', () => {
    expect(positionBias(1)).toBe(1);
    expect(positionBias(3)).toBeCloseTo(0.5, 12);
    for (let k = 1; k < 20; k++) expect(positionBias(k + 1)).toBeLessThan(positionBias(k));
  });

  it('clicks more on items the user wants, between base and max at position 1', () => {
    const u = world.users.find((x) => x.id === 'u')!;
    const fav = world.intent(u, 'fav');
    const near = world.intent(u, 'c3');
    const far = world.intent(u, 'far3');
    expect(fav).toBeGreaterThan(near);
    expect(near).toBeGreaterThan(far);
    expect(world.intent(u, 'not-in-catalogue')).toBe(0);
    expect(clickProbability(b, 1, fav)).toBeGreaterThan(clickProbability(b, 1, near));
    expect(clickProbability(b, 1, near)).toBeGreaterThan(clickProbability(b, 1, far));
    expect(clickProbability(b, 1, 0)).toBeCloseTo(b.baseCtr, 12);
    expect(clickProbability(b, 1, 1e9)).toBeCloseTo(b.maxCtr, 6);
    expect(clickProbability(b, 1, b.appealScale)).toBeCloseTo((b.baseCtr + b.maxCtr) / 2, 12);
  });

  it('over many seeded sessions, the click rate falls with position as the model says', () => {
    const u = world.users.find((x) => x.id === 'u')!;
    const shown = Array.from({ length: 10 }, (_, k) => `c${k}`); // same category, same views: equal intent
    const intents = shown.map((i) => world.intent(u, i));
    expect(new Set(intents.map((x) => x.toFixed(15))).size).toBe(1);
    const n = 20_000;
    const clicks = new Array<number>(10).fill(0);
    for (let s = 0; s < n; s++) {
      for (const e of reactToFeed(world, b, u, shown, START, stream(7, 'session', s))) if (e.type === 'click') clicks[e.rank - 1]!++;
    }
    for (let k = 0; k < 10; k++) {
      const p = clickProbability(b, k + 1, intents[k]!);
      const se = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(clicks[k]! / n - p)).toBeLessThan(4 * se);
    }
    // bias(5) = 0.387, bias(10) = 0.289 of position 1's rate
    expect(clicks[4]! / clicks[0]!).toBeLessThan(0.45);
    expect(clicks[9]! / clicks[0]!).toBeLessThan(0.35);
  });
});

describe('reactToFeed', () => {
  const world = tinyWorld();
  const b = behaviourOf(world, { maxCtr: 0.9, baseCtr: 0.5 });
  const u = world.users.find((x) => x.id === 'u')!;
  const shown = ['fav', 'c1', 'c2', 'far1', 'c3'];
  const sessions: SimEvent[][] = Array.from({ length: 3000 }, (_, s) => reactToFeed(world, b, u, shown, START, stream(3, s)));

  it('only acts on shown items, and never carts, favs or buys an item it did not click first', () => {
    let purchases = 0;
    for (const events of sessions) {
      const clicked = new Set<string>();
      for (const e of events) {
        expect(shown).toContain(e.itemId);
        expect(shown[e.rank - 1]).toBe(e.itemId);
        if (e.type === 'click') clicked.add(e.itemId);
        else expect(clicked.has(e.itemId)).toBe(true);
        if (e.type === 'purchase') purchases++;
      }
    }
    expect(purchases).toBeGreaterThan(0); // the check above ran on purchases
  });

  it('emits a click and the page view it opens, with increasing timestamps after the feed', () => {
    for (const events of sessions) {
      for (let i = 0; i < events.length; i++) {
        expect(events[i]!.ts).toBeGreaterThan(i === 0 ? START : events[i - 1]!.ts);
        if (events[i]!.type === 'click') expect(events[i + 1]).toMatchObject({ type: 'view', itemId: events[i]!.itemId });
      }
    }
  });

  it("values a purchase at the item's synthetic price, and nothing else", () => {
    for (const events of sessions) for (const e of events) expect(e.value).toBe(e.type === 'purchase' ? world.priceOf(e.itemId) : 0);
  });

  it('is a function of the random stream', () => {
    expect(reactToFeed(world, b, u, shown, START, stream(3, 11))).toEqual(sessions[11]);
    expect(sessions.some((s, i) => i > 0 && JSON.stringify(s) !== JSON.stringify(sessions[0]))).toBe(true);
  });
});

describe('purchase model', () => {
  const world = tinyWorld();
  const b = behaviourOf(world, { priceElasticity: 1 });

  it('uses the fitted rates: higher after a cart, scaled by the user lift, lower for dearer items', () => {
    const f = b.funnel;
    expect(purchaseProbability(b, { buyLift: 1 }, true, 10, 10)).toBeCloseTo(Math.min(0.95, f.pBuyGivenCart), 12);
    expect(purchaseProbability(b, { buyLift: 1 }, false, 10, 10)).toBeCloseTo(f.pBuyGivenNoCart, 12);
    expect(purchaseProbability(b, { buyLift: 2 }, false, 10, 10)).toBeCloseTo(2 * f.pBuyGivenNoCart, 12);
    expect(purchaseProbability(b, { buyLift: 1 }, false, 20, 10)).toBeCloseTo(f.pBuyGivenNoCart / 2, 12);
    expect(purchaseProbability(b, { buyLift: 1 }, false, 1000, 10)).toBeCloseTo(f.pBuyGivenNoCart / 4, 12); // clamped
  });

  it('rejects impossible parameters', () => {
    expect(() => behaviourOf(world, { baseCtr: 0.5, maxCtr: 0.2 })).toThrow(RangeError);
    expect(() => behaviourOf(world, { priceElasticity: -1 })).toThrow(RangeError);
  });
});

describe('reaction modifiers (simulate --headline)', () => {
  const world = tinyWorld();
  const b = behaviourOf(world, { baseCtr: 0.3, maxCtr: 0.9 });
  const u = world.users.find((x) => x.id === 'u')!;
  const shown = ['fav', 'c1', 'c2', 'c3', 'far1', 'far2', 'c4', 'c5'];

  it('changes nothing with neutral modifiers (same draws, same events)', () => {
    for (let s = 0; s < 20; s++) {
      const plain = reactToFeed(world, b, u, shown, START, stream(s, 'r'));
      const neutral = reactToFeed(world, b, u, shown, START, stream(s, 'r'), { clickFactor: () => 1, buyFactor: 1, priceReference: 1 });
      expect(neutral).toEqual(plain);
    }
  });

  it('clicks nothing at fatigue 0, and scales the purchase probability by the spend level and budget', () => {
    for (let s = 0; s < 20; s++) expect(reactToFeed(world, b, u, shown, START, stream(s, 'r'), { clickFactor: () => 0 })).toEqual([]);
    const p = purchaseProbability(b, { buyLift: 1 }, false, 50, 50);
    expect(purchaseProbability(b, { buyLift: 1 }, false, 50, 50, 2)).toBeCloseTo(Math.min(0.95, 2 * p), 12);
    // a budget twice the median prices the item like half the price: (1/2)^−η
    expect(purchaseProbability(b, { buyLift: 1 }, false, 50, 50, 1, 2)).toBeCloseTo(p * 0.5 ** -b.priceElasticity, 12);
  });
});
