/**
 * The policy hook (strategy `policy`, Contract B): a policy scorer that answers with a ranking
 * has its order served (cut to the limit, propensities aligned); failing, timing out or
 * answering without a ranking falls back to blend + diversity with the scorer in `degraded`.
 * Strategy validation names the field. Runs on a small embedded store in a temp folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../errors/codes';
import { createEmbeddedGraphStore } from '../graph/embedded';
import type { GraphStore } from '../graph/port';
import { defineScorer, type ScoreContext, type ScoredWithRanking, type ScorerPlugin } from '../plugins/sdk/contract';
import { createScorerRegistry, type ScorerRegistry } from '../plugins/sdk/registry';
import { createFeedService, policyOrder } from './feed';
import { checkStrategy, parseStrategy, strategyDigest } from './strategy';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const T0 = 1_700_000_000_000;
const N_ITEMS = 12;

let dir: string;
let store: GraphStore;
let registry: ScorerRegistry;
let mode: 'rank' | 'short' | 'plain' | 'throw' | 'hang' = 'rank';
const contexts: ScoreContext[] = [];

/** Scores by item number (i7 > i6 > ...); the baseline blend serves the highest first. */
const baseline: ScorerPlugin = defineScorer({
  id: 'test/base',
  version: '1.0.0',
  features: [] as const,
  async setup() {
    return { score: async ({ itemIds }) => Float32Array.from(itemIds, (id) => Number(id.slice(1))) };
  },
});

/** A policy that serves candidates in ascending item number (the opposite of the baseline). */
const policy: ScorerPlugin = {
  id: 'test/policy',
  version: '1.0.0',
  features: [],
  timeoutMs: 40,
  async setup() {
    return {
      score: async ({ itemIds, context, signal }): Promise<Float32Array | ScoredWithRanking> => {
        if (context) contexts.push(context);
        const scores = Float32Array.from(itemIds, (id) => -Number(id.slice(1)));
        if (mode === 'throw') throw new Error('model missing');
        if (mode === 'hang') await new Promise((r) => signal.addEventListener('abort', r));
        if (mode === 'plain') return scores;
        const order = itemIds.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
        const take = mode === 'short' ? 2 : order.length;
        return { scores, ranking: { order: order.slice(0, take), propensities: order.slice(0, take).map((_, k) => 1 / (k + 2)), policy: 'test/policy@7', decisionId: `d-${context?.requestId}` } };
      },
    };
  },
};

const strategyJson = {
  id: 'pol',
  limit: 5,
  candidates: { recent: null, neighbourhood: null, trending: { limit: 50 }, fresh: null },
  scorers: [
    { id: 'test/base', weight: 1 },
    { id: 'test/policy', weight: 0 },
  ],
  policy: { scorer: 'test/policy' },
  diversity: { method: 'none', maxPerCategory: 0 },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'policy-hook-'));
  store = await createEmbeddedGraphStore({ path: join(dir, 'g.db'), synchronous: 'NORMAL' });
  await store.upsertItems(Array.from({ length: N_ITEMS }, (_, i) => ({ id: `i${i}`, title: `item ${i}`, categories: [`c${i % 3}`], brand: null, price: 10, available: true, createdAt: T0 })));
  // Views make every item trending; u1 has a history.
  const events = Array.from({ length: N_ITEMS * 2 }, (_, k) => ({
    eventId: `e${k}`,
    userId: `v${k % 5}`,
    type: 'view' as const,
    itemId: `i${k % N_ITEMS}`,
    ts: T0 + k * 1000,
    value: 0,
    dwellMs: null,
    session: null,
    referrer: null,
    query: null,
  }));
  await store.ingestEvents(events);
  registry = await createScorerRegistry([baseline, policy], { logger: silent, loadModel: () => Promise.reject(new Error('no models')) });
});

afterAll(async () => {
  await registry.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('strategy policy field', () => {
  it('parses, keeps the digest of strategies without it, and names the field on bad input', () => {
    const s = parseStrategy(strategyJson);
    expect(s.policy).toEqual({ scorer: 'test/policy' });
    const { policy: _p, ...without } = strategyJson;
    expect(parseStrategy(without).policy).toBeUndefined();
    expect(strategyDigest(parseStrategy(without), registry)).not.toBe(strategyDigest(s, registry));
    expect(parseStrategy({ ...without, policy: null }).policy).toBeUndefined();
    expect(() => parseStrategy({ ...strategyJson, policy: 'test/policy' })).toThrow(/strategy\.policy: must be an object/);
    expect(() => parseStrategy({ ...strategyJson, policy: { scorer: 3 } })).toThrow(/strategy\.policy\.scorer/);
    try {
      parseStrategy({ ...strategyJson, policy: { scorer: 'test/other' } });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.INVALID_STRATEGY, details: { field: 'strategy.policy.scorer' } });
    }
    expect(() => checkStrategy(s, registry)).not.toThrow();
  });
});

describe('feed with a policy', () => {
  const service = () => createFeedService({ store, registry, strategy: parseStrategy(strategyJson), clock: () => T0 + 1e6 });

  it('serves the policy ranking (cut to the limit), with propensities, policy and decision id; the context reaches the scorer', async () => {
    mode = 'rank';
    contexts.length = 0;
    const r = await service().feed({ userId: 'u1', requestId: 'req-1', surface: 'home' });
    expect(r.items.map((i) => i.itemId)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
    expect(r.degraded).toEqual([]);
    expect(r.policy).toEqual({ scorerId: 'test/policy', policy: 'test/policy@7', decisionId: 'd-req-1', propensities: [1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6] });
    expect(contexts).toEqual([{ surface: 'home', limit: 5, requestId: 'req-1' }]);
    // Explanations still come from the blend: the baseline scorer, and the policy at weight 0.
    expect(r.items[0]!.contributions.map((c) => [c.scorerId, c.weight])).toEqual([
      ['test/base', 1],
      ['test/policy', 0],
    ]);
  });

  it('fills a short ranking from the baseline order with propensity 1', async () => {
    mode = 'short';
    const r = await service().feed({ userId: 'u1', limit: 4 });
    expect(r.items.map((i) => i.itemId)).toEqual(['i0', 'i1', 'i11', 'i10']);
    expect(r.policy?.propensities).toEqual([1 / 2, 1 / 3, 1, 1]);
  });

  it.each([
    ['throws', 'throw', ErrorCode.SCORER_FAILED],
    ['times out', 'hang', ErrorCode.SCORER_TIMEOUT],
    ['answers without a ranking', 'plain', ErrorCode.SCORER_BAD_OUTPUT],
  ] as const)('serves the baseline blend and lists the policy in degraded when it %s', async (_name, m, code) => {
    mode = m;
    const r = await service().feed({ userId: 'u1' });
    expect(r.items.map((i) => i.itemId)).toEqual(['i11', 'i10', 'i9', 'i8', 'i7']);
    expect(r.policy).toBeNull();
    expect(r.degraded).toEqual([expect.objectContaining({ scorerId: 'test/policy', code })]);
  });

  it('without a policy in the strategy, a ranking is ignored and the blend is served', async () => {
    mode = 'rank';
    const { policy: _p, ...without } = strategyJson;
    const s = createFeedService({ store, registry, strategy: parseStrategy(without), clock: () => T0 + 1e6 });
    const r = await s.feed({ userId: 'u1' });
    // The zero-weight policy is not run at all without the policy field.
    expect(r.timings.map((t) => t.scorerId)).toEqual(['test/base']);
    expect(r.items.map((i) => i.itemId)).toEqual(['i11', 'i10', 'i9', 'i8', 'i7']);
    expect(r.policy).toBeNull();
  });
});

describe('policyOrder', () => {
  it('skips out-of-range and repeated indices, cuts to the limit, fills from the baseline', () => {
    expect(policyOrder([3, 3, 9, 1], [0.5, 0.5, 0.2, 0.25], 3, 5, () => [4, 3, 2, 1, 0])).toEqual({ order: [3, 1, 4], propensities: [0.5, 0.25, 1] });
    expect(policyOrder([0, 1, 2], [1, 1, 1], 10, 2, () => [])).toEqual({ order: [0, 1], propensities: [1, 1] });
  });
});
