/**
 * Run scorers concurrently, each under its own deadline, isolating failures: a scorer that
 * throws, hangs, or returns a wrong-length / non-finite vector is dropped and reported; it never
 * fails the request.
 */
import { ErrorCode } from '../../errors/codes';
import type { PolicyRanking, ScoreContext, ScorerSettings } from './contract';
import type { FeatureKey, FeatureValues } from './features';
import type { RegisteredScorer } from './registry';

export type ScorerOutcome =
  | {
      readonly ok: true;
      readonly scorer: RegisteredScorer;
      readonly scores: Float32Array;
      /** The scorer's own served list, when it answered with a well-formed one (ScoredWithRanking); else null. */
      readonly ranking: PolicyRanking | null;
      /** Why an answered ranking was dropped (malformed), else absent. */
      readonly rankingProblem?: string;
      readonly ms: number;
    }
  | {
      readonly ok: false;
      readonly scorer: RegisteredScorer;
      readonly code: ErrorCode.SCORER_TIMEOUT | ErrorCode.SCORER_FAILED | ErrorCode.SCORER_BAD_OUTPUT;
      readonly message: string;
      readonly ms: number;
    };

export interface RunScorersInput {
  readonly userId: string;
  readonly itemIds: readonly string[];
  /** Loaded features (a superset of what each scorer declared). */
  readonly features: Partial<FeatureValues>;
  readonly now: number;
  /** The request's own signal (client gone, request answered); each scorer's signal follows it. Default none. */
  readonly signal?: AbortSignal;
  /** Settings per scorer, aligned with the `scorers` array (the strategy's `scorers[i].settings`). Default none: every scorer gets `{}`. */
  readonly settings?: ReadonlyArray<ScorerSettings | undefined>;
  /** The request's surface, served length and id (`ScoreRequest.context`). Default none. */
  readonly context?: ScoreContext;
}

/** The settings a scorer gets when its strategy entry has none: one frozen object, no per-request allocation. */
const NO_SETTINGS: ScorerSettings = Object.freeze({});

class Deadline extends Error {}

function pick(features: Partial<FeatureValues>, keys: readonly FeatureKey[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = features[k];
  return out;
}

/** The scores of an answer of either shape (Float32Array, or `{ scores, ranking }`), or the answer itself when it is neither. */
function unwrapScores(out: unknown): unknown {
  if (out instanceof Float32Array || out === null || typeof out !== 'object') return out;
  return 'scores' in out && 'ranking' in out ? (out as { scores: unknown }).scores : out;
}

/** Why a score vector (or the scores of a `{ scores, ranking }` answer) is unusable, or null if it is fine. */
export function checkScores(out: unknown, expected: number): string | null {
  const scores = unwrapScores(out);
  if (!(scores instanceof Float32Array)) return 'score() must resolve to a Float32Array or { scores: Float32Array, ranking }';
  if (scores.length !== expected) return `returned ${scores.length} scores for ${expected} candidates`;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) return `score ${i} is ${scores[i]}`;
  }
  return null;
}

/**
 * Why a ranking is unusable, or null if it is fine: `order` must hold distinct integer indices
 * into the candidates, `propensities` one probability in (0, 1] per slot, `policy` a non-empty string.
 */
export function checkRanking(ranking: unknown, candidates: number): string | null {
  if (ranking === null || typeof ranking !== 'object') return 'ranking must be an object';
  const r = ranking as Partial<PolicyRanking>;
  if (!Array.isArray(r.order)) return 'ranking.order must be an array';
  if (!Array.isArray(r.propensities) || r.propensities.length !== r.order.length) return 'ranking.propensities must have one entry per slot of ranking.order';
  if (typeof r.policy !== 'string' || r.policy.length === 0) return 'ranking.policy must be a non-empty string';
  if (r.decisionId !== undefined && typeof r.decisionId !== 'string') return 'ranking.decisionId must be a string';
  const seen = new Set<number>();
  for (let k = 0; k < r.order.length; k++) {
    const i = r.order[k];
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= candidates) return `ranking.order[${k}] is not a candidate index`;
    if (seen.has(i)) return `ranking.order[${k}] repeats candidate ${i}`;
    seen.add(i);
    const p = r.propensities[k];
    if (typeof p !== 'number' || !(p > 0 && p <= 1)) return `ranking.propensities[${k}] is ${String(p)}, not in (0, 1]`;
  }
  return null;
}

async function runOne(r: RegisteredScorer, input: RunScorersInput, settings: ScorerSettings): Promise<ScorerOutcome> {
  const started = performance.now();
  const ctl = new AbortController();
  const onParentAbort = (): void => ctl.abort(input.signal?.reason);
  // A request that already ended fires no further 'abort' event: pass its state on now.
  if (input.signal?.aborted) onParentAbort();
  else input.signal?.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctl.abort(new Deadline(`deadline of ${r.timeoutMs} ms passed`));
      reject(new Deadline(`no answer within ${r.timeoutMs} ms`));
    }, r.timeoutMs);
  });
  try {
    const out = await Promise.race([
      Promise.resolve().then(() =>
        r.scorer.score({
          userId: input.userId,
          itemIds: input.itemIds,
          features: pick(input.features, r.features) as never,
          now: input.now,
          signal: ctl.signal,
          settings,
          ...(input.context ? { context: input.context } : {}),
        }),
      ),
      deadline,
    ]);
    const ms = performance.now() - started;
    const problem = checkScores(out, input.itemIds.length);
    if (problem) return { ok: false, scorer: r, code: ErrorCode.SCORER_BAD_OUTPUT, message: problem, ms };
    if (out instanceof Float32Array) return { ok: true, scorer: r, scores: out, ranking: null, ms };
    const { scores, ranking } = out as { scores: Float32Array; ranking: unknown };
    const rankingProblem = checkRanking(ranking, input.itemIds.length);
    if (rankingProblem) return { ok: true, scorer: r, scores, ranking: null, rankingProblem, ms };
    return { ok: true, scorer: r, scores, ranking: ranking as PolicyRanking, ms };
  } catch (err) {
    const ms = performance.now() - started;
    if (err instanceof Deadline) return { ok: false, scorer: r, code: ErrorCode.SCORER_TIMEOUT, message: err.message, ms };
    return { ok: false, scorer: r, code: ErrorCode.SCORER_FAILED, message: (err as Error)?.message ?? String(err), ms };
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onParentAbort);
  }
}

/** Run every scorer concurrently; resolves when each has answered or hit its deadline. */
export function runScorers(scorers: readonly RegisteredScorer[], input: RunScorersInput): Promise<ScorerOutcome[]> {
  return Promise.all(scorers.map((s, i) => runOne(s, input, input.settings?.[i] ?? NO_SETTINGS)));
}
