/**
 * An ONNX scorer: a logistic model over six item-statistics columns. The declared layout
 * (`columns`) is checked against the model file at boot: a model of another width or dtype is
 * refused with MODEL_SHAPE_MISMATCH and the plugin is skipped. `uri` is relative to MODELS_DIR.
 */
import { defineScorer, eventCount, type ItemStats } from '../../plugins/sdk';

/** The feature-vector layout: one column per entry, in this order. */
export const LOGIT_COLUMNS = ['log_views', 'log_clicks', 'log_carts', 'log_purchases', 'log_users', 'log_revenue'] as const;

const COLUMN: Readonly<Record<(typeof LOGIT_COLUMNS)[number], (s: ItemStats) => number>> = {
  log_views: (s) => Math.log1p(eventCount(s, 'view')),
  log_clicks: (s) => Math.log1p(eventCount(s, 'click')),
  log_carts: (s) => Math.log1p(eventCount(s, 'add_to_cart')),
  log_purchases: (s) => Math.log1p(eventCount(s, 'purchase')),
  log_users: (s) => Math.log1p(s.users),
  log_revenue: (s) => Math.log1p(s.totalRevenue),
};

export interface OnnxLogitOptions {
  /** The .onnx file, relative to MODELS_DIR (or absolute). Default `acme/logit.onnx`. */
  readonly uri?: string;
}

export function createOnnxLogitScorer(opts: OnnxLogitOptions = {}) {
  const uri = opts.uri ?? 'acme/logit.onnx';
  const width = LOGIT_COLUMNS.length;
  return defineScorer({
    id: 'acme/logit',
    version: '1.0.0',
    features: ['item.stats'] as const,
    model: { uri, inputs: [{ name: 'item_features', columns: LOGIT_COLUMNS }] },
    timeoutMs: 30,
    async setup(ctx) {
      const model = await ctx.loadModel(uri);
      return {
        async score({ itemIds, features }) {
          const x = new Float32Array(itemIds.length * width);
          features['item.stats'].forEach((s, i) => {
            if (s) LOGIT_COLUMNS.forEach((c, j) => (x[i * width + j] = COLUMN[c](s)));
          });
          const out = await model.run({ item_features: { data: x, dims: [itemIds.length, width] } });
          return Float32Array.from(out['score']?.data ?? []);
        },
        close: () => model.close(),
      };
    },
  });
}
