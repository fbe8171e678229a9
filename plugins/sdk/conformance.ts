/**
 * The scorer conformance suite. Any plugin runs it in one line:
 *
 * ```ts
 * import { describeScorerConformance } from '<gateway>/plugins/sdk/conformance';
 * describeScorerConformance(createMyScorer());
 * ```
 *
 * It checks what the gateway relies on: the declaration registers, `setup` returns a scorer,
 * `score` returns one finite number per candidate for warm, cold, sparse and empty requests,
 * the same input gives the same output, it answers within its deadline on a 200-candidate
 * request, and `close` works.
 */
import type { ScorerPlugin } from './contract';
import { makeFeatureFixture, type Fixture } from './fixtures';
import { createScorerRegistry, type ScorerRegistry } from './registry';
import { checkScores } from './run';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export interface ConformanceOptions {
  /** Settings handed to setup. Default {}. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Deadline checked on the 200-candidate request. Default: the plugin's timeoutMs, else 50 ms. */
  readonly budgetMs?: number;
}

export function describeScorerConformance(plugin: ScorerPlugin, opts: ConformanceOptions = {}): void {
  describe(`scorer conformance: ${plugin.id}@${plugin.version}`, () => {
    let registry: ScorerRegistry;
    beforeAll(async () => {
      registry = await createScorerRegistry([plugin], {
        logger: silent,
        loadModel: async () => {
          throw new Error('this suite does not load models; use the registry test for ONNX plugins');
        },
        ...(opts.settings ? { settings: { [plugin.id]: opts.settings } } : {}),
      });
    });
    afterAll(async () => {
      await registry?.close();
    });

    const run = async (f: Fixture, signal = new AbortController().signal): Promise<unknown> => {
      const r = registry.get(plugin.id)!;
      const features: Record<string, unknown> = {};
      for (const k of r.features) features[k] = f.features[k];
      return r.scorer.score({ userId: f.userId, itemIds: f.itemIds, features: features as never, now: f.now, signal });
    };

    it('registers with a namespaced id, semver version and known features', () => {
      expect(registry.get(plugin.id)?.version).toBe(plugin.version);
    });

    it.each([
      ['a warm user', { n: 50, history: 20, seed: 1 }],
      ['a cold user', { n: 50, history: 0, seed: 2 }],
      ['sparse candidates', { n: 80, history: 5, seed: 3, sparsity: 0.9 }],
      ['a single candidate', { n: 1, history: 3, seed: 4 }],
      ['no candidates', { n: 0, history: 3, seed: 5 }],
    ])('returns one finite score per candidate for %s', async (_name, fx) => {
      const f = makeFeatureFixture(fx);
      const scores = await run(f);
      expect(checkScores(scores, f.itemIds.length)).toBeNull();
    });

    it('is deterministic for the same input', async () => {
      const f = makeFeatureFixture({ n: 60, seed: 9 });
      const a = (await run(f)) as Float32Array;
      const b = (await run(f)) as Float32Array;
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    it('discriminates between candidates on a warm request', async () => {
      const f = makeFeatureFixture({ n: 60, seed: 11, sparsity: 0.1 });
      const s = (await run(f)) as Float32Array;
      expect(new Set(Array.from(s)).size).toBeGreaterThan(1);
    });

    it('answers a 200-candidate request within its deadline', async () => {
      const budget = opts.budgetMs ?? plugin.timeoutMs ?? 50;
      const f = makeFeatureFixture({ n: 200, seed: 13 });
      await run(f); // warm-up
      const started = performance.now();
      await run(f);
      expect(performance.now() - started).toBeLessThan(budget);
    });
  });
}
