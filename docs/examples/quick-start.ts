/** The README's quick start (the test checks the README shows this file, with its import path from the repository root). */
import { defineScorer, eventCount } from '../../plugins/sdk';
export const createMyScorer = () =>
  defineScorer({
    id: 'acme/boost',
    version: '1.0.0',
    features: ['item.stats'] as const,
    timeoutMs: 20,
    async setup() {
      return {
        async score({ itemIds, features, settings }) {
          const k = typeof settings?.['k'] === 'number' ? settings['k'] : 1; // strategy: "settings": { "k": 2 }
          return Float32Array.from(itemIds, (_, i) => k * Math.log1p(eventCount(features['item.stats'][i], 'purchase')));
        },
      };
    },
  });
