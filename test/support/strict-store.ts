/**
 * A GraphStore for unit tests that implements only the calls a test expects; any other call
 * rejects with "<method> not expected", so a test notices when the code under test changes
 * what it asks of the store.
 */
import type { GraphStore } from '../../graph/port';

type Method = Exclude<keyof GraphStore, 'kind' | 'statsHalfLifeMs'>;

const METHODS: readonly Method[] = [
  'migrate',
  'upsertUsers',
  'upsertItems',
  'upsertQueries',
  'upsertCategories',
  'ingestEvents',
  'getUsers',
  'getItems',
  'getQueries',
  'userProfile',
  'neighbourhood',
  'itemStats',
  'trending',
  'fresh',
  'scanInteractions',
  'scanSearches',
  'categoryAncestors',
  'categoryItems',
  'latestEventTs',
  'counts',
  'close',
];

export function strictStore(impl: Partial<Pick<GraphStore, Method>>): GraphStore {
  const store: Record<string, unknown> = { kind: 'embedded', statsHalfLifeMs: 1 };
  for (const m of METHODS) store[m] = impl[m] ?? (() => Promise.reject(new Error(`${m} not expected`)));
  return store as unknown as GraphStore;
}
