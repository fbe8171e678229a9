import { ErrorCode } from '../../errors/codes';
import { defineScorer, type ScorerPlugin } from './contract';
import { createScorerRegistry } from './registry';
import { checkRanking, runScorers } from './run';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const noModels = () => Promise.reject(new Error('no models'));

function plugin(id: string, score: (n: number, signal: AbortSignal) => Promise<Float32Array>, timeoutMs = 30): ScorerPlugin {
  return defineScorer({
    id: id as `${string}/${string}`,
    version: '1.0.0',
    features: [] as const,
    timeoutMs,
    async setup() {
      return { score: ({ itemIds, signal }) => score(itemIds.length, signal) };
    },
  }) as ScorerPlugin;
}

describe('runScorers isolates failures', () => {
  it('keeps good scorers and reports throw, hang, wrong length and NaN with their codes', async () => {
    let hangAborted = false;
    const registry = await createScorerRegistry(
      [
        plugin('t/good', async (n) => Float32Array.from({ length: n }, (_, i) => i)),
        plugin('t/throws', async () => {
          throw new Error('boom');
        }),
        plugin('t/hangs', (_n, signal) => {
          signal.addEventListener('abort', () => (hangAborted = true));
          return new Promise(() => {});
        }),
        plugin('t/short', async (n) => new Float32Array(n - 1)),
        plugin('t/nan', async (n) => Float32Array.from({ length: n }, () => Number.NaN)),
        plugin('t/array', async (n) => Array.from({ length: n }, () => 1) as unknown as Float32Array),
      ],
      { logger: silent, loadModel: noModels },
    );
    const started = performance.now();
    const out = await runScorers(registry.list(), { userId: 'u', itemIds: ['a', 'b', 'c'], features: {}, now: 0 });
    expect(performance.now() - started).toBeLessThan(1000);
    const byId = Object.fromEntries(out.map((o) => [o.scorer.id, o]));
    expect(byId['t/good']!.ok).toBe(true);
    expect(byId['t/throws']).toMatchObject({ ok: false, code: ErrorCode.SCORER_FAILED, message: 'boom' });
    expect(byId['t/hangs']).toMatchObject({ ok: false, code: ErrorCode.SCORER_TIMEOUT });
    expect(hangAborted).toBe(true);
    expect(byId['t/short']).toMatchObject({ ok: false, code: ErrorCode.SCORER_BAD_OUTPUT });
    expect(byId['t/nan']).toMatchObject({ ok: false, code: ErrorCode.SCORER_BAD_OUTPUT });
    expect(byId['t/array']).toMatchObject({ ok: false, code: ErrorCode.SCORER_BAD_OUTPUT });
    await registry.close();
  });

  it('a synchronous throw inside score() is isolated too', async () => {
    const registry = await createScorerRegistry(
      [
        defineScorer({
          id: 't/sync',
          version: '1.0.0',
          features: [] as const,
          async setup() {
            return {
              score: (() => {
                throw new TypeError('sync');
              }) as never,
            };
          },
        }) as ScorerPlugin,
      ],
      { logger: silent, loadModel: noModels },
    );
    const [o] = await runScorers(registry.list(), { userId: 'u', itemIds: ['a'], features: {}, now: 0 });
    expect(o).toMatchObject({ ok: false, code: ErrorCode.SCORER_FAILED, message: 'sync' });
  });

  it('hands each scorer its own settings, and a frozen {} when it has none', async () => {
    const seen: unknown[] = [];
    const echo = (id: string): ScorerPlugin =>
      defineScorer({
        id: id as `${string}/${string}`,
        version: '1.0.0',
        features: [] as const,
        async setup() {
          return {
            score: async ({ itemIds, settings }) => {
              seen.push(settings);
              return new Float32Array(itemIds.length).fill(Number(settings?.['level'] ?? -1));
            },
          };
        },
      }) as ScorerPlugin;
    const registry = await createScorerRegistry([echo('t/a'), echo('t/b')], { logger: silent, loadModel: noModels });
    const out = await runScorers(registry.list(), { userId: 'u', itemIds: ['x'], features: {}, now: 0, settings: [undefined, { level: 7 }] });
    expect(out.map((o) => (o.ok ? o.scores[0] : null))).toEqual([-1, 7]);
    expect(seen[0]).toEqual({});
    expect(Object.isFrozen(seen[0])).toBe(true);
    seen.length = 0;
    await runScorers(registry.list(), { userId: 'u', itemIds: ['x'], features: {}, now: 0 });
    expect(seen).toEqual([{}, {}]);
    expect(seen[0]).toBe(seen[1]);
  });

  it("passes the request's abort on, also when the request had already ended", async () => {
    const reasons: unknown[] = [];
    const registry = await createScorerRegistry(
      [
        plugin(
          't/waits',
          (n, signal) =>
            new Promise((resolve) => {
              const done = (): void => {
                reasons.push(signal.reason);
                resolve(new Float32Array(n));
              };
              if (signal.aborted) done();
              else signal.addEventListener('abort', done, { once: true });
            }),
          5000,
        ),
      ],
      { logger: silent, loadModel: noModels },
    );
    const ended = new AbortController();
    ended.abort(new Error('client gone'));
    const started = performance.now();
    const [early] = await runScorers(registry.list(), { userId: 'u', itemIds: ['a'], features: {}, now: 0, signal: ended.signal });
    const live = new AbortController();
    const pending = runScorers(registry.list(), { userId: 'u', itemIds: ['a'], features: {}, now: 0, signal: live.signal });
    setTimeout(() => live.abort(new Error('client gone later')), 20);
    const [late] = await pending;
    expect(performance.now() - started).toBeLessThan(2000);
    expect(early!.ok && late!.ok).toBe(true);
    expect(reasons.map((r) => (r as Error).message)).toEqual(['client gone', 'client gone later']);
    await registry.close();
  });

  it('accepts { scores, ranking }, passes the context on, and drops a malformed ranking but keeps its scores', async () => {
    const seen: unknown[] = [];
    const ranked = (id: string, order: number[], propensities: number[]): ScorerPlugin =>
      defineScorer({
        id: id as `${string}/${string}`,
        version: '1.0.0',
        features: [] as const,
        async setup() {
          return {
            score: async ({ itemIds, context }) => {
              seen.push(context);
              return { scores: Float32Array.from(itemIds, (_, i) => i), ranking: { order, propensities, policy: `${id}@1`, decisionId: 'd1' } };
            },
          };
        },
      });
    const registry = await createScorerRegistry([ranked('t/ok', [2, 0], [0.5, 1]), ranked('t/dup', [1, 1], [0.5, 1]), ranked('t/zero', [0], [0])], { logger: silent, loadModel: noModels });
    const context = { surface: 'feed', limit: 2, requestId: 'r1' };
    const out = await runScorers(registry.list(), { userId: 'u', itemIds: ['a', 'b', 'c'], features: {}, now: 0, context });
    expect(seen).toEqual([context, context, context]);
    const [ok, dup, zero] = out;
    expect(ok).toMatchObject({ ok: true, ranking: { order: [2, 0], propensities: [0.5, 1], policy: 't/ok@1', decisionId: 'd1' } });
    expect(ok!.ok && Array.from(ok!.scores)).toEqual([0, 1, 2]);
    expect(dup).toMatchObject({ ok: true, ranking: null, rankingProblem: 'ranking.order[1] repeats candidate 1' });
    expect(zero).toMatchObject({ ok: true, ranking: null });
    expect(zero!.ok && zero!.rankingProblem).toMatch(/propensities\[0\]/);
    await registry.close();
  });

  it('checkRanking names what is wrong', () => {
    expect(checkRanking({ order: [0, 1], propensities: [1, 1], policy: 'p' }, 2)).toBeNull();
    expect(checkRanking(null, 2)).toBe('ranking must be an object');
    expect(checkRanking({ order: [0], propensities: [1, 1], policy: 'p' }, 2)).toMatch(/one entry per slot/);
    expect(checkRanking({ order: [2], propensities: [1], policy: 'p' }, 2)).toMatch(/not a candidate index/);
    expect(checkRanking({ order: [0], propensities: [1], policy: '' }, 2)).toMatch(/policy/);
    expect(checkRanking({ order: [0.5], propensities: [1], policy: 'p' }, 2)).toMatch(/not a candidate index/);
  });
});
