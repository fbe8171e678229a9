/**
 * Run scorers concurrently, each under its own deadline, isolating failures: a scorer that
 * throws, hangs, or returns a wrong-length / non-finite vector is dropped and reported; it never
 * fails the request.
 */
import { ErrorCode } from '../../errors/codes';
import type { ScorerSettings } from './contract';
import type { FeatureKey, FeatureValues } from './features';
import type { RegisteredScorer } from './registry';

export type ScorerOutcome =
  | { readonly ok: true; readonly scorer: RegisteredScorer; readonly scores: Float32Array; readonly ms: number }
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
}

/** The settings a scorer gets when its strategy entry has none: one frozen object, no per-request allocation. */
const NO_SETTINGS: ScorerSettings = Object.freeze({});

class Deadline extends Error {}

function pick(features: Partial<FeatureValues>, keys: readonly FeatureKey[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = features[k];
  return out;
}

/** Why a score vector is unusable, or null if it is fine. */
export function checkScores(scores: unknown, expected: number): string | null {
  if (!(scores instanceof Float32Array)) return 'score() must resolve to a Float32Array';
  if (scores.length !== expected) return `returned ${scores.length} scores for ${expected} candidates`;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) return `score ${i} is ${scores[i]}`;
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
    const scores = await Promise.race([
      Promise.resolve().then(() => r.scorer.score({ userId: input.userId, itemIds: input.itemIds, features: pick(input.features, r.features) as never, now: input.now, signal: ctl.signal, settings })),
      deadline,
    ]);
    const ms = performance.now() - started;
    const problem = checkScores(scores, input.itemIds.length);
    if (problem) return { ok: false, scorer: r, code: ErrorCode.SCORER_BAD_OUTPUT, message: problem, ms };
    return { ok: true, scorer: r, scores: scores as Float32Array, ms };
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
