/** The generated demo catalogue loaded into a real SQLite store (what `serve --demo` does). */
import { generateDemoData } from '../../demo/generate';
import { loadDemoData } from '../../demo/load';
import type { GraphStore } from '../../graph/port';
import { openStore, tempDir } from './helpers';

const opts = { seed: 11, users: 300, items: 200, days: 20, now: Date.now() };

let cleanup: () => Promise<void>;
let store: GraphStore;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  store = await openStore(t.dir);
});
afterAll(async () => {
  await store.close();
  await cleanup();
});

describe('loadDemoData on the embedded store', () => {
  it('loads everything into an empty store, once', async () => {
    const data = generateDemoData(opts);
    const res = await loadDemoData(store, opts);
    expect(res).toMatchObject({ loaded: true, users: 300, items: 200, events: data.events.length, inserted: data.events.length });
    const queries = new Set(data.events.filter((e) => e.type === 'search').map((e) => e.query));
    expect(await store.counts()).toEqual({ users: 300, items: 200, events: data.events.length, queries: queries.size });
    const again = await loadDemoData(store, opts);
    expect(again).toMatchObject({ loaded: false, existingEvents: data.events.length });
    expect((await store.counts()).events).toBe(data.events.length);
  });

  it('gives the feed retrievers something to work with', async () => {
    const trending = await store.trending(10);
    expect(trending).toHaveLength(10);
    expect(trending.every((id) => id.startsWith('demo-i-'))).toBe(true);
    const fresh = await store.fresh(5);
    const items = await store.getItems(fresh);
    expect(items.size).toBe(5);
    expect([...items.values()].every((i) => i.available && i.title.startsWith('[demo]'))).toBe(true);
    const u = await store.userProfile('demo-u-0001', 20);
    expect(u.known).toBe(true);
    expect(u.user?.demographics.source).toBe('demo');
  });
});
