/**
 * The scorer conformance suite. Any plugin runs it in one line:
 *
 * ```ts
 * import { describeScorerConformance } from '<gateway>/plugins/sdk/conformance';
 * describeScorerConformance(createMyScorer());
 * // an ONNX scorer: hand it the gateway's own loader, so the model is checked as at boot
 * import { loadOnnxModel } from '<gateway>/ml/onnx/session';
 * describeScorerConformance(createMyOnnxScorer(), { loadModel: loadOnnxModel, modelsDir: __dirname });
 * ```
 *
 * It checks what the gateway relies on: the declaration registers, `setup` returns a scorer,
 * `score` returns one finite number per candidate for warm, cold, sparse and empty requests,
 * the same input gives the same output, it answers within its deadline on a 200-candidate
 * request, and `close` works. A scorer that answers with a ranking (`{ scores, ranking }`,
 * a policy scorer) must give a well-formed one: distinct candidate indices, a propensity in (0, 1]
 * per slot.
 */
import { rankingOf, scoresOf, type ScoreOutput, type ScorerPlugin, type ScorerSettings } from './contract';
import { makeFeatureFixture, type Fixture } from './fixtures';
import type { ModelSession } from './model';
import { createScorerRegistry, type ScorerRegistry } from './registry';
import { checkRanking, checkScores } from './run';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export interface ConformanceOptions {
  /** Setup-time settings (`ctx.settings`). Default {}. */
  readonly settings?: ScorerSettings;
  /** Per-request settings (`ScoreRequest.settings`), as a strategy entry would give them. Default {}. */
  readonly requestSettings?: ScorerSettings;
  /**
   * Opens ONNX models, for a plugin that declares or loads one: pass the gateway's loader
   * (`loadOnnxModel` from ml/onnx/session) so the model is checked (names, shapes) as at boot.
   * Default: none (a plugin that opens a model fails with a message saying to pass it).
   */
  readonly loadModel?: (uri: string) => Promise<ModelSession>;
  /** Folder that relative model paths resolve against, like the gateway's MODELS_DIR. Default: the working directory. */
  readonly modelsDir?: string;
  /** Deadline checked on the 200-candidate request. Default: the plugin's timeoutMs, else 50 ms. */
  readonly budgetMs?: number;
}

export function describeScorerConformance(plugin: ScorerPlugin, opts: ConformanceOptions = {}): void {
  describe(`scorer conformance: ${plugin.id}@${plugin.version}`, () => {
    let registry: ScorerRegistry;
    beforeAll(async () => {
      registry = await createScorerRegistry([plugin], {
        logger: silent,
        loadModel:
          opts.loadModel ??
          (async () => {
            throw new Error('this plugin opens a model: pass describeScorerConformance(plugin, { loadModel: loadOnnxModel }) (ml/onnx/session)');
          }),
        ...(opts.modelsDir !== undefined ? { modelsDir: opts.modelsDir } : {}),
        ...(opts.settings ? { settings: { [plugin.id]: opts.settings } } : {}),
      });
    });
    afterAll(async () => {
      await registry?.close();
    });

    const run = async (f: Fixture, signal = new AbortController().signal): Promise<ScoreOutput> => {
      const r = registry.get(plugin.id)!;
      const features: Record<string, unknown> = {};
      for (const k of r.features) features[k] = f.features[k];
      return r.scorer.score({
        userId: f.userId,
        itemIds: f.itemIds,
        features: features as never,
        now: f.now,
        signal,
        settings: opts.requestSettings ?? {},
        context: { surface: 'feed', limit: 10, requestId: `conformance-${f.userId}` },
      });
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
      const out = await run(f);
      expect(checkScores(out, f.itemIds.length)).toBeNull();
      const ranking = rankingOf(out);
      if (ranking) expect(checkRanking(ranking, f.itemIds.length)).toBeNull();
    });

    it('is deterministic for the same input', async () => {
      const f = makeFeatureFixture({ n: 60, seed: 9 });
      const a = scoresOf(await run(f));
      const b = scoresOf(await run(f));
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    it('discriminates between candidates on a warm request', async () => {
      const f = makeFeatureFixture({ n: 60, seed: 11, sparsity: 0.1 });
      const s = scoresOf(await run(f));
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
