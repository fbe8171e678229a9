import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent, EventType } from '../../domain/events';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';
import { readMfArtifact } from '../mf/artifact';
import { mulberry32 } from '../random';
import { defaultUsersPerStep, trainDpgcnFromStore, type FusionTrainerInput } from './from-store';

const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2024, 0, 1);
const WORDS = ['lamp', 'kettle', 'sofa', 'guitar', 'tent', 'drill', 'novel', 'scarf'];

function ev(eventId: string, userId: string, type: EventType, itemId: string | null, ts: number, query: string | null = null): InteractionEvent {
  return { eventId, userId, type, itemId, ts, value: 0, dwellMs: null, session: null, referrer: null, query };
}

/**
 * 8 categories (under one root) of 20 items titled "<word> <n>"; 64 users, each with 6 views of
 * items of one category over 4 days and one search for its word that led to one more of them.
 */
async function clusteredStore(path: string): Promise<GraphStore> {
  const store = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  const rnd = mulberry32(3);
  await store.upsertCategories([{ id: 'shop', parent: null, name: 'shop' }, ...WORDS.map((w) => ({ id: `shop.${w}`, parent: 'shop', name: w }))]);
  await store.upsertItems(
    WORDS.flatMap((w, c) => Array.from({ length: 20 }, (_, k) => ({ id: `i${c * 20 + k}`, title: `${w} ${k}`, categories: [`shop.${w}`], brand: null, price: null, available: true, createdAt: T0 }))),
  );
  const events: InteractionEvent[] = [];
  for (let u = 0; u < 64; u++) {
    const c = u % WORDS.length;
    const liked = new Set<number>();
    while (liked.size < 7) liked.add(c * 20 + Math.floor(rnd() * 20));
    const [searched, ...viewed] = [...liked];
    viewed.forEach((i, j) => events.push(ev(`v${u}-${j}`, `u${u}`, 'view', `i${i}`, T0 + ((j * 4) / 6) * DAY)));
    events.push(ev(`s${u}`, `u${u}`, 'search', `i${searched}`, T0 + 2 * DAY, WORDS[c]!));
  }
  await store.ingestEvents(events);
  return store;
}

describe('trainDpgcnFromStore', () => {
  let dir: string;
  let store: GraphStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recgate-gcn-from-store-'));
    store = await clusteredStore(join(dir, 'store.db'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const small = { dims: 16, usersPerStep: 16, usersPerGroup: 8, negatives: 64, epochs: 6, every: 2, threads: 1, seed: 7, createdBy: 'test' };

  it('trains over the store graph and publishes user, item, query, category and term embeddings', async () => {
    const modelsDir = join(dir, 'models-a');
    const lines: string[] = [];
    const r = await trainDpgcnFromStore(store, { ...small, modelsDir, log: (l) => lines.push(l) });
    expect(r.version).toBe(1);
    expect(r.dir).toBe(join(modelsDir, 'dpgcn', '1'));
    // Items enter the graph through events (157 of the 160 are touched); terms: the 8 words and
    // "10".."19" (single digits are not terms), each on at least 2 nodes.
    expect(r.graph.nodes).toEqual({ user: 64, item: 157, query: 8, category: 9, term: 8 + 10 });
    expect(r.graph.counts).toMatchObject({ events: 64 * 6, searches: 64, searched: 64, in_category: 157, child_of: 8 });
    expect(lines[0]).toMatch(/^graph: 64 user, 157 item/);
    expect(lines.some((l) => /^select epoch 2: .*held-out Recall@20/.test(l))).toBe(true);
    expect(lines.some((l) => /^final epoch 1: loss/.test(l))).toBe(true);
    // Items of the user's own category are 20 of 160 and the user has 6 of them: chance Recall@20 is about 0.13.
    expect(r.manifest.metrics['heldOutRecall@20']).toBeGreaterThan(0.5);
    const art = await readMfArtifact(r.dir);
    expect([art.model.numUsers, art.model.numItems, art.model.dims]).toEqual([64, 157, 16]);
    expect(r.manifest.queryIds).toEqual([...WORDS].sort());
    expect(r.manifest.categoryIds).toEqual(['shop', ...WORDS.map((w) => `shop.${w}`).sort()]);
    expect(r.manifest.termIds).toHaveLength(18);
    for (const [file, n] of [
      ['queries.bin', 8],
      ['categories.bin', 9],
      ['terms.bin', 18],
    ] as const)
      expect((await stat(join(r.dir, file))).size).toBe(n * 16 * 4);
    // Query rows are unit vectors, and the query "lamp" is closest to the lamp category.
    const q = new Float32Array((await readFile(join(r.dir, 'queries.bin'))).buffer.slice(0));
    const cats = new Float32Array((await readFile(join(r.dir, 'categories.bin'))).buffer.slice(0));
    const row = (a: Float32Array, i: number) => a.subarray(i * 16, i * 16 + 16);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k]!, 0);
    const lamp = row(q, r.manifest.queryIds!.indexOf('lamp'));
    expect(dot(lamp, lamp)).toBeCloseTo(1, 4);
    const sims = r.manifest.categoryIds!.map((c, i) => [c, dot(lamp, row(cats, i))] as const).filter(([c]) => c !== 'shop');
    expect(sims.sort((a, b) => b[1] - a[1])[0]![0]).toBe('shop.lamp');
    expect(r.manifest.training).toMatchObject({ data: { store: 'embedded', nodes: r.graph.nodes } });
    // The fusion network (ml/fusion, the default trainer) is saved beside the embeddings.
    const m = JSON.parse(await readFile(join(r.dir, 'manifest.json'), 'utf8'));
    expect(m.fusion).toMatchObject({ file: 'fusion.onnx', columns: expect.any(Array) });
    expect(m.fusion.alpha).toBeGreaterThanOrEqual(m.fusion.alphaRange[0]);
    expect(m.fusion.alpha).toBeLessThanOrEqual(m.fusion.alphaRange[1]);
    expect((await stat(join(r.dir, 'fusion.onnx'))).size).toBeGreaterThan(100);
    expect(r.fusion).toEqual(m.fusion.metrics);
  }, 30_000);

  it('uses only events before trainEnd, and saves the fusion network the trainer returns', async () => {
    const modelsDir = join(dir, 'models-b');
    const seen: FusionTrainerInput[] = [];
    const onnx = Uint8Array.from([8, 7, 1, 2]);
    const r = await trainDpgcnFromStore(store, {
      ...small,
      epochs: 2,
      modelsDir,
      trainEnd: T0 + DAY,
      trainFusion: async (input) => {
        seen.push(input);
        return { onnx, columns: ['item.price'], alpha: 0.6, alphaRange: [0.3, 0.9], metrics: { gauc: 0.7 }, trainMs: 1 };
      },
    });
    // Views at T0, T0+2/3d: 2 per user; searches (T0+2d) are after the end.
    expect(r.graph.counts).toMatchObject({ events: 128, searches: 0 });
    expect(r.graph.nodes['query']).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ store, trainEnd: T0 + DAY, seed: 7, dims: 16 });
    expect(seen[0]!.users).toHaveLength(64 * 16);
    expect(seen[0]!.itemIds).toEqual(r.manifest.itemIds);
    expect(new Uint8Array(await readFile(join(r.dir, 'fusion.onnx')))).toEqual(onnx);
    const m = JSON.parse(await readFile(join(r.dir, 'manifest.json'), 'utf8'));
    expect(m.fusion).toEqual({ file: 'fusion.onnx', columns: ['item.price'], alpha: 0.6, alphaRange: [0.3, 0.9], metrics: { gauc: 0.7 } });
    expect(m.metrics['fusion.gauc']).toBe(0.7);
    expect(m.queryIds).toBeUndefined();
    await expect(stat(join(r.dir, 'queries.bin'))).rejects.toThrow(/ENOENT/);
    const noFusion = await trainDpgcnFromStore(store, { ...small, epochs: 2, modelsDir, trainEnd: T0 + DAY, fusion: false, trainFusion: () => Promise.reject(new Error('not called')) });
    expect(noFusion.version).toBe(2);
    const lines: string[] = [];
    const skipped = await trainDpgcnFromStore(store, {
      ...small,
      epochs: 2,
      modelsDir,
      trainEnd: T0 + DAY,
      log: (l) => lines.push(l),
      trainFusion: () => Promise.reject(new RangeError('fusion: no interactions before the label cut')),
    });
    expect([skipped.version, skipped.fusion]).toEqual([3, undefined]);
    expect(lines).toContain('fusion skipped: fusion: no interactions before the label cut');
    expect(skipped.manifest.training).toMatchObject({ data: { fusionSkipped: 'fusion: no interactions before the label cut' } });
    await expect(stat(join(skipped.dir, 'fusion.onnx'))).rejects.toThrow(/ENOENT/);
    await expect(trainDpgcnFromStore(store, { ...small, epochs: 1, modelsDir, trainFusion: () => Promise.reject(new Error('disk full')) })).rejects.toThrow('disk full');
  }, 30_000);

  it('takes about 8 Adam steps per epoch unless usersPerStep is set', async () => {
    expect([100, 815, 16384, 29858].map(defaultUsersPerStep)).toEqual([64, 102, 2048, 2048]);
    const r = await trainDpgcnFromStore(store, { ...small, usersPerStep: undefined, epochs: 1, every: 1, fusion: false, modelsDir: join(dir, 'models-d') });
    expect(r.manifest.hyperParameters['usersPerStep']).toBe(64);
  });

  it('rejects a store with nothing before trainEnd with a RangeError', async () => {
    await expect(trainDpgcnFromStore(store, { ...small, modelsDir: join(dir, 'models-c'), trainEnd: T0 })).rejects.toThrow(/no interactions before 2024-01-01T00:00:00.000Z/);
  });
});
