/**
 * The load of bench:swap: autocannon POSTs feed queries and every answer is read, not only timed,
 * so a swap that drops a request (non-2xx, transport error, GraphQL `errors`) or serves a feed
 * without the published scorer (dropped from the blend into `degraded`, or absent) is counted.
 * Each answer's scorer versions are noted with the time they were first seen, which is when a
 * promoted version became visible to frontends.
 */
import autocannon from 'autocannon';
import { summarise, type LatencySummary } from './stats';

/** What one feed answer says about the watched scorer. */
export interface FeedAnswer {
  /** `ok`: 2xx with `data.feed`; `graphql-error`: a body with `errors` or without a feed; `non-2xx`: any other status. */
  readonly kind: 'ok' | 'graphql-error' | 'non-2xx';
  /** Codes of `feed.degraded` entries (any scorer), empty when none. */
  readonly degradedCodes: readonly string[];
  /** Versions of the watched scorer in the items' contributions. */
  readonly versions: readonly string[];
  /** The feed has items and at least one of them has no contribution from the watched scorer. */
  readonly missingScorer: boolean;
}

interface FeedBody {
  data?: { feed?: { items?: Array<{ contributions?: Array<{ scorerId?: string; version?: string }> }>; degraded?: Array<{ code?: string }> } | null } | null;
  errors?: unknown;
}

/** Classify one HTTP answer to the FEED query of scorer-swap.ts, watching `scorerId`. */
export function classifyFeedAnswer(status: number, body: string, scorerId: string): FeedAnswer {
  const none: FeedAnswer = { kind: 'non-2xx', degradedCodes: [], versions: [], missingScorer: false };
  if (status < 200 || status > 299) return none;
  let json: FeedBody;
  try {
    json = JSON.parse(body) as FeedBody;
  } catch {
    return { ...none, kind: 'graphql-error' };
  }
  const feed = json.data?.feed;
  if (json.errors !== undefined || !feed) return { ...none, kind: 'graphql-error' };
  const items = feed.items ?? [];
  const versions = new Set<string>();
  let missing = false;
  for (const item of items) {
    const c = (item.contributions ?? []).find((x) => x.scorerId === scorerId);
    if (c === undefined) missing = true;
    else if (typeof c.version === 'string') versions.add(c.version);
  }
  return { kind: 'ok', degradedCodes: (feed.degraded ?? []).map((d) => String(d.code)), versions: [...versions], missingScorer: missing };
}

export interface CheckedLoadResult {
  readonly connections: number;
  readonly durationS: number;
  readonly latencyMs: LatencySummary;
  readonly reqPerSec: number;
  readonly requests: number;
  readonly non2xx: number;
  /** Connection errors, timeouts included (autocannon `errors`). */
  readonly transportErrors: number;
  readonly timeouts: number;
  /** 2xx answers with `errors` or without a feed. */
  readonly graphqlErrors: number;
  /** non2xx + transportErrors + graphqlErrors. */
  readonly dropped: number;
  /** Answers whose `feed.degraded` is not empty, and how many entries of each code. */
  readonly degraded: number;
  readonly degradedByCode: Readonly<Record<string, number>>;
  /** Answers with items of which at least one has no contribution from the watched scorer. */
  readonly missingScorer: number;
  /** Answers carrying each version of the watched scorer. */
  readonly answersByVersion: Readonly<Record<string, number>>;
  /** Epoch ms at which each version of the watched scorer was first seen in an answer. */
  readonly firstSeenAt: Readonly<Record<string, number>>;
}

export interface CheckedLoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Seconds. */
  readonly duration: number;
  /** A fresh request body per request (varies the user). */
  readonly body: () => string;
  /** Sent on every request (the frontend key). */
  readonly headers: Record<string, string>;
  /** The scorer whose presence and versions are checked. */
  readonly scorerId: string;
}

/** Run autocannon against `url` and classify every answer (see classifyFeedAnswer). */
export async function checkedLoad(o: CheckedLoadOptions): Promise<CheckedLoadResult> {
  const times: number[] = [];
  let graphqlErrors = 0;
  let degraded = 0;
  let missingScorer = 0;
  const degradedByCode: Record<string, number> = {};
  const answersByVersion: Record<string, number> = {};
  const firstSeenAt: Record<string, number> = {};
  const onResponse = (status: number, body: string): void => {
    const a = classifyFeedAnswer(status, body, o.scorerId);
    if (a.kind === 'graphql-error') graphqlErrors++;
    if (a.kind !== 'ok') return;
    if (a.degradedCodes.length > 0) degraded++;
    for (const c of a.degradedCodes) degradedByCode[c] = (degradedByCode[c] ?? 0) + 1;
    if (a.missingScorer) missingScorer++;
    const now = Date.now();
    for (const v of a.versions) {
      answersByVersion[v] = (answersByVersion[v] ?? 0) + 1;
      firstSeenAt[v] ??= now;
    }
  };
  const opts = {
    url: o.url,
    connections: o.connections,
    duration: o.duration,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...o.headers },
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: o.body() }), onResponse }],
  } as unknown as autocannon.Options;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err: Error | null, res: autocannon.Result) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_c: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
  return {
    connections: o.connections,
    durationS: o.duration,
    latencyMs: summarise(times),
    reqPerSec: Math.round((result.requests.total / o.duration) * 10) / 10,
    requests: result.requests.total,
    non2xx: result.non2xx,
    transportErrors: result.errors,
    timeouts: result.timeouts,
    graphqlErrors,
    dropped: result.non2xx + result.errors + graphqlErrors,
    degraded,
    degradedByCode,
    missingScorer,
    answersByVersion,
    firstSeenAt,
  };
}
