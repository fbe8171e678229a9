/**
 * The per-user work of `ranking/full`, shared by the worker threads and the in-thread mode (so
 * both give the same numbers): build the scorers through the gateway's registry, then for each
 * user score EVERY item in one score() call, mask the user's train items to -Infinity, take the
 * top K and write the user's metrics.
 */
import { scoresOf } from '../../../plugins/sdk/contract';
import type { FeatureKey, FeatureValues } from '../../../plugins/sdk/features';
import { createScorerRegistry, type RegisteredScorer, type ScorerRegistry } from '../../../plugins/sdk/registry';
import { checkScores } from '../../../plugins/sdk/run';
import type { Csr } from '../../datasets/gowalla';
import { metricsWidth, topKIndices, writeUserMetrics } from '../../metrics/ranking';
import { createFeatureSource, type FeatureSource } from './features';
import { pluginFromSpec, type ScorerSpec } from './spec';

/** Everything a worker needs; plain data that survives structured cloning. */
export interface EvalSetup {
  readonly numUsers: number;
  readonly numItems: number;
  readonly train: Csr;
  readonly test: Csr;
  /** Gateway id of each user index, as score() receives it. */
  readonly userIds: readonly string[];
  /** Gateway id of each item index: the candidate list of every score() call. */
  readonly itemIds: readonly string[];
  /** Models in report order; `id` must equal the plugin's id. */
  readonly models: ReadonlyArray<{ readonly id: string; readonly spec: ScorerSpec }>;
  readonly ks: readonly number[];
  /** Length of the top list kept per user for catalogue coverage. */
  readonly coverageK: number;
  /** Data time handed to score() as `now`. */
  readonly now: number;
  /** Items with 1..coldMax train users are cold: their test positives get their own metrics (ModelBatch.cold). */
  readonly coldMax: number;
}

/** One model's results for a batch of users, rows in the batch's order. */
export interface ModelBatch {
  /** users x metricsWidth(ks) values (writeUserMetrics layout). */
  readonly values: Float64Array;
  /** users x coverageK item indices, -1 where fewer items could be ranked. */
  readonly top: Int32Array;
  /** users x metricsWidth(ks) values over the user's cold-item test positives only; NaN rows for users with none. */
  readonly cold: Float64Array;
}

export interface Evaluator {
  /** Plugin version per model id. */
  readonly versions: Readonly<Record<string, string>>;
  evaluate(users: Int32Array): Promise<ModelBatch[]>;
  close(): Promise<void>;
}

const NEG_INF = -1 / 0;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Offline deadline: the registry records it, but this protocol awaits every score() to the end. */
const OFFLINE_TIMEOUT_MS = 600_000;

/**
 * The gateway's checkScores condition (a Float32Array, one finite score per candidate) as a fast
 * pre-check: `x - x === 0` is false exactly for NaN and ±Infinity. checkScores words the error.
 */
function usable(scores: unknown, n: number): boolean {
  if (!(scores instanceof Float32Array) || scores.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    if (v - v !== 0) return false;
  }
  return true;
}

function pick(features: Partial<FeatureValues>, keys: readonly FeatureKey[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = features[k];
  return out;
}

/** 1 for the items with 1..coldMax users in the train lists (a user's train list holds an item once). */
export function coldItems(train: Csr, numItems: number, coldMax: number): Uint8Array {
  const users = new Int32Array(numItems);
  for (let p = 0; p < train.items.length; p++) users[train.items[p]!] = users[train.items[p]!]! + 1;
  return Uint8Array.from(users, (n) => (n >= 1 && n <= coldMax ? 1 : 0));
}

export async function createEvaluator(setup: EvalSetup): Promise<Evaluator> {
  const plugins = setup.models.map((m) => pluginFromSpec(m.spec));
  plugins.forEach((p, i) => {
    const want = setup.models[i]!.id;
    if (p.id !== want) throw new Error(`model "${want}" is built by a plugin with id "${p.id}"`);
  });
  const registry: ScorerRegistry = await createScorerRegistry(plugins, {
    logger: silent,
    defaultTimeoutMs: OFFLINE_TIMEOUT_MS,
    loadModel: async (uri) => {
      throw new Error(`ranking/full loads no ONNX model (${uri})`);
    },
  });
  const scorers = setup.models.map((m) => registry.get(m.id) as RegisteredScorer);
  const needed = new Set(scorers.flatMap((s) => s.features));
  const { userIds, itemIds } = setup;
  let features: FeatureSource;
  try {
    features = createFeatureSource(needed, setup.train, itemIds, setup.now);
  } catch (err) {
    await registry.close();
    throw err;
  }
  const { ks, coverageK, numItems, train, test } = setup;
  const width = metricsWidth(ks);
  const maxK = Math.max(coverageK, ...ks);
  const masked = new Float32Array(numItems);
  const relevant = new Uint8Array(numItems);
  const isRelevant = (i: number): boolean => relevant[i] === 1;
  const coldItem = coldItems(train, numItems, setup.coldMax);
  const isColdRelevant = (i: number): boolean => relevant[i] === 1 && coldItem[i] === 1;
  const signal = new AbortController().signal;

  return {
    versions: Object.fromEntries(scorers.map((s) => [s.id, s.version])),
    async evaluate(users) {
      const out = scorers.map(() => ({
        values: new Float64Array(users.length * width),
        top: new Int32Array(users.length * coverageK).fill(-1),
        cold: new Float64Array(users.length * width).fill(Number.NaN),
      }));
      for (let b = 0; b < users.length; b++) {
        const u = users[b]!;
        const t0 = test.indptr[u]!;
        const t1 = test.indptr[u + 1]!;
        let coldPositives = 0;
        for (let p = t0; p < t1; p++) {
          relevant[test.items[p]!] = 1;
          coldPositives += coldItem[test.items[p]!]!;
        }
        try {
          const userFeatures = features.forUser(u);
          for (let m = 0; m < scorers.length; m++) {
            const s = scorers[m]!;
            const scores = scoresOf(await s.scorer.score({ userId: userIds[u]!, itemIds, features: pick(userFeatures, s.features) as never, now: setup.now, signal }));
            if (!usable(scores, numItems)) throw new Error(`scorer ${s.id} gave bad output for user ${userIds[u]}: ${checkScores(scores, numItems)}`);
            // Copy: the scorer may reuse its output buffer.
            masked.set(scores);
            for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) masked[train.items[p]!] = NEG_INF;
            const top = topKIndices(masked, maxK);
            writeUserMetrics(top, isRelevant, t1 - t0, ks, out[m]!.values, b * width);
            if (coldPositives > 0) writeUserMetrics(top, isColdRelevant, coldPositives, ks, out[m]!.cold, b * width);
            out[m]!.top.set(top.subarray(0, coverageK), b * coverageK);
          }
        } finally {
          for (let p = t0; p < t1; p++) relevant[test.items[p]!] = 0;
        }
      }
      return out;
    },
    close: () => registry.close(),
  };
}
