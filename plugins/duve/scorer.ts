/**
 * `duve/purchase`: the probability that the user buys each candidate over DUVE's horizon, the
 * purchase term of the LTV-aware feed (0.5 commercial + 0.4 purchase probability + 0.1 diversity).
 *
 *   p(u, i) = P_u · share(u, i) / max_j share(u, j)      in [0, P_u]
 *   P_u          DUVE's P(≥ 1 purchase over the horizon) from the user's live state, served by the
 *                exported value head (onnxruntime-node); the plugin declares that ONNX file, so
 *                the registry checks its inputs before the gateway listens
 *   share(u, i)  = (A_ui + β·c_i) / Σ_j (A_uj + β·c_j)   over the request's candidates
 *   A_ui         = Σ_{user's events e on i} exp(−λ_type(e) · (now − τ_e))   DUVE's learned decays
 *                  (types DUVE does not track decay with the slowest learned rate)
 *   c_i          = item conversion: (decayed purchases + α·μ) / (decayed views + clicks + α),
 *                  smoothed toward the pool mean μ
 *
 * i.e. "will this user buy soon" times "which of these items would it be": the user's recent,
 * still-warm engagement with an item, with the item's conversion rate as the prior for items the
 * user has not touched. The user's likeliest item scores P_u. A user DUVE has never seen gets
 * P_u = 0 and scores of 0.
 *
 * Under min-max normalisation only share(u, i) orders a feed. A strategy that marks this scorer
 * `normalize: "none"` (strategies/ltv.json does) blends the absolute score instead, so P_u sets
 * how much the purchase term counts: a likely buyer's feed leans towards the items they are
 * warm on, an unlikely buyer's towards commercial performance.
 */
import { eventTypeIndex } from '../../domain/events';
import { DUVE_INPUT } from '../../ml/duve/export';
import { defineScorer } from '../sdk/contract';
import type { DuveEngine } from './engine';

export interface DuvePurchaseOptions {
  /** The ONNX value head of the engine's model version. */
  readonly modelUri: string;
  /**
   * Names of the value head's input columns (the model's raw feature layout): registration then
   * checks the ONNX input is float32 [N, columns.length]. Default: the input is checked by name only.
   */
  readonly columns?: readonly string[];
  /** The model's other inputs (DUVE v2's graph also takes the event window); declared by name. Default none. */
  readonly otherInputs?: readonly string[];
  /** Weight of the item conversion prior against the user's own engagement. Default 0.5. */
  readonly beta?: number;
  /** Prior strength of the conversion rate, in visits. Default 20. */
  readonly alpha?: number;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
}

const VIEW = eventTypeIndex('view');
const CLICK = eventTypeIndex('click');
const PURCHASE = eventTypeIndex('purchase');
const exp = Math.exp;

/** `current()` returns the engine of the model version being served (it changes on a hot swap). */
export function createDuvePurchaseScorer(current: () => DuveEngine, opts: DuvePurchaseOptions) {
  const beta = opts.beta ?? 0.5;
  const alpha = opts.alpha ?? 20;
  return defineScorer({
    id: 'duve/purchase',
    version: '1.0.0',
    features: ['user.history', 'item.stats'] as const,
    model: { uri: opts.modelUri, inputs: [opts.columns ? { name: DUVE_INPUT, columns: opts.columns } : DUVE_INPUT, ...(opts.otherInputs ?? [])] },
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup() {
      return {
        async score({ userId, itemIds, features, now }) {
          const engine = current();
          const layout = engine.layout;
          const n = itemIds.length;
          const out = new Float32Array(n);
          const value = (await engine.values([userId])).get(userId);
          if (value === undefined) return out;
          const index = new Map<string, number>();
          itemIds.forEach((id, i) => index.set(id, i));
          const affinity = new Float64Array(n);
          for (const h of features['user.history']) {
            const i = index.get(h.itemId);
            if (i === undefined) continue;
            const k = layout.typeIndex.get(h.type);
            const rate = k === undefined ? slowestRate(layout.ratePerMs) : layout.ratePerMs[k]!;
            affinity[i] = affinity[i]! + exp(-rate * Math.max(0, now - h.ts));
          }
          const stats = features['item.stats'];
          const traffic = new Float64Array(n);
          const bought = new Float64Array(n);
          let sumTraffic = 0;
          let sumBought = 0;
          stats.forEach((s, i) => {
            if (s === null) return;
            traffic[i] = s.decayed[VIEW]! + s.decayed[CLICK]!;
            bought[i] = s.decayed[PURCHASE]!;
            sumTraffic += traffic[i]!;
            sumBought += bought[i]!;
          });
          const mu = sumTraffic > 0 ? sumBought / sumTraffic : 0;
          // share(u, i) / max share = w_i / max w (the normalising total cancels).
          const w = new Float64Array(n);
          let top = 0;
          for (let i = 0; i < n; i++) {
            w[i] = affinity[i]! + beta * ((bought[i]! + alpha * mu) / (traffic[i]! + alpha));
            if (w[i]! > top) top = w[i]!;
          }
          if (top > 0) for (let i = 0; i < n; i++) out[i] = (value.purchaseProbability * w[i]!) / top;
          return out;
        },
      };
    },
  });
}

function slowestRate(rates: Float64Array): number {
  let m = Infinity;
  for (const r of rates) if (r < m) m = r;
  return m;
}
