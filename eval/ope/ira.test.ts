/**
 * `eval ope` on a generated IRA decision log: behaviour = Boltzmann over the version-0 heuristic,
 * slot rewards Bernoulli(p(item)) with p known, so the target's value on the logged contexts is
 * computed exactly. Also the CLI path: the log file, a store for decisions without outcomes, the
 * printed table and the JSON report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEvalOpe } from '../../cli/eval-ope';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import { mulberry32 } from '../../ml/random';
import { openIraDecisionLog } from '../../plugins/ira/decision-log';
import { sampleSlate, slateProbability, topPool, type ExploreOptions } from '../../plugins/ira/explore';
import { IRA_DIM, iraColumn } from '../../plugins/ira/features';
import { heuristicQ } from '../../plugins/ira/heuristic';
import { iraQFunction } from '../../plugins/ira/qnet';
import type { IraDecision, LoggedIraDecision } from '../../plugins/ira/types';
import { runIraOpe } from './ira';

const POOL = 8;
const SLOTS = 3;
const LINE = 'g0.6-0.4.v2.r15';
const BEHAVIOUR: ExploreOptions = { method: 'boltzmann', temperature: 0.05, epsilon: 0 };
const T0 = 1_700_000_000_000;

/** Purchase probability of a pool item: its commercial signal, scaled. */
const pOf = (features: Float32Array, a: number): number => 0.8 * features[a * IRA_DIM + iraColumn('base.commercial')]!;

function generate(n: number, seed: number, withOutcomes = true): { decisions: LoggedIraDecision[]; bought: Array<{ userId: string; itemId: string; ts: number }> } {
  const rng = mulberry32(seed);
  const decisions: LoggedIraDecision[] = [];
  const bought: Array<{ userId: string; itemId: string; ts: number }> = [];
  for (let i = 0; i < n; i++) {
    const features = Float32Array.from({ length: POOL * IRA_DIM }, () => rng());
    const q = heuristicQ(features, POOL);
    const slate = sampleSlate(q, { ...BEHAVIOUR, slots: SLOTS, rng });
    const pool = Array.from({ length: POOL }, (_, a) => `d${i}-i${a}`);
    const userId = `u${i % 50}`;
    const ts = T0 + i * 60_000;
    const rewards = Float64Array.from(slate.shown, (a) => {
      const hit = rng() < pOf(features, a);
      if (hit) bought.push({ userId, itemId: pool[a]!, ts: ts + 1000 });
      return 0.6 * (hit ? 1 : 0);
    });
    decisions.push({
      decisionId: `d${i}`,
      userId,
      ts,
      surface: 'home',
      line: LINE,
      version: 0,
      gamma1: 0.6,
      gamma2: 0.4,
      explore: { method: 'boltzmann', temperature: BEHAVIOUR.temperature, epsilon: 0 },
      pool,
      features,
      q,
      shown: slate.shown,
      propensities: slate.propensities,
      valueBefore: null,
      rewards: withOutcomes ? rewards : null,
      valueAfter: null,
    });
  }
  return { decisions, bought };
}

/** The greedy heuristic's exact expected reward per impression on the logged contexts. */
function greedyTruth(decisions: readonly LoggedIraDecision[]): number {
  let total = 0;
  for (const d of decisions) for (const a of topPool(heuristicQ(d.features, POOL)).slice(0, SLOTS)) total += 0.6 * pOf(d.features, a);
  return total / (decisions.length * SLOTS);
}

describe('IRA OPE on a generated decision log', () => {
  it('the behaviour as target: IPS and SNIPS equal the logged value, every slot counts in the ESS', () => {
    const { decisions } = generate(400, 1);
    const r = runIraOpe({ decisions, target: iraQFunction(null), targetExplore: BEHAVIOUR, seed: 3, resamples: 100 });
    expect(r.decisions).toBe(400);
    expect(r.ips.perImpression).toBeCloseTo(r.onPolicy.perImpression, 5);
    expect(r.snips.perImpression).toBeCloseTo(r.onPolicy.perImpression, 5);
    expect(r.ess.pooled).toBeCloseTo(400 * SLOTS, 0);
  });

  it('a greedy target: SNIPS and DR recover its exact value on the logged contexts; IPS is within its interval', () => {
    const { decisions } = generate(3000, 2);
    const truth = greedyTruth(decisions);
    const r = runIraOpe({ decisions, target: iraQFunction(null), targetExplore: { method: 'greedy', temperature: 1, epsilon: 0 }, seed: 4, resamples: 200 });
    expect(r.marginalsExactShare).toBe(1);
    for (const e of [r.ips, r.snips, r.dr]) {
      expect(e.low).toBeLessThan(truth);
      expect(e.high).toBeGreaterThan(truth);
    }
    expect(Math.abs(r.dr.perImpression - truth) / truth).toBeLessThan(0.1);
    // The greedy policy is better than the exploring behaviour, and the estimate says so.
    expect(truth).toBeGreaterThan(r.onPolicy.perImpression);
    expect(r.dr.perImpression).toBeGreaterThan(r.onPolicy.high);
    expect(r.ess.pooled).toBeLessThan(3000 * SLOTS);
  });

  it('clipping counts the clipped weights; too few usable decisions is an error', () => {
    const { decisions } = generate(300, 5);
    const r = runIraOpe({ decisions, target: iraQFunction(null), targetExplore: { method: 'greedy', temperature: 1, epsilon: 0 }, seed: 4, resamples: 50, clip: 2 });
    expect(r.clippedShare).toBeGreaterThan(0);
    expect(r.ess.pooled).toBeGreaterThan(runIraOpe({ decisions, target: iraQFunction(null), targetExplore: { method: 'greedy', temperature: 1, epsilon: 0 }, seed: 4, resamples: 50 }).ess.pooled);
    expect(() => runIraOpe({ decisions: decisions.slice(0, 1), target: iraQFunction(null), targetExplore: BEHAVIOUR, seed: 1 })).toThrow(/usable decisions/);
  });
});

describe('eval ope (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-ope-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the log, takes rewards from the store for open decisions, prints the table and writes the JSON report', async () => {
    const dbPath = join(dir, 'ira.db');
    const { decisions, bought } = generate(200, 9, false);
    const log = openIraDecisionLog(dbPath);
    const closed = generate(200, 10).decisions.map((d) => ({ ...d, decisionId: `c-${d.decisionId}`, ts: d.ts + 1e9 }));
    for (const d of [...decisions, ...closed]) {
      const { rewards: _r, valueAfter: _v, ...plain } = d;
      log.append(plain as IraDecision);
      if (d.rewards) log.setOutcome(d.decisionId, d.rewards, null);
    }
    log.close();
    const storePath = join(dir, 'store.db');
    const store = await createEmbeddedGraphStore({ path: storePath, synchronous: 'NORMAL' });
    await store.upsertItems([...new Set(bought.map((b) => b.itemId))].map((id) => ({ id, title: id, categories: ['c'], brand: null, price: 5, available: true, createdAt: T0 })));
    await store.ingestEvents(
      bought.map((b, k) => ({ eventId: `p${k}`, userId: b.userId, type: 'purchase' as const, itemId: b.itemId, ts: b.ts, value: 5, dwellMs: null, session: null, referrer: null, query: null })),
    );
    await store.close();

    let printed = '';
    const file = await runEvalOpe(
      {
        iraDb: dbPath,
        line: LINE,
        targetVersion: 0,
        targetExplore: 'greedy',
        temperature: 0.1,
        storeDb: storePath,
        windowHours: 1,
        weighting: 'prefix',
        resamples: 100,
        seed: 42,
        out: join(dir, 'reports'),
        progress: false,
      },
      (s) => void (printed += s),
    );
    expect(printed).toMatch(/ope\/ira line g0\.6-0\.4\.v2\.r15: target v0 greedy on 400 decisions \(0 skipped/);
    expect(printed).toMatch(/logged\s+\d\.\d{5} \[/);
    expect(printed).toMatch(/DR\s+\d\.\d{5} \[/);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report).toMatchObject({ protocol: 'ope/ira', line: LINE, decisions: 400, rewardsFromEvents: 200, target: { version: 0 } });
    // Rewards rebuilt from the store's purchases equal the ones the generator drew: the logged value matches.
    const truthLogged = generate(200, 9).decisions;
    const logged = truthLogged.reduce((a, d) => a + Array.from(d.rewards!).reduce((x, y) => x + y, 0), 0);
    const closedSum = closed.reduce((a, d) => a + Array.from(d.rewards!).reduce((x, y) => x + y, 0), 0);
    expect(report.onPolicy.perSlate).toBeCloseTo((logged + closedSum) / 400, 10);
    await expect(
      runEvalOpe(
        {
          iraDb: dbPath,
          line: 'nope',
          targetVersion: 0,
          targetExplore: 'greedy',
          temperature: 0.1,
          windowHours: 1,
          weighting: 'prefix',
          resamples: 10,
          seed: 1,
          out: join(dir, 'reports'),
          progress: false,
        },
        () => {},
      ),
    ).rejects.toThrow(/no decisions of line "nope"/);
  });

  it('slateProbability of the logged slate reproduces the logged propensities (the log keeps what OPE needs)', () => {
    const { decisions } = generate(20, 11);
    for (const d of decisions) expect(Array.from(slateProbability(d.q, d.shown, BEHAVIOUR))).toEqual(d.propensities.map((p) => expect.closeTo(p, 9)));
  });
});
