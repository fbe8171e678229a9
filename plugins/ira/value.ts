/**
 * The user value source IRA reads (Contract A: plugins/duve/value-source.ts, DUVE v2 or v1). Only
 * `read` (the user part of the features, the v_long of rewards) and `observe` (the ingest hook,
 * when IRA owns the source) are used.
 */
export type { UserValueReading, UserValueSource } from '../duve/value-source';
