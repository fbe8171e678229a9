/**
 * `suggestQueries`: the known queries starting with a prefix, ranked for a user's intent
 * (rank.ts) over a snapshot of the store's searches and the latest dpgcn artifact (snapshot.ts).
 *
 * Freshness: the snapshot is rebuilt when it is at least `refreshMs` old and the store has new
 * events or a newer artifact version is published; a request meanwhile answers from the old
 * snapshot (one rebuild at a time, off the answer's path). Only the first request waits for a build.
 */
import { checkId } from '../../../domain/validate';
import { normaliseQuery } from '../../../domain/events';
import { ErrorCode } from '../../../errors/codes';
import { CodedError } from '../../../errors/errors';
import type { GraphStore } from '../../../graph/port';
import { publishedVersions } from '../../../ml/artifacts';
import { DEFAULT_SUGGEST_WEIGHTS, NO_INTENT, rankQueries, recencyWeights, type Suggestion, type SuggestWeights, type UserIntent } from './rank';
import { buildSnapshot, readLatestQueryArtifact, type QueryArtifact, type SuggestSnapshot } from './snapshot';

/** Longest prefix accepted (after normalisation). */
export const MAX_PREFIX_LENGTH = 200;
/** Most suggestions per request. */
export const MAX_SUGGEST_LIMIT = 50;
export const DEFAULT_SUGGEST_LIMIT = 10;

export interface QuerySuggesterOptions {
  readonly store: GraphStore;
  /** Folder of versioned dpgcn artifacts `<n>/` (DPGCN_MODELS_DIR); null: none (popularity and recency only). */
  readonly artifactDir: string | null;
  /** Least age (ms) before a changed store or artifact triggers a rebuild. Default 60,000. */
  readonly refreshMs?: number;
  /** Half-life (ms) of a user's own searches in the recency term. Default 7 days. */
  readonly recencyHalfLifeMs?: number;
  /** Searches kept per user for the recency term. Default 20. */
  readonly recentPerUser?: number;
  /** Term weights. Default DEFAULT_SUGGEST_WEIGHTS. */
  readonly weights?: SuggestWeights;
  /** Clock (ms). Default Date.now. */
  readonly clock?: () => number;
  /** Told when a background rebuild fails (the old snapshot keeps serving). Default: ignored. */
  readonly onError?: (err: Error) => void;
}

export interface SuggestInput {
  readonly userId: unknown;
  readonly prefix?: unknown;
  readonly limit?: unknown;
}

export interface SuggestResult {
  readonly userId: string;
  /** The prefix as matched (normalised like query text). */
  readonly prefix: string;
  readonly suggestions: readonly Suggestion[];
  /** True when the user had no vector (unknown to the artifact, or no artifact): popularity and recency only. */
  readonly coldStart: boolean;
  /** The dpgcn artifact version used, null without one. */
  readonly artifactVersion: number | null;
}

export interface QuerySuggester {
  suggest(input: SuggestInput): Promise<SuggestResult>;
  /** Rebuild the snapshot now (waits for it). */
  refresh(): Promise<void>;
}

const invalid = (field: string, message: string): CodedError => new CodedError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });

/** The checked request: throws BAD_USER_INPUT naming `userId`, `prefix` or `limit`. */
export function checkSuggestInput(input: SuggestInput): { userId: string; prefix: string; limit: number } {
  const id = checkId('userId', input.userId);
  if (!id.ok) throw invalid('userId', id.problem.message);
  let prefix = '';
  if (input.prefix !== undefined && input.prefix !== null) {
    if (typeof input.prefix !== 'string') throw invalid('prefix', 'must be a string');
    if (input.prefix.length > 4 * MAX_PREFIX_LENGTH) throw invalid('prefix', `must be at most ${MAX_PREFIX_LENGTH} characters (got ${input.prefix.length})`);
    prefix = normaliseQuery(input.prefix);
    if (prefix.length > MAX_PREFIX_LENGTH) throw invalid('prefix', `must be at most ${MAX_PREFIX_LENGTH} characters after normalisation (got ${prefix.length})`);
  }
  let limit = DEFAULT_SUGGEST_LIMIT;
  if (input.limit !== undefined && input.limit !== null) {
    if (typeof input.limit !== 'number' || !Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_SUGGEST_LIMIT) {
      throw invalid('limit', `must be an integer between 1 and ${MAX_SUGGEST_LIMIT} (got ${JSON.stringify(input.limit)})`);
    }
    limit = input.limit;
  }
  return { userId: id.value, prefix, limit };
}

export function createQuerySuggester(o: QuerySuggesterOptions): QuerySuggester {
  const refreshMs = o.refreshMs ?? 60_000;
  const halfLife = o.recencyHalfLifeMs ?? 7 * 86_400_000;
  const weights = o.weights ?? DEFAULT_SUGGEST_WEIGHTS;
  const clock = o.clock ?? Date.now;
  let snap: SuggestSnapshot | null = null;
  let builtAt = 0;
  let building: Promise<SuggestSnapshot> | null = null;

  const latestVersion = async (): Promise<number | null> => {
    if (o.artifactDir === null) return null;
    const v = await publishedVersions(o.artifactDir);
    return v[v.length - 1] ?? null;
  };

  const rebuild = (): Promise<SuggestSnapshot> => {
    building ??= (async () => {
      try {
        const version = await latestVersion();
        let artifact: QueryArtifact | null = snap?.artifact ?? null;
        if (version !== (artifact?.version ?? null)) artifact = o.artifactDir === null || version === null ? null : await readLatestQueryArtifact(o.artifactDir);
        const next = await buildSnapshot(o.store, artifact, { recentPerUser: o.recentPerUser ?? 20 });
        snap = next;
        builtAt = clock();
        return next;
      } finally {
        building = null;
      }
    })();
    return building;
  };

  const stale = async (s: SuggestSnapshot): Promise<boolean> => {
    if (clock() - builtAt < refreshMs) return false;
    if ((await o.store.counts()).events !== s.storeEvents) return true;
    const v = await latestVersion();
    return v !== (s.artifact?.version ?? null);
  };

  const current = async (): Promise<SuggestSnapshot> => {
    if (snap === null) return building ?? rebuild();
    const s = snap;
    if (building === null && (await stale(s))) rebuild().catch((err: Error) => o.onError?.(err));
    return s;
  };

  return {
    async suggest(input) {
      const { userId, prefix, limit } = checkSuggestInput(input);
      const s = await current();
      const row = s.userRows.get(userId);
      const dims = s.artifact?.dims ?? 0;
      const vector = row === undefined || s.artifact === null ? null : s.artifact.users.subarray(row * dims, (row + 1) * dims);
      const own = s.searches.get(userId);
      const intent: UserIntent = vector === null && own === undefined ? NO_INTENT : { vector, recent: own === undefined ? new Map() : recencyWeights(s.index, own, s.latestSearchTs, halfLife) };
      return {
        userId,
        prefix,
        suggestions: rankQueries(s.index, intent, prefix, limit, weights),
        coldStart: vector === null,
        artifactVersion: s.artifact?.version ?? null,
      };
    },
    async refresh() {
      await rebuild();
    },
  };
}
