/**
 * Scoring stages of one request. First stage: every scorer of the strategy that does not read
 * other scorers' outputs, run concurrently under their own deadlines. Second stage: the scorers
 * that declare `scores.firstStage` (learned rankers), run on the first stage's raw outputs.
 * Zero-weight scorers are run only when a second stage exists (their outputs are its features,
 * and they appear in the explanation with weight 0). Failures are isolated per scorer. The
 * strategy's policy scorer (`policy.scorer`) is always run, whatever its weight; its ranking, when
 * it answers with a well-formed one, comes back as `ranking`.
 */
import { ErrorCode } from '../errors/codes';
import type { PolicyRanking, ScoreContext, ScorerSettings } from '../plugins/sdk/contract';
import type { FeatureKey, FeatureValues } from '../plugins/sdk/features';
import { SECOND_STAGE_FEATURE } from '../plugins/sdk/features';
import type { RegisteredScorer, ScorerRegistry } from '../plugins/sdk/registry';
import { runScorers } from '../plugins/sdk/run';
import type { ScorerColumn } from './blend';
import type { DegradedScorer } from './feed';
import type { Strategy } from './strategy';

export interface StrategyMember {
  readonly reg: RegisteredScorer;
  readonly weight: number;
  readonly normalize?: 'minmax' | 'none';
  readonly stage: 1 | 2;
  /** The strategy entry's settings for this scorer (`ScoreRequest.settings`); absent: `{}`. */
  readonly settings?: ScorerSettings;
  /** True for the strategy's policy scorer (`policy.scorer`): its ranking is served. */
  readonly policy?: boolean;
}

/** The strategy's scorers, resolved in the registry (throws RangeError on an unregistered id). */
export function strategyMembers(strategy: Strategy, registry: ScorerRegistry): StrategyMember[] {
  const all = strategy.scorers.map((s) => {
    const reg = registry.get(s.id, s.version);
    if (!reg) throw new RangeError(`strategy ${strategy.id} names unregistered scorer ${s.id}${s.version ? `@${s.version}` : ''}`);
    const stage: 1 | 2 = reg.features.includes(SECOND_STAGE_FEATURE) ? 2 : 1;
    const policy = strategy.policy?.scorer === s.id;
    return { reg, weight: s.weight, stage, ...(s.normalize ? { normalize: s.normalize } : {}), ...(s.settings ? { settings: s.settings } : {}), ...(policy ? { policy } : {}) };
  });
  const twoStage = all.some((m) => m.stage === 2 && m.weight > 0);
  return all.filter((m) => m.weight > 0 || m.policy === true || (twoStage && m.stage === 1));
}

export interface StageInput {
  readonly userId: string;
  readonly itemIds: readonly string[];
  readonly features: Partial<FeatureValues>;
  readonly now: number;
  readonly signal?: AbortSignal | undefined;
  /** The request's surface, served length and id, handed to every scorer (`ScoreRequest.context`). */
  readonly context?: ScoreContext | undefined;
}

/** The policy scorer's served list for this request. */
export interface PolicyAnswer {
  readonly scorerId: string;
  readonly version: string;
  readonly ranking: PolicyRanking;
}

export interface StageResult {
  /** Answered scorers, first stage then second, with their strategy weights. */
  readonly columns: ScorerColumn[];
  readonly degraded: DegradedScorer[];
  readonly timings: Array<{ readonly scorerId: string; readonly version: string; readonly ms: number; readonly ok: boolean }>;
  /**
   * The policy scorer's ranking when it answered with a well-formed one; null otherwise (no
   * policy, or the policy failed, timed out, or answered without a usable ranking: then it is in
   * `degraded`, with SCORER_BAD_OUTPUT for a missing or malformed ranking).
   */
  readonly ranking: PolicyAnswer | null;
}

/**
 * Run both stages. When no positive-weight scorer answered but zero-weight ones did (the learned
 * ranker failed), the answered ones are blended with equal weights: the feed degrades to a plain
 * blend instead of an arbitrary order.
 */
export async function scoreCandidates(members: readonly StrategyMember[], input: StageInput): Promise<StageResult> {
  const columns: ScorerColumn[] = [];
  const degraded: DegradedScorer[] = [];
  const timings: StageResult['timings'] = [];
  let ranking: PolicyAnswer | null = null;
  if (input.itemIds.length === 0) return { columns, degraded, timings, ranking };
  const first = members.filter((m) => m.stage === 1);
  const second = members.filter((m) => m.stage === 2);
  const run = async (group: readonly StrategyMember[], features: Partial<FeatureValues>): Promise<Array<Float32Array | null>> => {
    if (group.length === 0) return [];
    const outcomes = await runScorers(
      group.map((m) => m.reg),
      {
        userId: input.userId,
        itemIds: input.itemIds,
        features,
        now: input.now,
        ...(input.signal ? { signal: input.signal } : {}),
        ...(group.some((m) => m.settings) ? { settings: group.map((m) => m.settings) } : {}),
        ...(input.context ? { context: input.context } : {}),
      },
    );
    return outcomes.map((o, i) => {
      const m = group[i]!;
      timings.push({ scorerId: m.reg.id, version: m.reg.version, ms: o.ms, ok: o.ok });
      if (o.ok) {
        columns.push({ scorerId: m.reg.id, version: m.reg.version, weight: m.weight, raw: o.scores, ...(m.normalize ? { normalize: m.normalize } : {}) });
        if (m.policy) {
          if (o.ranking) ranking = { scorerId: m.reg.id, version: m.reg.version, ranking: o.ranking };
          else
            degraded.push({
              scorerId: m.reg.id,
              version: m.reg.version,
              code: ErrorCode.SCORER_BAD_OUTPUT,
              message: o.rankingProblem ?? 'the policy scorer answered without a ranking: serving the blend',
            });
        }
        return o.scores;
      }
      degraded.push({ scorerId: m.reg.id, version: m.reg.version, code: o.code, message: o.message });
      return null;
    });
  };
  const firstColumns = await run(first, input.features);
  if (second.length > 0) {
    const firstStage: FeatureValues['scores.firstStage'] = { scorerIds: first.map((m) => m.reg.id), columns: firstColumns };
    await run(second, { ...input.features, [SECOND_STAGE_FEATURE as FeatureKey]: firstStage });
  }
  if (columns.length > 0 && columns.every((c) => c.weight === 0)) {
    return { columns: columns.map((c) => ({ ...c, weight: 1 })), degraded, timings, ranking };
  }
  return { columns, degraded, timings, ranking };
}
