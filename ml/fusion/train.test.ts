import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGraphStore } from '../../graph/factory';
import type { GraphStore } from '../../graph/port';
import { importCsv, loadMappingFile } from '../../ingest/import/csv';
import { loadOnnxModelBytes } from '../onnx/session';
import { mulberry32 } from '../random';
import { FUSION_COLUMNS } from './columns';
import { trainFusion } from './train';

// The committed synthetic shop export (test/fixtures/shop-export, REES46 shape).
const EVENTS = join(__dirname, '../../test/fixtures/shop-export/events.csv');
const MAPPING = join(__dirname, '../../ingest/import/examples/shop-export.mapping.json');

let dir: string;
let store: GraphStore;
const userIds: string[] = [];
const itemIds: string[] = [];
let latest = 0;

function normalisedRows(n: number, d: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = Float32Array.from({ length: n * d }, () => rng() * 2 - 1);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += out[r * d + k]! ** 2;
    for (let k = 0; k < d; k++) out[r * d + k] = out[r * d + k]! / Math.sqrt(s);
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-fusion-'));
  store = await createGraphStore({ kind: 'embedded', path: join(dir, 'shop.db') });
  await importCsv(store, EVENTS, await loadMappingFile(MAPPING), { progress: false, log: () => {} });
  const users = new Set<string>();
  const items = new Set<string>();
  for await (const page of store.scanInteractions(1000))
    for (const r of page) {
      users.add(r.userId);
      items.add(r.itemId);
    }
  userIds.push(...[...users].sort());
  itemIds.push(...[...items].sort());
  latest = await store.latestEventTs();
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('trainFusion', () => {
  const d = 8;
  const input = () => ({ store, userIds, itemIds, dims: d, users: normalisedRows(userIds.length, d, 1), items: normalisedRows(itemIds.length, d, 2), seed: 5, fit: { epochs: 4 } });

  it('fits on lists before trainEnd and returns a servable network with α inside its safe range', async () => {
    const r = await trainFusion({ ...input(), trainEnd: latest + 1 });
    expect(r.columns).toEqual([...FUSION_COLUMNS]);
    expect(r.alpha).toBeGreaterThan(0);
    expect(r.alpha).toBeLessThan(1);
    expect(r.alphaRange[0]).toBeLessThanOrEqual(r.alpha);
    expect(r.alphaRange[1]).toBeGreaterThanOrEqual(r.alpha);
    expect(r.metrics.lists).toBeGreaterThanOrEqual(2);
    expect(r.metrics.labelCut).toBe(latest + 1 - 24 * 3600 * 1000);
    expect(Number.isFinite(r.metrics.validGauc)).toBe(true);
    const session = await loadOnnxModelBytes(r.onnx);
    const C = r.columns.length;
    const out = await session.run({
      graph: { data: new Float32Array([0.5, -0.5]), dims: [2, 1] },
      features: { data: new Float32Array(2 * C).fill(1), dims: [2, C] },
      alpha: { data: new Float32Array([1]), dims: [1] },
    });
    // α = 1: the graph score passes through.
    expect(Array.from(out.score!.data)).toEqual([0.5, -0.5]);
    await session.close();
  });

  it('reads nothing at or after trainEnd: the same window gives the same network whatever follows it', async () => {
    const end = latest - 12 * 3600 * 1000;
    const a = await trainFusion({ ...input(), trainEnd: end });
    // Same window, but the store also has newer events than before: nothing changes.
    await store.ingestEvents([
      { eventId: 'after-end', userId: userIds[0]!, type: 'purchase', itemId: itemIds[0]!, ts: latest + 5, value: 1, dwellMs: null, session: null, referrer: null, query: null },
    ]);
    const b = await trainFusion({ ...input(), trainEnd: end });
    expect(Buffer.from(b.onnx).equals(Buffer.from(a.onnx))).toBe(true);
    expect(b.alpha).toBe(a.alpha);
  });

  it('refuses embeddings that do not match the ids', async () => {
    await expect(trainFusion({ ...input(), dims: 7 })).rejects.toThrow(/embeddings do not match/);
  });
});
