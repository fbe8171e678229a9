/** Open the configured GraphStore (embedded by default), creating the DB folder if needed. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/config';
import { createGraphStore } from './factory';
import type { GraphStore } from './port';

export function openConfiguredStore(config: Config): Promise<GraphStore> {
  const statsHalfLifeMs = config.statsHalfLifeDays * 24 * 3600 * 1000;
  if (config.graphStore === 'neo4j') {
    return createGraphStore({ kind: 'neo4j', ...config.neo4j, database: config.neo4j.database, statsHalfLifeMs });
  }
  mkdirSync(dirname(config.dbPath), { recursive: true });
  const ceiling = { maxUsers: config.storeMaxUsers, maxItems: config.storeMaxItems, maxEvents: config.storeMaxEvents };
  return createGraphStore({ kind: 'embedded', path: config.dbPath, statsHalfLifeMs, ceiling });
}
