/**
 * Picks the value-change log adapter from configuration: Redis Streams when a Redis URL is
 * configured (every gateway on that Redis shares one log), in-process otherwise.
 */
import { createInProcessValueChangeLog } from './in-process';
import { DEFAULT_RETENTION_MS, type ValueChangeLog } from './port';
import { createRedisValueChangeLog } from './redis';

export interface ValueChangeLogConfig {
  /** Redis URL (`REDIS_URL`); when set and non-empty, the log is a Redis stream. Default: unset (in-process). */
  readonly redisUrl?: string | undefined;
  /** Retention window in ms (`VALUE_CHANGE_RETENTION_HOURS` × 3,600,000). Default 24 h. */
  readonly retentionMs?: number;
  /** Redis stream key; ignored in-process. Default 'recgate:value-changes'. */
  readonly key?: string;
  /** Redis connection errors; ignored in-process. Default: `console.error`. */
  readonly onError?: (err: Error) => void;
}

export function createValueChangeLog(cfg: ValueChangeLogConfig): ValueChangeLog {
  const retentionMs = cfg.retentionMs ?? DEFAULT_RETENTION_MS;
  if (cfg.redisUrl) {
    return createRedisValueChangeLog({
      url: cfg.redisUrl,
      retentionMs,
      ...(cfg.key !== undefined ? { key: cfg.key } : {}),
      ...(cfg.onError ? { onError: cfg.onError } : {}),
    });
  }
  return createInProcessValueChangeLog({ retentionMs });
}
