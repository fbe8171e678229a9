import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent, EventType } from '../../domain/events';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';
import { mulberry32 } from '../random';
import { propagateOnce } from '../graph/typed';
import { heteroOperator, pairWeights } from './hetero';
import { holdoutSplit } from './holdout';
import { readStoreGraph, type StoreGraph } from './store-graph';

const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2024, 0, 1);

function ev(eventId: string, userId: string, type: EventType, itemId: string | null, ts: number, query: string | null = null): InteractionEvent {
  return { eventId, userId, type, itemId, ts, value: 0, dwellMs: null, session: null, referrer: null, query };
}

/**
 * u1 views A (T0) and buys it (T0+1d); u2 clicks B (T0+1d) and searches "red lamp", led to A
 * (T0+2d); u3 is shown C (an impression: not interest), carts it (T0+2d) and searches "cup"
 * (T0+2d, led nowhere); u1 views C at T0+3d (after trainEnd in the tests that set it).
 * A "red lamp" in a.b, B "red kettle" in a.c, C "blue cup" without category; a.b and a.c under a.
 */
async function smallStore(path: string): Promise<GraphStore> {
  const store = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL' });
  await store.upsertCategories([
    { id: 'a', parent: null, name: 'a' },
    { id: 'a.b', parent: 'a', name: 'b' },
    { id: 'a.c', parent: 'a', name: 'c' },
  ]);
  const item = (id: string, title: string, categories: string[]) => ({ id, title, categories, brand: null, price: null, available: true, createdAt: T0 });
  await store.upsertItems([item('A', 'Red lamp', ['a.b']), item('B', 'red kettle', ['a.c']), item('C', 'blue cup', [])]);
  await store.ingestEvents([
    ev('e1', 'u1', 'view', 'A', T0),
    ev('e2', 'u1', 'purchase', 'A', T0 + DAY),
    ev('e3', 'u2', 'click', 'B', T0 + DAY),
    ev('e4', 'u3', 'impression', 'C', T0 + DAY),
    ev('e5', 'u3', 'add_to_cart', 'C', T0 + 2 * DAY),
    ev('e6', 'u2', 'search', 'A', T0 + 2 * DAY, 'red lamp'),
    ev('e7', 'u3', 'search', null, T0 + 2 * DAY, 'cup'),
    ev('e8', 'u1', 'view', 'C', T0 + 3 * DAY),
  ]);
  return store;
}

/** Relation -> "src>dst:weight" strings by id, for readable comparisons. */
function edgesById(g: StoreGraph): Record<string, string[]> {
  const out: Record<string, string[]> = { interacted: [] };
  for (let u = 0; u < g.interactions.numUsers; u++) {
    for (let p = g.interactions.indptr[u]!; p < g.interactions.indptr[u + 1]!; p++) out['interacted']!.push(`${g.ids.user[u]}>${g.ids.item[g.interactions.items[p]!]}:${g.weights[p]}`);
  }
  for (const r of g.side) {
    const src = g.ids[r.src as keyof StoreGraph['ids']];
    const dst = g.ids[r.dst as keyof StoreGraph['ids']];
    out[r.name] = Array.from({ length: r.edges.rows.length }, (_, k) => `${src[r.edges.rows[k]!]}>${dst[r.edges.cols[k]!]}:${r.edges.values?.[k] ?? 1}`);
  }
  return out;
}

describe('readStoreGraph', () => {
  let dir: string;
  let store: GraphStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recgate-gcn-store-'));
    store = await smallStore(join(dir, 'store.db'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads typed relations with type and recency weights, only before trainEnd', async () => {
    const g = await readStoreGraph(store, { trainEnd: T0 + 3 * DAY, halfLifeMs: DAY });
    expect(g.refTs).toBe(T0 + 2 * DAY);
    expect(g.ids).toEqual({ user: ['u1', 'u2', 'u3'], item: ['A', 'B', 'C'], query: ['cup', 'red lamp'], category: ['a', 'a.b', 'a.c'], term: ['cup', 'lamp', 'red'] });
    expect(edgesById(g)).toEqual({
      // view 1·2^-2 + purchase 4·2^-1; click 1·2^-1; add_to_cart 3·2^0 (the impression is not read)
      interacted: ['u1>A:2.25', 'u2>B:0.5', 'u3>C:3'],
      searched: ['u2>red lamp:1', 'u3>cup:1'],
      led_to: ['red lamp>A:1'],
      in_category: ['A>a.b:1', 'B>a.c:1'],
      child_of: ['a.b>a:1', 'a.c>a:1'],
      // kettle and blue are on one node only: dropped (minTermNodes 2)
      has_term: ['A>lamp:1', 'A>red:1', 'B>red:1', 'C>cup:1'],
      query_term: ['cup>cup:1', 'red lamp>lamp:1', 'red lamp>red:1'],
    });
    expect(g.counts).toMatchObject({ events: 4, searches: 2, interacted: 3 });
  });

  it('reads every event without trainEnd, and only the relations asked for', async () => {
    const g = await readStoreGraph(store, { halfLifeMs: DAY, relations: ['in_category'], minTermNodes: 1 });
    expect(g.refTs).toBe(T0 + 3 * DAY);
    expect(g.ids.query).toEqual([]);
    expect(g.ids.term).toEqual([]);
    expect(edgesById(g)).toEqual({ interacted: ['u1>A:1.125', 'u1>C:1', 'u2>B:0.25', 'u3>C:1.5'], in_category: ['A>a.b:1', 'B>a.c:1'] });
  });

  it('rejects bad options with a RangeError naming them', async () => {
    await expect(readStoreGraph(store, { halfLifeMs: 0 })).rejects.toThrow(/halfLifeMs/);
    await expect(readStoreGraph(store, { relations: ['nope' as 'searched'] })).rejects.toThrow(/unknown relation "nope"/);
    await expect(readStoreGraph(store, { typeWeights: { view: -1 } })).rejects.toThrow(/typeWeights.view/);
  });

  it('propagates like the dense sum of per-relation normalised blocks', async () => {
    const g = await readStoreGraph(store, { trainEnd: T0 + 3 * DAY, halfLifeMs: DAY });
    const scales = { interacted: 1, in_category: 0.5, has_term: 2 };
    const op = heteroOperator(g, g.interactions, scales);
    const sizes = [3, 3, 2, 3, 3];
    const off = [0, 3, 6, 8, 11];
    const n = 14;
    expect(op.numNodes).toBe(n);
    // Dense reference from the edges above, by hand: [type, row, type, col, weight] with types user 0, item 1, query 2, category 3, term 4.
    const rel: Record<string, [number, number, number, number, number][]> = {
      interacted: [
        [0, 0, 1, 0, 2.25],
        [0, 1, 1, 1, 0.5],
        [0, 2, 1, 2, 3],
      ],
      searched: [
        [0, 1, 2, 1, 1],
        [0, 2, 2, 0, 1],
      ],
      led_to: [[2, 1, 1, 0, 1]],
      in_category: [
        [1, 0, 3, 1, 1],
        [1, 1, 3, 2, 1],
      ],
      child_of: [
        [3, 1, 3, 0, 1],
        [3, 2, 3, 0, 1],
      ],
      has_term: [
        [1, 0, 4, 1, 1],
        [1, 0, 4, 2, 1],
        [1, 1, 4, 2, 1],
        [1, 2, 4, 0, 1],
      ],
      query_term: [
        [2, 0, 4, 0, 1],
        [2, 1, 4, 1, 1],
        [2, 1, 4, 2, 1],
      ],
    };
    expect(sizes.reduce((a, b) => a + b)).toBe(n);
    const dense = new Float64Array(n * n);
    for (const [name, edges] of Object.entries(rel)) {
      const dr = new Map<string, number>();
      const dc = new Map<string, number>();
      for (const [st, r, dt, c, w] of edges) {
        dr.set(`${st}:${r}`, (dr.get(`${st}:${r}`) ?? 0) + w);
        dc.set(`${dt}:${c}`, (dc.get(`${dt}:${c}`) ?? 0) + w);
      }
      const s = (scales as Record<string, number>)[name] ?? 1;
      for (const [st, r, dt, c, w] of edges) {
        const v = (s * w) / Math.sqrt(dr.get(`${st}:${r}`)! * dc.get(`${dt}:${c}`)!);
        dense[(off[st]! + r) * n + off[dt]! + c]! += v;
        dense[(off[dt]! + c) * n + off[st]! + r]! += v;
      }
    }
    const d = 3;
    const rnd = mulberry32(5);
    const x = Float32Array.from({ length: n * d }, () => rnd() - 0.5);
    const got = propagateOnce(op, x, d, new Float32Array(n * d));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        let want = 0;
        for (let j = 0; j < n; j++) want += dense[i * n + j]! * x[j * d + k]!;
        expect(got[i * d + k]).toBeCloseTo(want, 5);
      }
    }
  });

  it('builds the user–item block from the pairs trained on, with their store weights', async () => {
    const g = await readStoreGraph(store, { halfLifeMs: DAY, relations: [] });
    const split = holdoutSplit(g.interactions, 0.5, 1);
    // u1 has 2 pairs: one is held out; the others keep their only pair.
    expect(split.fit.items.length).toBe(3);
    const w = pairWeights(g, split.fit);
    const full = new Map<string, number>();
    for (let u = 0; u < 3; u++) for (let p = g.interactions.indptr[u]!; p < g.interactions.indptr[u + 1]!; p++) full.set(`${u}:${g.interactions.items[p]}`, g.weights[p]!);
    for (let u = 0; u < 3; u++) for (let p = split.fit.indptr[u]!; p < split.fit.indptr[u + 1]!; p++) expect(w[p]).toBe(full.get(`${u}:${split.fit.items[p]}`));
    const op = heteroOperator(g, split.fit);
    expect(op.blocks.map((b) => [b.relation, b.matrix.indices.length])).toEqual([
      ['interacted', 3],
      ['interacted^T', 3],
    ]);
    const bogus = { ...split.fit, items: Int32Array.from(split.fit.items, (i) => (i + 1) % 3) };
    expect(() => pairWeights(g, bogus)).toThrow(/not in the store graph/);
  });
});
