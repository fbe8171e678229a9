import type { ItemRecord } from '../domain/catalog';
import type { GraphStore, UserProfile } from '../graph/port';
import type { RetrieveRequest } from '../plugins/sdk/retriever';
import { createScorerRegistry } from '../plugins/sdk/registry';
import { retrieveCandidates, RETRIEVERS } from './candidates';
import { checkStrategy, DEFAULT_STRATEGY, parseStrategy, strategyDigest } from './strategy';

const rec = (id: string, available = true): ItemRecord => ({ id, title: id, categories: ['c'], brand: null, price: null, available, createdAt: 0 });
const catalogue = new Map(['n1', 'n2', 'n3', 't1', 't2', 't3', 'f1', 'e1', 'e2', 'e3', 'e4', 'gone', 'bought', 'r1'].map((id) => [id, rec(id, id !== 'gone')]));

/** The store calls retrieval makes, answered from fixed lists. */
const store = {
  async neighbourhood(seeds: readonly string[]) {
    return {
      seeds,
      co: new Map([
        ['n1', Float32Array.of(3)],
        ['n2', Float32Array.of(2)],
        ['n3', Float32Array.of(1)],
      ]),
      degree: new Map([['n1', 3]]),
    };
  },
  trending: async () => ['t1', 't2', 'e1', 't3'],
  fresh: async () => ['f1'],
  async getItems(ids: readonly string[]) {
    return new Map(ids.filter((id) => catalogue.has(id)).map((id) => [id, catalogue.get(id)!]));
  },
  categoryAncestors: async () => new Map(),
  categoryItems: async () => new Map(),
} as unknown as GraphStore;

const profile: UserProfile = { known: true, user: null, history: [{ itemId: 'r1', type: 'view', ts: 1, value: null }], purchased: new Set(['bought']) } as unknown as UserProfile;

const base = { id: 'emb', candidates: { max: 9, recent: { limit: 5, share: 0.125 }, neighbourhood: { share: 0.25 }, fresh: { limit: 1, share: 0.125 }, trending: { limit: 10 } } };

function fakeRetriever(list: string[]) {
  const asked: RetrieveRequest[] = [];
  return { asked, retriever: { retrieve: async (r: RetrieveRequest) => (asked.push(r), list.filter((id) => !r.exclude.has(id)).slice(0, r.limit)) } };
}

describe('candidates.embedding', () => {
  it('is absent unless enabled, so existing strategies keep their digest; null reads as absent', async () => {
    const s = parseStrategy(base);
    expect('embedding' in s.candidates).toBe(false);
    expect(parseStrategy({ ...base, candidates: { ...base.candidates, embedding: null } })).toEqual(s);
    const registry = await createScorerRegistry([], { logger: { debug() {}, info() {}, warn() {}, error() {} }, loadModel: () => Promise.reject(new Error('none')) });
    expect(strategyDigest(parseStrategy({}), registry)).toBe(strategyDigest(DEFAULT_STRATEGY, registry));
    expect(RETRIEVERS.at(-1)).toBe('embedding');
  });

  it('parses its settings with defaults and refuses bad ones with INVALID_STRATEGY', () => {
    expect(parseStrategy({ ...base, candidates: { ...base.candidates, embedding: { scorer: 'dpgcn/graph' } } }).candidates.embedding).toEqual({ scorer: 'dpgcn/graph', limit: 100, share: 0.2 });
    expect(() => parseStrategy({ ...base, candidates: { ...base.candidates, embedding: { limit: 5 } } })).toThrow(expect.objectContaining({ code: 'INVALID_STRATEGY' }));
    expect(() => parseStrategy({ ...base, candidates: { ...base.candidates, embedding: { scorer: 'x/y', share: 2 } } })).toThrow(/candidates.embedding.share/);
  });

  it('checkStrategy refuses a scorer that is missing or cannot retrieve', async () => {
    const plain = { id: 'a/plain' as const, version: '1.0.0', features: [] as const, setup: async () => ({ score: async () => new Float32Array(0) }) };
    const registry = await createScorerRegistry([plain], { logger: { debug() {}, info() {}, warn() {}, error() {} }, loadModel: () => Promise.reject(new Error('none')) });
    const with_ = (scorer: string) => parseStrategy({ ...base, scorers: [{ id: 'a/plain', weight: 1 }], candidates: { ...base.candidates, embedding: { scorer } } });
    expect(() => checkStrategy(with_('a/missing'), registry)).toThrow(/not registered/);
    expect(() => checkStrategy(with_('a/plain'), registry)).toThrow(/cannot retrieve/);
  });

  it('adds the retriever’s items under its quota after the neighbourhood, asks it to skip purchased and excluded items, and drops unavailable ones', async () => {
    const off = await retrieveCandidates(store, parseStrategy(base), profile, ['t3']);
    // Without the retriever (or the strategy enabling it) nothing changes and the embedding rank column is empty.
    const enabled = parseStrategy({ ...base, candidates: { ...base.candidates, embedding: { scorer: 'x/y', limit: 4, share: 0.25 } } });
    expect(await retrieveCandidates(store, enabled, profile, ['t3'])).toEqual(off);
    expect(off.ranks.at(-1)!.every((r) => r === -1)).toBe(true);
    const f = fakeRetriever(['gone', 'e2', 'bought', 't3', 'e1', 'e3', 'e4']);
    const on = await retrieveCandidates(store, enabled, profile, ['t3'], { userId: 'u', retriever: f.retriever });
    expect(f.asked).toHaveLength(1);
    expect(f.asked[0]!.userId).toBe('u');
    expect(f.asked[0]!.limit).toBe(4);
    expect([...f.asked[0]!.exclude].sort()).toEqual(['bought', 't3']);
    // recent 1, neighbourhood 2, then embedding 2 (gone is dropped later as unavailable), fresh 1, trending fills the 9.
    expect(on.itemIds).toEqual(['r1', 'n1', 'n2', 'e2', 'f1', 't1', 't2', 'e1']);
    expect(on.sources[on.itemIds.indexOf('e2')]).toEqual(['embedding']);
    // e1 came in through trending and is also an embedding hit.
    expect(on.sources[on.itemIds.indexOf('e1')]).toEqual(['trending', 'embedding']);
    const embRanks = on.ranks[RETRIEVERS.indexOf('embedding')]!;
    // Ranks in the retriever's own list (gone, e2, e1, e3).
    expect(embRanks[on.itemIds.indexOf('e2')]).toBe(1);
    expect(embRanks[on.itemIds.indexOf('e1')]).toBe(2);
  });
});
