/**
 * A scorer plugin module the gateway loads at boot (PLUGINS or PLUGINS_DIR): plain JavaScript, no
 * build step, no import of the gateway. The loader calls `createScorers(sdk)` with the SDK's entry
 * point (plugins/sdk). Each candidate scores its all-time purchases plus the strategy's `prior`.
 */
export function createScorers(sdk) {
  return [
    sdk.defineScorer({
      id: 'acme/purchase-count',
      version: '1.0.0',
      features: ['item.stats'],
      timeoutMs: 20,
      async setup(ctx) {
        ctx.logger.info({}, 'purchase count ready');
        return {
          async score({ itemIds, features, settings }) {
            const prior = typeof settings?.prior === 'number' ? settings.prior : 0;
            return Float32Array.from(itemIds, (_, i) => prior + sdk.eventCount(features['item.stats'][i], 'purchase'));
          },
        };
      },
    }),
  ];
}
