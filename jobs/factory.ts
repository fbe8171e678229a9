/**
 * Picks the JobQueue adapter from configuration: BullMQ when a Redis URL is configured, the
 * in-process scheduler otherwise. Processors are registered the same way on either.
 */
import { createBullMqQueue } from './bullmq';
import { createInProcessQueue } from './in-process';
import type { JobQueue } from './port';

export interface JobQueueConfig {
  /** Redis URL (`REDIS_URL`); when set and non-empty, jobs run on BullMQ. Default: unset (in-process). */
  readonly redisUrl?: string;
  /** BullMQ key prefix; ignored in-process. Default 'recgate'. */
  readonly prefix?: string;
}

export function createJobQueue(cfg: JobQueueConfig): JobQueue {
  if (cfg.redisUrl) return createBullMqQueue({ connection: cfg.redisUrl, ...(cfg.prefix !== undefined ? { prefix: cfg.prefix } : {}) });
  return createInProcessQueue();
}
