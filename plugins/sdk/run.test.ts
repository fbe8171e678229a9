import { ErrorCode } from '../../errors/codes';
import { defineScorer, type ScorerPlugin } from './contract';
import { createScorerRegistry } from './registry';
import { runScorers } from './run';

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
});
