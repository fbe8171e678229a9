/**
 * simulate --ads on a tiny generated Taobao-format log: burn-in with random selling points, MTDL
 * trained on the gateway's own exposure log and ad events, then the five-arm experiment read back
 * through experimentResults; the same seed gives the same numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../ml/random';
import { runAdsSimulation, formatAdsReport, ADS_VARIANTS, type AdsSimulationOutcome } from './ads';
import { createAdsWorld, gammaDraw, titleLift } from './ads-world';
import { behaviourOf } from './behaviour';
import { fitLog } from './fit';
import { createWorld } from './world';

const START_S = Date.UTC(2017, 10, 25, 2) / 1000; // inside the Taobao window (2017-11-25..12-03, UTC+8)

/** 16 users, 4 categories × 10 items; each user views mostly within two favourite categories. */
function generatedLog(): string {
  const rnd = mulberry32(11);
  const lines: string[] = [];
  for (let u = 1; u <= 16; u++) {
    const fav = [u % 4, (u + 1) % 4];
    for (let n = 0; n < 30; n++) {
      const c = rnd() < 0.85 ? fav[n % 2]! : Math.floor(rnd() * 4);
      const item = 1000 + c * 10 + Math.floor(rnd() * 10);
      const type = rnd() < 0.9 ? 'pv' : rnd() < 0.5 ? 'cart' : 'buy';
      lines.push(`${u},${item},${500 + c},${type},${Math.floor(START_S + n * 3 * 3600 + rnd() * 3600)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('simulate --ads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-ads-test-'));
  const file = join(dir, 'log.csv');
  writeFileSync(file, generatedLog());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (): Promise<AdsSimulationOutcome> => runAdsSimulation({ file, seed: 5, users: 16, burnInDays: 2, days: 2, slots: 3, model: { epochs: 2 } });

  it('logs a burn-in, trains and serves the model, and runs the five arms with intervals and SRM, reproducibly', async () => {
    const a = await run();
    expect(a.burnIn.requests).toBeGreaterThan(0);
    expect(a.burnIn.impressions).toBeGreaterThan(0);
    expect(a.model.modelVersion).toBe('mtl-ads/mtdl@1');
    expect(a.model.examples).toBe(a.burnIn.impressions);
    expect(a.results.variants.map((v) => v.key).sort()).toEqual(ADS_VARIANTS.map((v) => v.key).sort());
    expect(a.results.srm.observed.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
    for (const [key, t] of Object.entries(a.tallies)) {
      expect(t.mismatched).toBe(0);
      expect(t.degraded).toBe(0);
      if (t.impressions === 0) continue;
      // Each item carries 4 category + 2 own selling points: the arm's count is always shown.
      const n = key === 'sp2-np' ? 2 : Number(key.slice(2));
      expect(t.keywordsShown).toBe(n * t.impressions);
      expect(t.expectedClicks).toBeGreaterThan(0);
      // No keyword: no lift; up to 2 keywords the lift is never below 1.
      if (n === 0) expect(t.expectedClicks).toBeCloseTo(t.baseClicks, 9);
      if (n > 0 && n <= 2) expect(t.expectedClicks).toBeGreaterThanOrEqual(t.baseClicks);
      const rv = a.results.variants.find((v) => v.key === key)!;
      expect(rv.impressions).toBe(t.impressions);
    }
    // Every arm with users is compared with the control (sp0) on CTR, with an interval.
    const compared = a.results.comparisons.filter((c) => c.metric === 'CTR');
    expect(compared.length).toBeGreaterThan(0);
    for (const c of compared) {
      expect(c.control).toBe('sp0');
      expect(c.absoluteCiLower).toBeLessThanOrEqual(c.absoluteLift);
      expect(c.absoluteCiUpper).toBeGreaterThanOrEqual(c.absoluteLift);
    }
    expect(formatAdsReport(a)).toMatch(/\| sp2 \| ads\/sp2 \|/);
    const b = await run();
    expect(b.tallies).toEqual(a.tallies);
    // Everything but the wall-clock latency guardrail.
    const seeded = (r: AdsSimulationOutcome) => r.results.variants.map((v) => ({ ...v, metrics: v.metrics.filter((m) => m.metric !== 'P99_LATENCY_MS') }));
    expect(seeded(b)).toEqual(seeded(a));
    expect(b.model.examples).toBe(a.model.examples);
    expect(b.burnIn).toEqual(a.burnIn);
  }, 120_000);
});

describe('the ads world', () => {
  it('titleLift: 1 without keywords, diminishing returns in liked keywords, clutter beyond 2', () => {
    const o = { maxLift: 0.5, saturation: 0.6, clutter: 0.15 };
    expect(titleLift([], o)).toBe(1);
    expect(titleLift([0.5, 1], o)).toBe(1); // nothing above average
    expect(titleLift([3], o)).toBeCloseTo(1 + 0.5 * (1 - Math.exp(-1.2)), 12);
    expect(titleLift([3, 3], o)).toBeCloseTo(1 + 0.5 * (1 - Math.exp(-2.4)), 12);
    expect(titleLift([3, 3], o) - titleLift([3], o)).toBeLessThan(titleLift([3], o) - 1);
    expect(titleLift([3, 3, 3], o)).toBeCloseTo((1 + 0.5 * (1 - Math.exp(-3.6))) * 0.85, 12);
    expect(titleLift([3, 3, 3], o)).toBeLessThan(titleLift([3, 3], o));
  });

  it('gammaDraw has the Gamma(shape, 1) mean and variance', () => {
    for (const shape of [0.3, 2.5]) {
      const rng = mulberry32(3);
      const xs = Array.from({ length: 40_000 }, () => gammaDraw(rng, shape));
      const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
      const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
      expect(mean).toBeCloseTo(shape, 1);
      expect(Math.abs(v - shape) / shape).toBeLessThan(0.1);
    }
  });

  it('likings average 1 per user and lean toward the keywords of the categories the user shops', () => {
    const DAY = 86_400_000;
    const T = Date.UTC(2024, 0, 1);
    const events = Array.from({ length: 200 }, (_, k) => ({ userId: `u${k % 20}`, itemId: `i${k % 10}`, category: k % 20 < 10 ? 'a' : 'b', type: 'view' as const, ts: T + k * 60_000 }));
    const fit = fitLog(events, { window: { start: T, end: T + DAY } });
    const world = createWorld(fit, { seed: 1 });
    const ads = createAdsWorld(world, behaviourOf(world), 9, { tilt: 20 });
    const aKeywords = ads.sellingPointsOf('i0', 'a').slice(0, 4);
    let onA = 0;
    let offA = 0;
    for (const u of world.users) {
      const mean = ads.keywords.reduce((s, k) => s + ads.liking(u, k), 0) / ads.keywords.length;
      expect(mean).toBeCloseTo(1, 9);
      const share = aKeywords.reduce((s, k) => s + ads.liking(u, k), 0);
      if ((u.categoryCounts.get('a') ?? 0) > 0) onA += share;
      else offA += share;
    }
    expect(onA).toBeGreaterThan(2 * offA);
    expect(ads.sellingPointsOf('i0', 'a')).toEqual(ads.sellingPointsOf('i0', 'a'));
    expect(new Set(ads.sellingPointsOf('i0', 'a')).size).toBe(6);
  });
});
