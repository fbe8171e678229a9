/** Build the configured GraphStore adapter and run its migrations. */
import type { GraphStore } from './port';
import { createEmbeddedGraphStore } from './embedded';
import type { StoreCeiling } from './embedded/ceiling';
import { createNeo4jGraphStore } from './neo4j';

export type GraphStoreConfig =
  | { readonly kind: 'embedded'; readonly path: string; readonly statsHalfLifeMs?: number; readonly ceiling?: Partial<StoreCeiling> }
  | {
      readonly kind: 'neo4j';
      readonly uri: string;
      readonly user: string;
      readonly password: string;
      readonly database?: string;
      readonly statsHalfLifeMs?: number;
    };

/**
 * Open the store described by `cfg` and migrate it (idempotent). statsHalfLifeMs defaults to
 * 7 days; the embedded store syncs with synchronous=FULL; Neo4j uses the server's default
 * database unless `database` is given.
 */
export async function createGraphStore(cfg: GraphStoreConfig): Promise<GraphStore> {
  const store =
    cfg.kind === 'embedded'
      ? await createEmbeddedGraphStore({
          path: cfg.path,
          ...(cfg.statsHalfLifeMs === undefined ? {} : { statsHalfLifeMs: cfg.statsHalfLifeMs }),
          ...(cfg.ceiling === undefined ? {} : { ceiling: cfg.ceiling }),
        })
      : await createNeo4jGraphStore(cfg);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
