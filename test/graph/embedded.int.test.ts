/** The GraphStore conformance suite against the embedded adapter, on real SQLite files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import { describeGraphStoreConformance, reopenableHarness } from '../../graph/conformance';

/** One hour, so that the decay checks use a half-life other than the 7-day default. */
const HALF_LIFE_MS = 3600 * 1000;

describeGraphStoreConformance('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'graph-embedded-'));
  const path = join(dir, 'graph.db');
  return reopenableHarness(
    () => createEmbeddedGraphStore({ path, statsHalfLifeMs: HALF_LIFE_MS }),
    () => rmSync(dir, { recursive: true, force: true }),
  );
});
