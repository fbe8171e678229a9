import type { Interaction } from '../../domain/events';
import type { GraphStore, UserProfile } from '../../graph/port';
import { mulberry32 } from '../../ml/random';
import { createBgNbdGammaGammaValueModel, summarisePurchases } from './value-bgnbd';
import type { CalibrationCustomer, ValueContext } from './value-models';

const DAY = 24 * 3600 * 1000;
const JAN1 = Date.UTC(1997, 0, 1);
const purchase = (day: number, value: number, hour = 0): Interaction => ({ itemId: 'cdnow:cds', type: 'purchase', ts: JAN1 + day * DAY + hour * 3600 * 1000, value });

describe('summarisePurchases', () => {
  it('reproduces CDNOW customer 1 of the published summary (x=2, t_x=30.43, T=38.86, z̄=22.35)', () => {
    // CDNOW_sample customer 4 (summary id 1): 1997-01-01 $29.33, 01-18 $29.73, 08-02 $14.96; observed to 09-30
    const s = summarisePurchases([purchase(213, 14.96), purchase(17, 29.73), purchase(0, 29.33)], Date.UTC(1997, 8, 30))!;
    expect(s.x).toBe(2);
    expect(s.tx).toBeCloseTo(213 / 7, 12);
    expect(s.T).toBeCloseTo(272 / 7, 12);
    expect(s.zbar).toBeCloseTo((29.73 + 14.96) / 2, 12);
  });

  it('merges purchases of one UTC day into one transaction and ignores the time of day', () => {
    const s = summarisePurchases([purchase(0, 5, 9), purchase(0, 7, 18), purchase(7, 10, 23), purchase(7, 2, 1)], JAN1 + 13 * DAY + 5000)!;
    expect(s).toEqual({ x: 1, tx: 1, T: 13 / 7, zbar: 12 });
  });

  it('gives x = 0, t_x = 0, z̄ = 0 for a one-time buyer, null for none, and refuses the future', () => {
    expect(summarisePurchases([purchase(3, 9)], JAN1 + 10 * DAY)).toEqual({ x: 0, tx: 0, T: 1, zbar: 0 });
    expect(summarisePurchases([], JAN1)).toBeNull();
    expect(() => summarisePurchases([purchase(11, 1)], JAN1 + 10 * DAY)).toThrow(RangeError);
  });
});

describe('createBgNbdGammaGammaValueModel', () => {
  // Synthetic cohort: first purchase in weeks 0..11, then Poisson-ish repeat days until a random dropout.
  const rnd = mulberry32(5);
  const histories = new Map<string, Interaction[]>();
  for (let i = 0; i < 400; i++) {
    const first = Math.floor(rnd() * 84);
    const rate = rnd() < 0.5 ? 0.02 : 0.1 * rnd();
    const stop = first + Math.floor(rnd() * 400);
    const spend = 10 + 40 * rnd();
    const h: Interaction[] = [purchase(first, spend)];
    for (let d = first + 1; d < Math.min(stop, 273); d++) if (rnd() < rate) h.push(purchase(d, spend * (0.5 + rnd())));
    histories.set(`cdnow:${i}`, h.reverse());
  }
  // twins: the same frequency, one recent, one silent for months
  histories.set('cdnow:recent', [purchase(270, 20), purchase(250, 20), purchase(230, 20), purchase(10, 20)]);
  histories.set('cdnow:silent', [purchase(50, 20), purchase(30, 20), purchase(20, 20), purchase(10, 20)]);
  histories.set('cdnow:twin-a', [purchase(5, 15)]);
  histories.set('cdnow:twin-b', [purchase(5, 99)]);

  const store = {
    userProfile: async (userId: string, limit: number): Promise<UserProfile> => ({ known: true, user: null, history: (histories.get(userId) ?? []).slice(0, limit), purchased: new Set() }),
  } as unknown as GraphStore;
  const customers: CalibrationCustomer[] = [...histories.entries()].map(([userId, h]) => ({ userId, transactions: h.length, spend: h.reduce((s, e) => s + e.value, 0) }));
  const calEnd = JAN1 + 273 * DAY;
  const ctx: ValueContext = {
    store,
    customers,
    calibration: { start: JAN1, end: calEnd, weeks: 39 },
    holdout: { start: calEnd, end: calEnd + 273 * DAY, weeks: 39 },
    itemId: 'cdnow:cds',
    seed: 1,
  };
  const at = (id: string): number => customers.findIndex((c) => c.userId === id);

  it('predicts finite, non-negative values for every customer and records both fits', async () => {
    const p = await createBgNbdGammaGammaValueModel().predict(ctx);
    expect(p.transactions).toHaveLength(customers.length);
    expect(p.spend).toHaveLength(customers.length);
    for (let i = 0; i < customers.length; i++) {
      expect(Number.isFinite(p.transactions[i]!) && p.transactions[i]! > 0).toBe(true);
      expect(Number.isFinite(p.spend[i]!) && p.spend[i]! > 0).toBe(true);
    }
    const fitted = p.fitted as { bgnbd: { customers: number; converged: boolean }; gammaGamma: { customers: number; populationMeanValue: number }; lastCalibrationDay: string };
    expect(fitted.bgnbd.customers).toBe(customers.length);
    expect(fitted.bgnbd.converged).toBe(true);
    expect(fitted.gammaGamma.customers).toBe(customers.filter((c) => c.transactions > 1).length);
    expect(fitted.lastCalibrationDay).toBe('1997-09-30');
    // one-time buyers: spend = transactions × the population mean, whatever they spent
    for (const id of ['cdnow:twin-a', 'cdnow:twin-b']) expect(p.spend[at(id)]! / p.transactions[at(id)]!).toBeCloseTo(fitted.gammaGamma.populationMeanValue, 3);
    expect(p.spend[at('cdnow:twin-a')]).toBe(p.spend[at('cdnow:twin-b')]);
    // the recent buyer is more likely alive than the one silent since day 50
    expect(p.transactions[at('cdnow:recent')]!).toBeGreaterThan(3 * p.transactions[at('cdnow:silent')]!);
  });

  it('refuses a history the store truncated at historyLimit', async () => {
    await expect(createBgNbdGammaGammaValueModel({ historyLimit: 3 }).predict(ctx)).rejects.toThrow(/historyLimit/);
  });
});
