/**
 * The `ira/policy` scorer on the version-0 heuristic served through onnxruntime-node: the SDK
 * conformance suite, the ranking and its propensities, the recorded decision, the frozen line,
 * settings errors naming the field, and degradation (no session, a bad or slow model).
 */
import { ErrorCode } from '../../errors/codes';
import { loadOnnxModelBytes } from '../../ml/onnx/session';
import { describeScorerConformance } from '../sdk/conformance';
import type { ScoredWithRanking, ScorerSettings } from '../sdk/contract';
import { makeFeatureFixture } from '../sdk/fixtures';
import type { ModelSession } from '../sdk/model';
import { createScorerRegistry } from '../sdk/registry';
import { runScorers } from '../sdk/run';
import { slateProbability, topPool } from './explore';
import { IRA_DIM, iraFeatureRows } from './features';
import { heuristicOnnx, heuristicQ } from './heuristic';
import { createIraScorer, iraLineName, iraSettings } from './scorer';
import type { IraDecision } from './types';
import type { UserValueReading, UserValueSource } from './value';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function fakeSource(id: string): UserValueSource & { reads: Array<{ userId: string; at: number; refreshMinutes: number | undefined }> } {
  const reads: Array<{ userId: string; at: number; refreshMinutes: number | undefined }> = [];
  return {
    id,
    stateDim: 4,
    reads,
    read(userId, at, o) {
      reads.push({ userId, at, refreshMinutes: o?.refreshMinutes });
      const reading: UserValueReading = { purchaseProb: 0.3, value: 120, horizonDays: 30, state: Float32Array.of(0.1, -0.2, 0.3, 0.4), version: `${id}@1` };
      return reading;
    },
    observe() {},
  };
}

interface FakeService {
  session: ModelSession | null;
  version: number;
  frozenLines: Set<string>;
  decisions: IraDecision[];
  current(line: string): { version: number; session: ModelSession } | null;
  frozen(line: string): boolean;
  recordDecision(d: IraDecision): void;
}

function fakeService(session: ModelSession | null): FakeService {
  const svc: FakeService = {
    session,
    version: 0,
    frozenLines: new Set(),
    decisions: [],
    current: () => (svc.session ? { version: svc.version, session: svc.session } : null),
    frozen: (line) => svc.frozenLines.has(line),
    recordDecision: (d) => void svc.decisions.push(d),
  };
  return svc;
}

let heuristic: ModelSession;
beforeAll(async () => {
  heuristic = await loadOnnxModelBytes(heuristicOnnx());
});
afterAll(async () => {
  await heuristic.close();
});

/** The heuristic through a lazily bound session (describeScorerConformance registers at describe time). */
const lazyHeuristic: ModelSession = {
  inputNames: ['features'],
  outputNames: ['q'],
  run: (feeds) => heuristic.run(feeds),
  close: async () => {},
};

describeScorerConformance(createIraScorer({ service: fakeService(lazyHeuristic), valueSources: { v2: fakeSource('v2') } }), { requestSettings: { explore: 'boltzmann', temperature: 0.05 } });

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function live(svc: FakeService, sources: Record<string, UserValueSource> = { v2: fakeSource('v2') }, seed = 7) {
  return createIraScorer({ service: svc, valueSources: sources, seed }).setup({ logger: silent, loadModel: () => Promise.reject(new Error('no')), settings: {} });
}

const signal = new AbortController().signal;

describe('ira/policy scorer', () => {
  it('answers Q from the served session with a Boltzmann slate over the top pool, and records the decision after answering', async () => {
    const svc = fakeService(heuristic);
    svc.version = 3;
    const source = fakeSource('v2');
    const scorer = await live(svc, { v2: source });
    const f = makeFeatureFixture({ n: 40, seed: 4 });
    const settings: ScorerSettings = Object.freeze({ pool: 12, temperature: 0.05, refreshMinutes: 60 });
    const out = (await scorer.score({
      userId: f.userId,
      itemIds: f.itemIds,
      features: f.features,
      now: f.now,
      signal,
      settings,
      context: { surface: 'home', limit: 5, requestId: 'req-9' },
    })) as ScoredWithRanking;
    // Q is the heuristic of the feature rows.
    const rows = iraFeatureRows({
      reading: source.read(f.userId, f.now),
      surface: 'home',
      now: f.now,
      history: f.features['user.history'],
      itemIds: f.itemIds,
      stats: f.features['item.stats'],
      meta: f.features['item.meta'],
      historyItems: f.features['user.historyItems'],
    });
    expect(Array.from(out.scores)).toEqual(Array.from(heuristicQ(rows, 40)).map((v) => expect.closeTo(v, 5)));
    expect(source.reads[0]).toEqual({ userId: f.userId, at: f.now, refreshMinutes: 60 });
    const { order, propensities, policy, decisionId } = out.ranking;
    expect(policy).toBe('ira/policy@3');
    expect(decisionId).toBe('req-9');
    expect(order).toHaveLength(5);
    const pool = topPool(out.scores, 12);
    for (const i of order) expect(pool).toContain(i);
    expect(propensities).toEqual(Array.from(slateProbability(out.scores, order, { method: 'boltzmann', temperature: 0.05, epsilon: 0.1, pool: 12 })).map((v) => expect.closeTo(v, 9)));
    // Recorded after the answer, not during it.
    expect(svc.decisions).toHaveLength(0);
    await tick();
    expect(svc.decisions).toHaveLength(1);
    const d = svc.decisions[0]!;
    expect(d).toMatchObject({
      decisionId: 'req-9',
      userId: f.userId,
      ts: f.now,
      surface: 'home',
      line: iraLineName({ gamma1: 0.6, gamma2: 0.4, value: 'v2', refreshMinutes: 60 }),
      version: 3,
      gamma1: 0.6,
      gamma2: 0.4,
      valueBefore: 120,
      valueSource: 'v2',
      refreshMinutes: 60,
    });
    expect(d.explore).toEqual({ method: 'boltzmann', temperature: 0.05, epsilon: 0.1 });
    expect(d.pool).toEqual(pool.map((i) => f.itemIds[i]));
    expect(d.pool.map((id) => out.scores[f.itemIds.indexOf(id)])).toEqual(Array.from(d.q));
    expect(d.shown.map((p) => d.pool[p])).toEqual(order.map((i) => f.itemIds[i]));
    expect(d.propensities).toEqual(propensities);
    // The pool's feature rows, in pool order.
    expect(d.features).toHaveLength(12 * IRA_DIM);
    expect(Array.from(d.features.subarray(IRA_DIM, 2 * IRA_DIM))).toEqual(Array.from(rows.subarray(pool[1]! * IRA_DIM, (pool[1]! + 1) * IRA_DIM)));
    // The decision's Q and shown slate reproduce the logged propensities (what OPE relies on).
    expect(Array.from(slateProbability(d.q, d.shown, { method: 'boltzmann', temperature: 0.05, epsilon: 0 }))).toEqual(propensities.map((v) => expect.closeTo(v, 6)));
  });

  it('ε-greedy and off settings; a frozen line serves greedily and records nothing', async () => {
    const svc = fakeService(heuristic);
    const scorer = await live(svc);
    const f = makeFeatureFixture({ n: 30, seed: 5 });
    const req = (settings: ScorerSettings) =>
      scorer.score({
        userId: f.userId,
        itemIds: f.itemIds,
        features: f.features,
        now: f.now,
        signal,
        settings,
        context: { surface: 'cart', limit: 4, requestId: `r-${JSON.stringify(settings)}` },
      }) as Promise<ScoredWithRanking>;
    const eps = await req({ explore: 'epsilon', epsilon: 0.3, pool: 10 });
    expect(eps.ranking.propensities).toEqual(
      Array.from(slateProbability(eps.scores, eps.ranking.order, { method: 'epsilon', temperature: 1, epsilon: 0.3, pool: 10 })).map((v) => expect.closeTo(v, 9)),
    );
    const off = await req({ explore: 'off' });
    expect(off.ranking.order).toEqual(topPool(off.scores).slice(0, 4));
    expect(off.ranking.propensities).toEqual([1, 1, 1, 1]);
    await tick();
    expect(svc.decisions).toHaveLength(2);
    expect(svc.decisions[1]!.explore.method).toBe('greedy');

    const line = iraSettings({ explore: 'boltzmann' }, { v2: fakeSource('v2') }).line;
    svc.frozenLines.add(line);
    const frozen = await req({ explore: 'boltzmann' });
    expect(frozen.ranking.order).toEqual(topPool(frozen.scores).slice(0, 4));
    expect(frozen.ranking.propensities).toEqual([1, 1, 1, 1]);
    expect(frozen.ranking.decisionId).toBeUndefined();
    await tick();
    expect(svc.decisions).toHaveLength(2);
  });

  it('names the setting when one is bad, and derives lines from what the Q-network learns', async () => {
    const sources = { v2: fakeSource('v2'), 'v2-nodecay': fakeSource('v2-nodecay') };
    expect(() => iraSettings({ gamma1: 2 }, sources)).toThrow(/settings\.gamma1/);
    expect(() => iraSettings({ explore: 'softmax' }, sources)).toThrow(/settings\.explore/);
    expect(() => iraSettings({ value: 'v9' }, sources)).toThrow(/settings\.value must name a value source \(v2, v2-nodecay\)/);
    expect(() => iraSettings({ pool: 2.5 }, sources)).toThrow(/settings\.pool/);
    expect(() => iraSettings({ line: 'has space' }, sources)).toThrow(/settings\.line/);
    expect(iraSettings({}, sources).line).toBe('g0.6-0.4.v2.r15');
    expect(iraSettings({ gamma1: 1, gamma2: 0 }, sources).line).toBe('g1-0.v2.r15');
    expect(iraSettings({ value: 'v2-nodecay', refreshMinutes: 60 }, sources).line).toBe('g0.6-0.4.v2-nodecay.r60');
    expect(iraSettings({ explore: 'epsilon' }, sources).line).toBe(iraSettings({}, sources).line);
    expect(iraSettings({ line: 'arm-b' }, sources).line).toBe('arm-b');
    expect(iraSettings({}, {}).value).toBeNull();
    // The same settings object with another set of sources is parsed again.
    const shared = Object.freeze({});
    expect(iraSettings(shared, sources).value).toBe('v2');
    expect(iraSettings(shared, { other: fakeSource('other') }).value).toBe('other');
  });
});

describe('ira/policy degrades, never breaks', () => {
  const register = async (svc: FakeService, timeoutMs = 40) =>
    createScorerRegistry([createIraScorer({ service: svc, valueSources: {}, timeoutMs })], { logger: silent, loadModel: () => Promise.reject(new Error('no')) });
  const f = makeFeatureFixture({ n: 20, seed: 8 });
  const input = { userId: f.userId, itemIds: f.itemIds, features: f.features, now: f.now, context: { surface: 'home', limit: 5, requestId: 'x' } };

  it('fails the request (the pipeline serves the baseline) without a session, with a bad model, or with a slow one', async () => {
    const svc = fakeService(null);
    const reg = await register(svc);
    const [none] = await runScorers(reg.list(), input);
    expect(none).toMatchObject({ ok: false, code: ErrorCode.SCORER_FAILED });
    expect(!none!.ok && none!.message).toMatch(/no servable version/);

    svc.session = { ...lazyHeuristic, run: async () => ({ q: { data: new Float32Array(3), dims: [3, 1] } }) };
    const [short] = await runScorers(reg.list(), input);
    expect(!short!.ok && short!.message).toMatch(/3 values for 20 candidates/);

    svc.session = { ...lazyHeuristic, run: async () => ({ q: { data: new Float32Array(20).fill(Number.NaN), dims: [20, 1] } }) };
    const [nan] = await runScorers(reg.list(), input);
    expect(!nan!.ok && nan!.message).toMatch(/is NaN/);

    svc.session = { ...lazyHeuristic, run: (feeds) => new Promise((r) => setTimeout(() => void heuristic.run(feeds).then(r), 200)) };
    const [slow] = await runScorers(reg.list(), input);
    expect(slow).toMatchObject({ ok: false, code: ErrorCode.SCORER_TIMEOUT });
    await new Promise((r) => setTimeout(r, 250));
    // Nothing recorded for requests that failed.
    expect(svc.decisions).toHaveLength(0);
    await reg.close();
  });
});
