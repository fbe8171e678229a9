/** The GraphStore conformance suite against the embedded adapter, on real SQLite files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import { describeGraphStoreConformance } from '../../graph/conformance';
import type { GraphStore } from '../../graph/port';

/** One hour, so that the decay checks use a half-life other than the 7-day default. */
const HALF_LIFE_MS = 3600 * 1000;

describeGraphStoreConformance('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'graph-embedded-'));
  const path = join(dir, 'graph.db');
  const opened: GraphStore[] = [];
  const open = async (): Promise<GraphStore> => {
    const store = await createEmbeddedGraphStore({ path, statsHalfLifeMs: HALF_LIFE_MS });
    opened.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    reopen: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
