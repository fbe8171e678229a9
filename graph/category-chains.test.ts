import { MAX_CATEGORY_DEPTH, categoryChain, categoryChains } from './category-chains';

const parents =
  (edges: Record<string, string>) =>
  (id: string): string | null =>
    edges[id] ?? null;

describe('categoryChain', () => {
  it('walks to the root and returns it first', () => {
    const p = parents({ 'a.b.c': 'a.b', 'a.b': 'a' });
    expect(categoryChain('a.b.c', p)).toEqual(['a', 'a.b', 'a.b.c']);
    expect(categoryChain('a', p)).toEqual(['a']);
    expect(categoryChain('unknown', p)).toEqual(['unknown']);
  });

  it('cuts a cycle before an id repeats', () => {
    const p = parents({ x: 'y', y: 'z', z: 'x' });
    expect(categoryChain('x', p)).toEqual(['z', 'y', 'x']);
    expect(categoryChain('self', parents({ self: 'self' }))).toEqual(['self']);
  });

  it('stops at MAX_CATEGORY_DEPTH ids, keeping the requested id last', () => {
    const edges: Record<string, string> = {};
    for (let i = 0; i < 100; i++) edges[`c${i}`] = `c${i + 1}`;
    const chain = categoryChain('c0', parents(edges));
    expect(chain).toHaveLength(MAX_CATEGORY_DEPTH);
    expect(chain[chain.length - 1]).toBe('c0');
    expect(chain[0]).toBe(`c${MAX_CATEGORY_DEPTH - 1}`);
  });

  it('categoryChains answers each distinct id once', () => {
    let calls = 0;
    const p = (id: string): string | null => {
      calls += 1;
      return id === 'b' ? 'a' : null;
    };
    const out = categoryChains(['b', 'b', 'a'], p);
    expect([...out.entries()]).toEqual([
      ['b', ['a', 'b']],
      ['a', ['a']],
    ]);
    expect(calls).toBe(3);
  });
});
