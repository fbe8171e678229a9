/**
 * The closed-loop simulator end to end on the committed Taobao fixture (test/fixtures/taobao: the
 * complete histories of the first 91 users of the head file, 9,603 lines): warm-up store, DUVE
 * trained on it, the real gateway on a free port with a simulated clock, an experiment over
 * GraphQL, 30 users for 3 days, results read over GraphQL. Twice with the same seed (identical
 * reports), once with another seed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assignVariant } from '../../experiments/assignment';
import { buildReport, formatReport, writeReport, type SimulationReport } from '../../sim/report';
import { DEFAULT_VARIANTS, runSimulation, type SimulationOptions, type SimulationOutcome } from '../../sim/run';

const FILE = join(__dirname, '..', 'fixtures', 'taobao', 'UserBehavior_head_91users.csv');
const OPTS: SimulationOptions = {
  file: FILE,
  maxLines: 10_000,
  seed: 7,
  days: 3,
  users: 30,
  strategiesDir: join(__dirname, '..', '..', 'strategies'),
  duveIterations: 50,
};

const deterministic = (r: SimulationReport): Omit<SimulationReport, 'timing'> => {
  const { timing: _timing, ...rest } = r;
  return rest;
};

let first: SimulationOutcome;
let second: SimulationOutcome;
let out: string;

beforeAll(async () => {
  if (!existsSync(FILE)) throw new Error(`the Taobao fixture is missing at ${FILE}`);
  out = mkdtempSync(join(tmpdir(), 'sim-report-'));
  first = await runSimulation(OPTS);
  second = await runSimulation(OPTS);
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('cli simulate, end to end through the gateway', () => {
  it('serves every session through the experiment and logs its exposure', () => {
    const r = first.results;
    expect(r.control).toBe('control');
    expect(r.variants.map((v) => v.key)).toEqual(DEFAULT_VARIANTS.map((v) => v.key));
    expect(first.totals.feeds).toBe(first.totals.sessions);
    expect(first.totals.feeds).toBeGreaterThan(50);
    expect(r.variants.reduce((a, v) => a + v.exposures, 0)).toBe(first.totals.feeds);
    expect(r.variants.reduce((a, v) => a + v.impressions, 0)).toBe(first.totals.impressions);
    for (const v of r.variants) {
      const t = first.tallies[v.key]!;
      expect(v.exposures).toBe(t.sessions);
      expect(t.mismatched).toBe(0);
      expect(t.degraded).toBe(0);
    }
    expect(r.daily.length).toBeGreaterThanOrEqual(3);
  });

  it('has SRM counts that add up to the simulated users who were served, as the hash assigns them', () => {
    const srm = first.results.srm;
    expect(srm.observed.reduce((a, b) => a + b, 0)).toBe(first.servedUsers.length);
    expect(first.servedUsers.length).toBeGreaterThan(20);
    const want = DEFAULT_VARIANTS.map((v) => first.servedUsers.filter((u) => assignVariant(`sim-${OPTS.seed}`, u, DEFAULT_VARIANTS).key === v.key).length);
    expect(srm.observed).toEqual(want);
    expect(first.results.variants.map((v) => v.users)).toEqual(want);
  });

  it('attributes exactly the clicks, carts and purchases the simulated users made', () => {
    expect(first.totals.events.click ?? 0).toBeGreaterThan(0);
    for (const v of first.results.variants) {
      const t = first.tallies[v.key]!;
      const m = (name: string) => v.metrics.find((x) => x.metric === name)!;
      expect(m('CTR').numerator).toBe(t.clicks);
      expect(m('CTR').denominator).toBe(t.impressions);
      expect(m('ADD_TO_CART_RATE').numerator).toBe(t.carts);
      expect(m('AOV').denominator).toBe(t.purchases);
      expect(m('AOV').numerator ?? 0).toBeCloseTo(t.gmv, 6);
    }
    expect(first.results.comparisons.length).toBeGreaterThan(0);
    for (const c of first.results.comparisons) expect(c.holmPValue).toBeGreaterThanOrEqual(c.pValue);
  });

  it('gives identical reports for the same seed, and a different one for another seed', async () => {
    const a = buildReport(first);
    const b = buildReport(second);
    expect(JSON.stringify(deterministic(b))).toBe(JSON.stringify(deterministic(a)));
    expect(b.timing.experimentId).not.toBe(a.timing.experimentId); // two real experiments, not one cached run
    const other = await runSimulation({ ...OPTS, seed: 8 });
    expect(JSON.stringify(deterministic(buildReport(other)))).not.toBe(JSON.stringify(deterministic(a)));
  }, 120_000);

  it('writes the JSON report and prints the tables', () => {
    const report = buildReport(first);
    const file = writeReport(report, out);
    expect(file).toBe(join(out, 'simulate-7.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report.results.variants.every((v) => v.metrics.every((m) => m.metric !== 'P99_LATENCY_MS'))).toBe(true);
    const text = formatReport(report);
    for (const v of DEFAULT_VARIANTS) expect(text).toContain(v.key);
    expect(text).toMatch(/SRM: observed \[\d+, \d+, \d+\]/);
    expect(text).toContain('GMV_PER_IMPRESSION');
  });
});
