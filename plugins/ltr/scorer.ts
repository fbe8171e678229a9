/**
 * `ltr/lambdamart`: the learned ranker. A second-stage scorer: it reads the strategy's other
 * scorers' raw outputs plus item, user-item, category, co-interaction and retrieval features
 * (plugins/ltr/features.ts), and scores the candidates with a LambdaMART tree ensemble served by
 * onnxruntime-node (TreeEnsembleRegressor): every candidate, or, when the artifact says so, only
 * the top ones by one first-stage score (plugins/ltr/prune.ts). Trained by `train ranker` (ml/ltr).
 *
 * In a strategy, give it the weight and list the first-stage scorers with weight 0: they run as
 * its features and show in the explanation with weight 0.
 * ```json
 * { "scorers": [{ "id": "ltr/lambdamart", "weight": 1 }, { "id": "baseline/commercial", "weight": 0 }, ...] }
 * ```
 */
import { join } from 'node:path';
import { defineScorer, type ScorerPlugin } from '../sdk/contract';
import type { ModelSession } from '../sdk/model';
import { LTR_INPUT, LTR_OUTPUT, latestLtrDir, readLtrManifest, type LtrManifest } from './artifact';
import { LTR_FEATURE_KEYS, ltrFeatureNames, ltrFeatures } from './features';
import { mergePruned, preRankOrder } from './prune';

export const LTR_SCORER_ID = 'ltr/lambdamart';

export interface LtrScorerOptions {
  /** The artifact version directory (e.g. `models/ltr/3`). Required. */
  readonly dir: string;
  /** Its manifest (read with readLtrManifest). Required. */
  readonly manifest: LtrManifest;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
  /**
   * Watch this folder of versions and swap to a higher version with the same feature layout,
   * checking at most every `everyMs` (default 30 s), in the background of a request. Default: no watch.
   */
  readonly watch?: { readonly parent: string; readonly everyMs?: number };
  /** Told about swaps and refused versions. Default: the setup context's logger. */
  readonly onSwap?: (e: { from: number; to: number } | { refused: number; reason: string }) => void;
}

interface Live {
  readonly manifest: LtrManifest;
  readonly session: ModelSession;
}

/**
 * The plugin for one artifact version. Its version is `1.<artifact version>.0` (the version it
 * booted with; a swapped-in model's version is in its manifest and in the swap log line).
 */
export function createLtrScorer(opts: LtrScorerOptions): ScorerPlugin<typeof LTR_FEATURE_KEYS, Float32Array> {
  const { manifest } = opts;
  const expected = ltrFeatureNames(manifest.scorerIds);
  if (expected.length !== manifest.featureNames.length || expected.some((n, i) => n !== manifest.featureNames[i])) {
    throw new RangeError(`ranker artifact ${opts.dir} was built with another feature layout; retrain it with this gateway's train ranker`);
  }
  const d = expected.length;
  return defineScorer({
    id: LTR_SCORER_ID,
    version: `1.${manifest.version}.0`,
    features: LTR_FEATURE_KEYS,
    model: { uri: join(opts.dir, manifest.onnx.file), inputs: [{ name: LTR_INPUT, columns: expected }] },
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup(ctx) {
      let live: Live = { manifest, session: await ctx.loadModel(join(opts.dir, manifest.onnx.file)) };
      let checkedAt = Date.now();
      let checking = false;
      const everyMs = opts.watch?.everyMs ?? 30_000;
      const report = opts.onSwap ?? ((e) => ctx.logger.info(e, 'learned ranker model'));
      const refused = new Set<number>();
      // Load a higher version beside the live one, then swap the reference: a request holds the
      // model it started with, so none sees half a swap.
      const reload = async (parent: string): Promise<void> => {
        const dir = await latestLtrDir(parent);
        if (dir === null) return;
        const next = await readLtrManifest(dir);
        if (next.version <= live.manifest.version || refused.has(next.version)) return;
        const names = ltrFeatureNames(next.scorerIds);
        if (names.join('\u0000') !== expected.join('\u0000') || next.featureNames.join('\u0000') !== names.join('\u0000')) {
          refused.add(next.version);
          report({ refused: next.version, reason: 'another feature layout or first-stage scorers: restart the gateway with a strategy that provides them' });
          return;
        }
        const session = await ctx.loadModel(join(dir, next.onnx.file));
        const old = live;
        live = { manifest: next, session };
        report({ from: old.manifest.version, to: next.version });
        // In-flight requests on the old session finish first.
        setTimeout(() => void old.session.close().catch(() => {}), 5_000).unref();
      };
      return {
        async score({ itemIds, features, now, signal }) {
          const cur = live;
          if (opts.watch && !checking && Date.now() - checkedAt >= everyMs) {
            checking = true;
            checkedAt = Date.now();
            void reload(opts.watch.parent)
              .catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'learned ranker: new version not loaded'))
              .finally(() => (checking = false));
          }
          // Pruning (chosen on validation by train ranker): the trees score only the top
          // candidates by one first-stage score. When that scorer did not answer, all are scored.
          const prune = cur.manifest.prune;
          let order: Uint32Array | undefined;
          if (prune && itemIds.length > prune.top) {
            const first = features['scores.firstStage'];
            const col = first.columns[first.scorerIds.indexOf(prune.scorerId)] ?? null;
            if (col) order = preRankOrder(col);
          }
          const rows = order?.subarray(0, prune!.top);
          const x = ltrFeatures(features, itemIds, now, { scorerIds: cur.manifest.scorerIds, halfLifeMs: cur.manifest.halfLifeMs }, rows);
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
          const out = await cur.session.run({ [LTR_INPUT]: { data: x, dims: [rows ? rows.length : itemIds.length, d] } });
          const y = out[LTR_OUTPUT] ?? Object.values(out)[0];
          if (!y) throw new Error('the model returned no output');
          return order && rows ? mergePruned(itemIds.length, order, rows, y.data) : Float32Array.from(y.data);
        },
        async close() {
          await live.session.close();
        },
      };
    },
  });
}

/** The plugin for the highest version under `parent` (e.g. `models/ltr`), or null when none is published. */
export async function latestLtrScorer(parent: string, opts: { timeoutMs?: number; watchEveryMs?: number } = {}): Promise<ScorerPlugin<typeof LTR_FEATURE_KEYS, Float32Array> | null> {
  const dir = await latestLtrDir(parent);
  if (dir === null) return null;
  const { watchEveryMs, ...rest } = opts;
  return createLtrScorer({ dir, manifest: await readLtrManifest(dir), ...rest, ...(watchEveryMs !== undefined ? { watch: { parent, everyMs: watchEveryMs } } : {}) });
}
