/**
 * A small ONNX scorer for SDK tests, written as a data scientist would, against the SDK's entry
 * point only: a logistic model over a declared layout of item-statistics columns (read by event
 * type name), with its model file written in code (no binary blobs in the repository).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeOnnxModel, linearModelSpec } from '../../ml/onnx/export';
import { defineLayout, defineScorer, eventCount, type EventType, type ItemStats, type ScorerPlugin } from '../../plugins/sdk';

const count =
  (type: EventType) =>
  (s: ItemStats): number =>
    Math.log1p(eventCount(s, type));

/** Every column the featuriser knows, by name. */
export const STATS_COLUMN_VALUES: Readonly<Record<string, (s: ItemStats) => number>> = {
  log_views: count('view'),
  log_clicks: count('click'),
  log_carts: count('add_to_cart'),
  log_purchases: count('purchase'),
  log_users: (s) => Math.log1p(s.users),
  log_revenue: (s) => Math.log1p(s.totalRevenue),
};

/** The featuriser's six columns, in order. */
export const STATS_COLUMNS = Object.keys(STATS_COLUMN_VALUES);

/** Write a logistic model of `width` float inputs named `input` (weights 1/width each, bias -1); returns the file name. */
export function writeLogisticModel(dir: string, file: string, width: number, input = 'item_features'): string {
  const weights = Float32Array.from({ length: width }, (_, i) => (i + 1) / width);
  writeFileSync(join(dir, file), encodeOnnxModel(linearModelSpec({ inputs: [{ name: input, width }], weights, bias: -1, sigmoid: true })));
  return file;
}

/** A scorer feeding `columns` of each candidate's stats to the model at `uri` (relative to the models folder, or absolute). */
export function createStatsOnnxScorer(opts: { uri: string; columns?: readonly string[]; id?: `${string}/${string}` }): ScorerPlugin {
  // A candidate without statistics is a row of zeros.
  const layout = defineLayout<ItemStats | null>(Object.fromEntries((opts.columns ?? STATS_COLUMNS).map((c) => [c, (s: ItemStats | null) => (s ? STATS_COLUMN_VALUES[c]!(s) : 0)])));
  return defineScorer({
    id: opts.id ?? 'acme/stats-logit',
    version: '1.0.0',
    features: ['item.stats'] as const,
    model: { uri: opts.uri, inputs: [{ name: 'item_features', columns: layout.columns }] },
    timeoutMs: 200,
    async setup(ctx) {
      const model = await ctx.loadModel(opts.uri);
      return {
        async score({ features }) {
          const out = await model.run({ item_features: layout.tensor(features['item.stats']) });
          return Float32Array.from(out.score!.data);
        },
        close: () => model.close(),
      };
    },
  });
}
