/**
 * The published-scorer catalog port: where runtime-published scorer versions, their model blobs
 * and published strategies live, shared by every gateway instance (Redis when REDIS_URL is set,
 * else a SQLite file, PUBLISHED_DB_PATH).
 *
 * The catalog is one small JSON document (`CatalogDoc`: every published version and the lifecycle
 * pointers) written by compare-and-set on its revision, plus a change log (one record per
 * accepted write, in revision order) that instances follow to hot-swap, plus content-addressed
 * blobs (the ONNX files). Every rule (versions only go up, what rollback means) lives in shared,
 * pure code (publishing/state.ts), not in the adapters: an adapter only has to make `write`
 * atomic.
 */
import type { ScorerManifest } from '../manifest';

/** A blob by content: lower-case hex SHA-256 of its bytes and its length. */
export interface BlobRef {
  readonly sha256: string;
  readonly bytes: number;
}

/** Who made a change: the API key (id and name) or the CLI user on the host. */
export interface CatalogActor {
  readonly keyId: string;
  readonly keyName: string;
}

/** One accepted version of a published scorer. */
export interface PublishedScorerVersion {
  readonly manifest: ScorerManifest;
  /** The ONNX model (a blob in the same catalog). */
  readonly model: BlobRef;
  /** When it was accepted (ms since epoch). */
  readonly publishedAt: number;
  readonly publishedBy: CatalogActor;
}

/** Everything published under one scorer id. */
export interface PublishedScorerEntry {
  /** Accepted versions, oldest first (semver ascending: versions only go up). */
  readonly versions: readonly PublishedScorerVersion[];
  /** The version strategies naming the id (without a version) serve; null until promoted. */
  readonly live: string | null;
  /** The version scored in shadow on live requests (not blended); null when none. */
  readonly shadow: string | null;
  /** Earlier live versions, oldest first: rollback pops the last one. */
  readonly liveHistory: readonly string[];
}

/** One accepted version of a published strategy (the strategy JSON as given, checked at publish). */
export interface PublishedStrategyVersion {
  /** 1, 2, 3, ... per strategy id. */
  readonly version: number;
  readonly strategy: unknown;
  readonly publishedAt: number;
  readonly publishedBy: CatalogActor;
}

export interface PublishedStrategyEntry {
  readonly versions: readonly PublishedStrategyVersion[];
  /** The version served under the id; null after its last live version is rolled back. */
  readonly live: number | null;
  readonly liveHistory: readonly number[];
}

/** The whole catalog: small (tens of versions), read and written whole. */
export interface CatalogDoc {
  readonly scorers: Readonly<Record<string, PublishedScorerEntry>>;
  readonly strategies: Readonly<Record<string, PublishedStrategyEntry>>;
}

export const EMPTY_CATALOG: CatalogDoc = { scorers: {}, strategies: {} };

/** What one accepted write did, for the change log, the audit trail and the instances following it. */
export interface CatalogChange {
  readonly kind: 'scorer' | 'strategy';
  readonly id: string;
  /** `publish`, `promote`, `rollback`, `shadow`, `unshadow`. */
  readonly action: string;
  /** The version acted on (a semver for scorers, a number as text for strategies); null when none. */
  readonly version: string | null;
  readonly at: number;
  readonly by: CatalogActor;
}

/** A change with the catalog revision its write produced. */
export interface CatalogChangeRecord extends CatalogChange {
  readonly revision: number;
}

export interface CatalogSnapshot {
  /** 0 for a catalog never written; +1 per accepted write. */
  readonly revision: number;
  readonly doc: CatalogDoc;
}

export interface CatalogStore {
  readonly kind: 'sqlite' | 'redis';
  /** The current document and its revision (`{ revision: 0, doc: EMPTY_CATALOG }` when never written). */
  read(): Promise<CatalogSnapshot>;
  /**
   * Store `doc` as revision `expected + 1` and append `change` to the change log with that
   * revision, atomically, if the stored revision is still `expected`. Resolves false (nothing
   * written) when another writer got there first: the caller re-reads and retries.
   */
  write(expected: number, doc: CatalogDoc, change: CatalogChange): Promise<boolean>;
  /** Change records with revision > `after`, oldest first, at most `limit` (default 100). */
  changesSince(after: number, limit?: number): Promise<CatalogChangeRecord[]>;
  /** Store bytes under their SHA-256 (idempotent: the same bytes twice store once). */
  putBlob(bytes: Uint8Array): Promise<BlobRef>;
  /** The bytes of a blob, or null when the catalog has none with that hash. */
  getBlob(sha256: string): Promise<Uint8Array | null>;
  close(): Promise<void>;
}
