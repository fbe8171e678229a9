/**
 * The `ira/policy` scorer (Contract C): the IRA Q-network as a policy that serves its own list.
 *
 * Per request:
 *   1. settings (per strategy, so per experiment variant; `iraSettings`): γ1, γ2, the value source,
 *      its refresh period, the policy line, the exploration and the pool size;
 *   2. the user's value reading from the line's UserValueSource (Contract A) as of the last refresh
 *      boundary (`refreshMinutes`);
 *   3. the Q-network input for every retrieved candidate (features.ts iraFeatureRows);
 *   4. Q from the line's current ONNX session (service.current: hot-swapped by the service; version 0
 *      is the heuristic, served before any trained version);
 *   5. a slate drawn over the top `pool` candidates by Q (explore.ts) with per-slot propensities;
 *   6. the decision (pool, its features and Q, the slate, the propensities, v_long before) handed to
 *      service.recordDecision after the answer (setImmediate: off the critical path);
 *   7. the answer `{ scores: Q, ranking: { order, propensities, policy: 'ira/policy@<version>', decisionId } }`.
 *
 * A frozen line (service.frozen) serves greedily (propensity 1 per slot) and records no decision:
 * a frozen policy must not learn, and greedy slates carry no exploration for off-policy use. The
 * served exposure then has no decision id. A line without a servable session, a model that fails
 * or answers badly, or a named value source that does not exist makes the scorer throw: the
 * pipeline serves the strategy's baseline (blend + diversity) and lists `ira/policy` in `degraded`.
 * A slow model is cut by the scorer's deadline (`timeoutMs`, default 50 ms) with the same fallback.
 *
 * Settings (all optional): `{ "gamma1": 0.6, "gamma2": 0.4, "value": "v2", "refreshMinutes": 15,
 * "line": "...", "explore": "boltzmann" | "epsilon" | "off", "temperature": 0.1, "epsilon": 0.1,
 * "pool": 30 }`. `value` defaults to the first value source given (none: the user part of the
 * features is flagged missing). `line` defaults to `g<γ1>-<γ2>.<value>.r<refreshMinutes>`
 * (iraLineName): the settings that change what the Q-network learns; exploration settings do
 * not change the line (they change how it acts, not its target).
 */
import { randomUUID } from 'node:crypto';
import { QNET_INPUT, QNET_OUTPUT } from '../../ml/dqn/onnx';
import type { ScorerPlugin, ScorerSettings, ScoredWithRanking } from '../sdk/contract';
import { mulberry32 } from '../sdk/random';
import { exploreMethod, sampleSlate, topPool } from './explore';
import { IRA_DIM, IRA_FEATURE_KEYS, iraFeatureRows } from './features';
import type { IraPolicyService } from './service';
import type { IraDecision } from './types';
import type { UserValueSource } from './value';

export const IRA_SCORER_ID = 'ira/policy';

export interface IraSettings {
  readonly gamma1: number;
  readonly gamma2: number;
  /** Value source id, or null when none is configured. */
  readonly value: string | null;
  readonly refreshMinutes: number;
  readonly line: string;
  readonly explore: 'boltzmann' | 'epsilon' | 'off';
  readonly temperature: number;
  readonly epsilon: number;
  readonly pool: number;
}

export const IRA_DEFAULTS = { gamma1: 0.6, gamma2: 0.4, refreshMinutes: 15, explore: 'boltzmann', temperature: 0.1, epsilon: 0.1, pool: 30 } as const;

/** The default line of a setting: `g0.6-0.4.v2.r15` (value `none` without a source). */
export function iraLineName(s: { readonly gamma1: number; readonly gamma2: number; readonly value: string | null; readonly refreshMinutes: number }): string {
  return `g${s.gamma1}-${s.gamma2}.${s.value ?? 'none'}.r${s.refreshMinutes}`;
}

/** Parsed settings per value-source set, per settings object. */
const parsed = new WeakMap<object, WeakMap<object, IraSettings>>();

/**
 * The request's settings with defaults; a bad value throws naming the setting (the scorer drops
 * out of that request and the baseline is served). Cached per settings object and value-source set
 * (the gateway hands the same frozen object on every request of a strategy).
 */
export function iraSettings(settings: ScorerSettings | undefined, sources: Readonly<Record<string, UserValueSource>>): IraSettings {
  const key = settings ?? NONE;
  let cache = parsed.get(sources);
  if (!cache) parsed.set(sources, (cache = new WeakMap()));
  const hit = cache.get(key);
  if (hit) return hit;
  const s = settings ?? {};
  const num = (name: string, dflt: number, lo: number, hi: number, integer = false): number => {
    const v = s[name] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      throw new RangeError(`${IRA_SCORER_ID} settings.${name} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`);
    }
    return v;
  };
  const gamma1 = num('gamma1', IRA_DEFAULTS.gamma1, 0, 1);
  const gamma2 = num('gamma2', IRA_DEFAULTS.gamma2, 0, 1);
  const refreshMinutes = num('refreshMinutes', IRA_DEFAULTS.refreshMinutes, 0, 7 * 24 * 60);
  const temperature = num('temperature', IRA_DEFAULTS.temperature, 1e-6, 1e6);
  const epsilon = num('epsilon', IRA_DEFAULTS.epsilon, 0, 1);
  const pool = num('pool', IRA_DEFAULTS.pool, 1, 10_000, true);
  const explore = s.explore ?? IRA_DEFAULTS.explore;
  if (explore !== 'boltzmann' && explore !== 'epsilon' && explore !== 'off') throw new RangeError(`${IRA_SCORER_ID} settings.explore must be "boltzmann", "epsilon" or "off"`);
  const ids = Object.keys(sources);
  let value: string | null = ids[0] ?? null;
  if (s.value !== undefined) {
    if (typeof s.value !== 'string' || !(s.value in sources))
      throw new RangeError(`${IRA_SCORER_ID} settings.value must name a value source (${ids.length > 0 ? ids.join(', ') : 'none configured'}), got ${JSON.stringify(s.value)}`);
    value = s.value;
  }
  let line = iraLineName({ gamma1, gamma2, value, refreshMinutes });
  if (s.line !== undefined) {
    if (typeof s.line !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(s.line))
      throw new RangeError(`${IRA_SCORER_ID} settings.line must be 1-128 characters of letters, digits and . _ : -`);
    line = s.line;
  }
  const out: IraSettings = Object.freeze({ gamma1, gamma2, value, refreshMinutes, line, explore, temperature, epsilon, pool });
  cache.set(key, out);
  return out;
}
const NONE = Object.freeze({});

export interface IraScorerOptions {
  /** The IRA runtime's service (plugins/ira/index.ts createIraRuntime). Only current, frozen and recordDecision are used. */
  readonly service: Pick<IraPolicyService, 'current' | 'frozen' | 'recordDecision'>;
  /** Value sources by id (Contract A); settings.value picks one. */
  readonly valueSources: Readonly<Record<string, UserValueSource>>;
  /** Seed of the exploration draws. Default 1. */
  readonly seed?: number;
  /** Per-request deadline (ms). Default 50. */
  readonly timeoutMs?: number;
  /** Slots drawn when the request carries no context. Default 10. */
  readonly defaultSlots?: number;
  /** Scorer version (semver). Default 1.0.0. */
  readonly version?: string;
}

export function createIraScorer(o: IraScorerOptions): ScorerPlugin<typeof IRA_FEATURE_KEYS> {
  return {
    id: IRA_SCORER_ID,
    version: o.version ?? '1.0.0',
    features: IRA_FEATURE_KEYS,
    timeoutMs: o.timeoutMs ?? 50,
    async setup(ctx) {
      const rng = mulberry32(o.seed ?? 1);
      return {
        async score({ userId, itemIds, features, now, signal, settings, context }): Promise<Float32Array | ScoredWithRanking> {
          const n = itemIds.length;
          if (n === 0) return new Float32Array(0);
          const s = iraSettings(settings, o.valueSources);
          const served = o.service.current(s.line);
          if (served === null) throw new Error(`IRA line ${s.line} has no servable version yet`);
          const source = s.value !== null ? o.valueSources[s.value]! : null;
          const reading = source ? source.read(userId, now, s.refreshMinutes > 0 ? { refreshMinutes: s.refreshMinutes } : undefined) : null;
          const surface = context?.surface ?? 'home';
          const rows = iraFeatureRows({
            reading,
            surface,
            now,
            history: features['user.history'],
            itemIds,
            stats: features['item.stats'],
            meta: features['item.meta'],
            historyItems: features['user.historyItems'],
          });
          const out = (await served.session.run({ [QNET_INPUT]: { data: rows, dims: [n, IRA_DIM] } }))[QNET_OUTPUT];
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
          if (!out || out.data.length !== n) throw new Error(`IRA line ${s.line}@${served.version}: output "${QNET_OUTPUT}" has ${out?.data.length ?? 0} values for ${n} candidates`);
          const q = out.data instanceof Float32Array ? out.data : Float32Array.from(out.data);
          for (let i = 0; i < n; i++) if (!Number.isFinite(q[i]!)) throw new Error(`IRA line ${s.line}@${served.version}: Q of candidate ${i} is ${q[i]}`);

          const frozen = o.service.frozen(s.line);
          const method = frozen ? 'greedy' : exploreMethod(s.explore);
          const slots = Math.min(n, s.pool, context?.limit ?? o.defaultSlots ?? 10);
          const slate = sampleSlate(q, { method, temperature: s.temperature, epsilon: s.epsilon, pool: s.pool, slots, rng });
          const policy = `${IRA_SCORER_ID}@${served.version}`;
          if (frozen) return { scores: q, ranking: { order: slate.shown, propensities: slate.propensities, policy } };

          const decisionId = context?.requestId ?? randomUUID();
          const poolIdx = topPool(q, s.pool);
          const at = new Map(poolIdx.map((c, p) => [c, p] as const));
          const poolFeatures = new Float32Array(poolIdx.length * IRA_DIM);
          poolIdx.forEach((c, p) => poolFeatures.set(rows.subarray(c * IRA_DIM, (c + 1) * IRA_DIM), p * IRA_DIM));
          const decision: IraDecision = {
            decisionId,
            userId,
            ts: now,
            surface,
            line: s.line,
            version: served.version,
            gamma1: s.gamma1,
            gamma2: s.gamma2,
            explore: { method, temperature: s.temperature, epsilon: s.epsilon },
            pool: poolIdx.map((c) => itemIds[c]!),
            features: poolFeatures,
            q: Float32Array.from(poolIdx, (c) => q[c]!),
            shown: slate.shown.map((c) => at.get(c)!),
            propensities: slate.propensities,
            valueBefore: reading?.value ?? null,
            ...(s.value !== null ? { valueSource: s.value } : {}),
            ...(s.refreshMinutes > 0 ? { refreshMinutes: s.refreshMinutes } : {}),
          };
          // After the answer: the request never waits for the decision log.
          setImmediate(() => {
            try {
              o.service.recordDecision(decision);
            } catch (err) {
              ctx.logger.warn({ err, line: s.line, decisionId }, 'ira/policy: recording a decision failed');
            }
          });
          return { scores: q, ranking: { order: slate.shown, propensities: slate.propensities, policy, decisionId } };
        },
      };
    },
  };
}
