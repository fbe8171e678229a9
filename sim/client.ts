/**
 * The simulator's GraphQL client: the operations a frontend and an experimenter send, over real
 * HTTP to the gateway. A GraphQL error with a public code is thrown as a CodedError (with its field).
 */
import { ERROR_CODES, type ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';

export interface SimVariant {
  readonly key: string;
  readonly weight: number;
  readonly strategyId: string;
}

export interface ExperimentInput {
  readonly name: string;
  readonly hypothesis: string;
  readonly surface: string;
  readonly salt: string;
  readonly variants: readonly SimVariant[];
  /** GraphQL enum names, e.g. GMV_PER_IMPRESSION. */
  readonly primaryMetrics: readonly string[];
  readonly attributionWindowHours: number;
}

export interface FeedResponse {
  readonly coldStart: boolean;
  readonly strategy: { readonly id: string };
  readonly experiments: ReadonlyArray<{ readonly experimentId: string; readonly variantKey: string }>;
  readonly items: ReadonlyArray<{ readonly rank: number; readonly itemId: string }>;
  readonly degraded: ReadonlyArray<{ readonly scorerId: string; readonly code: string }>;
}

export interface EventPayload {
  readonly eventId: string;
  readonly userId: string;
  readonly type: string;
  readonly itemId: string;
  readonly ts: string;
  readonly session: string;
  readonly value?: number;
}

/** One simulated reaction as a `recordEvents` input: the ids are a function of the seed, the session and the reaction's index. */
export function reactionPayload(
  seed: number,
  s: { readonly userId: string; readonly index: number },
  day: number,
  n: number,
  e: { readonly type: string; readonly itemId: string; readonly ts: number; readonly value: number },
): EventPayload {
  return {
    eventId: `sim:${seed}:${s.userId}:${day}:${s.index}:${n}`,
    userId: s.userId,
    type: e.type,
    itemId: e.itemId,
    ts: new Date(e.ts).toISOString(),
    session: `sim-${seed}-${s.userId}-${day}-${s.index}`,
    ...(e.type === 'purchase' ? { value: e.value } : {}),
  };
}

/** Queue a session's events to be recorded at `ts` (its last reaction), keeping the queue in time order (ties: first queued first). */
export function queueAt<T extends { readonly ts: number }>(pending: T[], batch: T): void {
  const at = pending.findIndex((p) => p.ts > batch.ts);
  pending.splice(at < 0 ? pending.length : at, 0, batch);
}

export interface RecordResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: ReadonlyArray<{ readonly index: number; readonly field: string; readonly code: string; readonly message: string }>;
}

/** experimentResults as the schema returns it (the fields the report uses). */
export type ResultsResponse = Record<string, unknown> & {
  readonly control: string;
  readonly alpha: number;
  readonly dataEnd: string;
  readonly variants: ReadonlyArray<{
    key: string;
    weight: number;
    users: number;
    exposures: number;
    impressions: number;
    metrics: Array<{ metric: string; value: number | null; numerator: number | null; denominator: number | null }>;
  }>;
  readonly comparisons: ReadonlyArray<{
    metric: string;
    variant: string;
    control: string;
    test: string;
    absoluteLift: number;
    absoluteCiLower: number;
    absoluteCiUpper: number;
    relativeLift: number;
    relativeCiLower: number;
    relativeCiUpper: number;
    pValue: number;
    holmPValue: number;
    bonferroniPValue: number;
    significant: boolean;
  }>;
  readonly srm: { chiSquare: number; pValue: number; mismatch: boolean; observed: number[]; expected: number[] };
  readonly daily: ReadonlyArray<{ day: string; variant: string; exposures: number; impressions: number; ctr: number | null; gmvPerImpression: number | null }>;
};

const FEED = `query SimFeed($userId: String!, $surface: String) {
  feed(userId: $userId, context: { surface: $surface }) {
    coldStart strategy { id } experiments { experimentId variantKey } items { rank itemId } degraded { scorerId code }
  }
}`;
const RECORD = `mutation SimRecord($events: [EventInput!]!) {
  recordEvents(events: $events) { accepted duplicates rejected { index field code message } }
}`;
const CREATE = `mutation SimCreate($input: CreateExperimentInput!) { createExperiment(input: $input) { id status } }`;
const START = `mutation SimStart($id: ID!) { startExperiment(id: $id) { id status start } }`;
const STOP = `mutation SimStop($id: ID!) { stopExperiment(id: $id) { id status stop } }`;
const STRATEGIES = `query SimStrategies { strategies }`;
const RESULTS = `query SimResults($id: ID!) {
  experimentResults(id: $id) {
    control alpha dataEnd
    variants { key weight users exposures impressions metrics { metric value numerator denominator } }
    comparisons { metric variant control test absoluteLift absoluteCiLower absoluteCiUpper relativeLift relativeCiLower relativeCiUpper pValue holmPValue bonferroniPValue significant }
    srm { chiSquare pValue mismatch observed expected }
    daily { day variant exposures impressions ctr gmvPerImpression }
  }
}`;

export interface SimClient {
  feed(userId: string, surface: string): Promise<FeedResponse>;
  record(events: readonly EventPayload[]): Promise<RecordResult>;
  strategies(): Promise<string[]>;
  createExperiment(input: ExperimentInput): Promise<string>;
  startExperiment(id: string): Promise<void>;
  stopExperiment(id: string): Promise<void>;
  results(id: string): Promise<ResultsResponse>;
}

/** A client of the gateway at `url` that sends `apiKey` as a Bearer token. */
export function createSimClient(url: string, apiKey: string): SimClient {
  const post = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> };
    const err = body.errors?.[0];
    if (err !== undefined || body.data == null) {
      const code = err?.extensions?.code;
      const field = err?.extensions?.field;
      const message = `${err?.message ?? 'no data'}${field ? ` (field ${field})` : ''}`;
      // The gateway's public codes stay codes (the CLI prints them without a stack).
      if (code !== undefined && (ERROR_CODES as readonly string[]).includes(code)) throw new CodedError(code as ErrorCode, message, field ? { field } : {});
      throw new Error(`HTTP ${res.status}: ${message}`);
    }
    return body.data;
  };
  return {
    feed: async (userId, surface) => (await post<{ feed: FeedResponse }>(FEED, { userId, surface })).feed,
    record: async (events) => (await post<{ recordEvents: RecordResult }>(RECORD, { events })).recordEvents,
    strategies: async () => (await post<{ strategies: string[] }>(STRATEGIES, {})).strategies,
    createExperiment: async (input) => (await post<{ createExperiment: { id: string } }>(CREATE, { input })).createExperiment.id,
    async startExperiment(id) {
      await post(START, { id });
    },
    async stopExperiment(id) {
      await post(STOP, { id });
    },
    results: async (id) => (await post<{ experimentResults: ResultsResponse }>(RESULTS, { id })).experimentResults,
  };
}
