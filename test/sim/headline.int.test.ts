/**
 * `simulate --headline` end to end on the committed Taobao fixture (91 users): personas beyond the
 * log's users, returning users with churn, fatigue and spend, a burn-in experiment, then the
 * headline experiment through the real gateway; twice with the same seed (identical reports but for
 * timing), once with another seed. Without the IRA lines (policy null): baseline vs duve-only; then
 * with them (DUVE v2, IRA burn-in, pre-training, online learning, follow-up, OPE), twice.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHeadline, type HeadlineOptions, type HeadlineOutcome } from '../../sim/headline';
import { buildHeadlineReport, formatHeadline, writeHeadlineReport, type HeadlineReport } from '../../sim/headline-report';
import { simIraPolicy } from '../../sim/ira';

const FILE = join(__dirname, '..', 'fixtures', 'taobao', 'UserBehavior_head_91users.csv');
const OPTS: HeadlineOptions = {
  file: FILE,
  seed: 11,
  days: 3,
  burnInDays: 1,
  captureDays: 2,
  users: 120,
  strategiesDir: join(__dirname, '..', '..', 'strategies'),
  duveIterations: 30,
  policy: null,
};

const deterministic = (r: HeadlineReport): Omit<HeadlineReport, 'timing'> => {
  const { timing: _timing, ...rest } = r;
  return rest;
};

let first: HeadlineOutcome;
let second: HeadlineOutcome;
let out: string;

beforeAll(async () => {
  if (!existsSync(FILE)) throw new Error(`the Taobao fixture is missing at ${FILE}`);
  out = mkdtempSync(join(tmpdir(), 'sim-headline-'));
  first = await runHeadline(OPTS);
  second = await runHeadline(OPTS);
}, 300_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('simulate --headline, end to end through the gateway', () => {
  it('resamples personas beyond the log users and serves every arm its strategy', () => {
    expect(first.world.users).toBe(120);
    expect(first.world.personas).toBe(120 - first.world.logUsers);
    expect(first.world.logUsers).toBeLessThanOrEqual(91);
    expect(first.results.variants.map((v) => v.key)).toEqual(['baseline', 'duve-only']);
    for (const a of first.arms) {
      expect(a.mismatched).toBe(0);
      expect(a.degraded).toBe(0);
      expect(a.sessions).toBeGreaterThan(0);
    }
    expect(first.burnIn.feeds).toBeGreaterThan(0);
    expect(first.calibration).not.toBeNull();
    expect(first.totals.feeds).toBe(first.burnIn.feeds + first.arms.reduce((s, a) => s + a.sessions, 0));
  });

  it('counts the arms as the experiment does and assigns every user by the hash (intent to treat)', () => {
    for (const v of first.results.variants) {
      const a = first.arms.find((x) => x.key === v.key)!;
      expect(v.exposures).toBe(a.sessions);
      expect(v.impressions).toBe(a.impressions);
      expect(v.users).toBe(a.served);
      expect(v.metrics.find((m) => m.metric === 'CTR')!.numerator).toBe(a.clicks);
    }
    expect(first.arms.reduce((s, a) => s + a.assigned, 0)).toBe(120);
    const hv = first.arms.reduce((s, a) => s + a.highValue.users, 0);
    expect(hv).toBe(12); // the top decile of 120 (no ties in a continuous latent value)
  });

  it('gives identical reports for the same seed, and a different one for another seed', async () => {
    const a = buildHeadlineReport(first);
    const b = buildHeadlineReport(second);
    expect(JSON.stringify(deterministic(b))).toBe(JSON.stringify(deterministic(a)));
    expect(b.timing.experimentId).not.toBe(a.timing.experimentId);
    const other = await runHeadline({ ...OPTS, seed: 12 });
    expect(JSON.stringify(deterministic(buildHeadlineReport(other)))).not.toBe(JSON.stringify(deterministic(a)));
  }, 200_000);

  it('writes the JSON report and prints the study-shaped table titled as a simulation', () => {
    const report = buildHeadlineReport(first);
    const file = writeHeadlineReport(report, out);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const text = formatHeadline(report);
    expect(text).toMatch(/^=== SIMULATION/);
    expect(text).toContain('high-value capture (truth)');
    expect(text).toContain('30-day retention (truth: visits)');
    expect(text).toMatch(/SRM: observed \[\d+, \d+\]/);
  });
});

describe('simulate --headline with the IRA lines', () => {
  const IRA: HeadlineOptions = {
    ...OPTS,
    users: 60,
    days: 2,
    captureDays: 1,
    split: '34/33/33',
    ablations: true,
    policy: simIraPolicy({ duveIterations: 20, pretrainUpdates: 30, followUpDays: 2, learnEveryMinutes: 360, opeLogDays: 2 }),
  };
  let a: HeadlineOutcome;
  let b: HeadlineOutcome;
  beforeAll(async () => {
    a = await runHeadline(IRA);
    b = await runHeadline(IRA);
  }, 600_000);

  it('serves the six arms through their strategies, the IRA ones as policies that learned online', () => {
    expect(a.results.variants.map((v) => v.key)).toEqual(['baseline', 'duve-only', 'full', 'short-term', 'no-decay', 'hourly']);
    for (const arm of a.arms) {
      expect(arm.mismatched).toBe(0);
      expect(arm.degraded).toBe(0);
    }
    expect(a.warmUp.duvePurchaseServes === 'v1' || a.warmUp.duvePurchaseServes === 'v2').toBe(true);
    const p = a.policy as { pretrain: Array<{ line: string; version: number }>; status: { lines: Array<{ line: string; version: number; decisions: number }> }; ope: Record<string, unknown> | null };
    expect(p.pretrain.map((l) => l.line).sort()).toEqual(['full', 'hourly', 'no-decay', 'short-term']);
    const full = p.status.lines.find((l) => l.line === 'full')!;
    expect(full.version).toBeGreaterThanOrEqual(1);
    expect(full.decisions).toBeGreaterThan(0);
    expect(p.ope).not.toBeNull();
    expect(Object.keys(p.ope!)).toEqual(expect.arrayContaining(['ips', 'snips', 'dr', 'onPolicy', 'target']));
  });

  it('is reproducible: the same seed gives the same report but for timing', () => {
    expect(JSON.stringify(deterministic(buildHeadlineReport(b)))).toBe(JSON.stringify(deterministic(buildHeadlineReport(a))));
    expect(formatHeadline(buildHeadlineReport(a))).toMatch(/OPE vs truth/);
  });
});
