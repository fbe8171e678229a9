/**
 * An ONNX scorer: a logistic model over six item-statistics columns. One layout both declares the
 * model input's columns and builds its tensor; at boot the declaration is checked against the
 * model file: a model of another width or dtype is refused with MODEL_SHAPE_MISMATCH and the
 * plugin is skipped. `uri` is relative to MODELS_DIR.
 */
import { defineLayout, defineScorer, eventCount, type ItemStats } from '../../plugins/sdk';

/** The feature-vector layout: one column per entry, in this order (a candidate without statistics is all zeros). */
export const LOGIT_LAYOUT = defineLayout<ItemStats | null>({
  log_views: (s) => Math.log1p(eventCount(s, 'view')),
  log_clicks: (s) => Math.log1p(eventCount(s, 'click')),
  log_carts: (s) => Math.log1p(eventCount(s, 'add_to_cart')),
  log_purchases: (s) => Math.log1p(eventCount(s, 'purchase')),
  log_users: (s) => Math.log1p(s?.users ?? 0),
  log_revenue: (s) => Math.log1p(s?.totalRevenue ?? 0),
});

export interface OnnxLogitOptions {
  /** The .onnx file, relative to MODELS_DIR (or absolute). Default `acme/logit.onnx`. */
  readonly uri?: string;
}

export function createOnnxLogitScorer(opts: OnnxLogitOptions = {}) {
  const uri = opts.uri ?? 'acme/logit.onnx';
  return defineScorer({
    id: 'acme/logit',
    version: '1.0.0',
    features: ['item.stats'] as const,
    model: { uri, inputs: [{ name: 'item_features', columns: LOGIT_LAYOUT.columns }] },
    timeoutMs: 30,
    async setup(ctx) {
      const model = await ctx.loadModel(uri);
      return {
        async score({ features }) {
          const out = await model.run({ item_features: LOGIT_LAYOUT.tensor(features['item.stats']) });
          return Float32Array.from(out['score']?.data ?? []);
        },
        close: () => model.close(),
      };
    },
  });
}
