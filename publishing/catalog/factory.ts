/**
 * Picks the published-scorer catalog adapter from configuration: Redis when a Redis URL is
 * configured (every gateway on that Redis shares one catalog), else the SQLite file.
 */
import type { CatalogStore } from './port';
import { openRedisCatalog } from './redis';
import { openSqliteCatalog } from './sqlite';

export interface CatalogConfig {
  /** Redis URL (`REDIS_URL`); when set and non-empty, the catalog lives in Redis. Default: unset (SQLite). */
  readonly redisUrl?: string | undefined;
  /** The SQLite file (`PUBLISHED_DB_PATH`), used when no Redis URL is set. Required. */
  readonly sqlitePath: string;
  /** Redis key prefix; ignored for SQLite. Default 'recgate:catalog'. */
  readonly redisPrefix?: string | undefined;
  /** Redis connection errors (the first of each outage); ignored for SQLite. Default: `console.error`. */
  readonly onError?: ((err: Error) => void) | undefined;
}

/** Open the catalog the configuration names; rejects with CATALOG_UNAVAILABLE when it cannot be reached or opened. */
export async function openCatalog(cfg: CatalogConfig): Promise<CatalogStore> {
  if (cfg.redisUrl) {
    return openRedisCatalog({
      url: cfg.redisUrl,
      ...(cfg.redisPrefix !== undefined ? { prefix: cfg.redisPrefix } : {}),
      ...(cfg.onError ? { onError: cfg.onError } : {}),
    });
  }
  return openSqliteCatalog(cfg.sqlitePath);
}
