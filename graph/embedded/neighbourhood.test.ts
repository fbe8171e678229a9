import { pickTop } from './neighbourhood';

describe('pickTop', () => {
  const names = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9'];
  const name = (c: number): string => names[c] as string;

  it('matches a full sort by count desc then id for every limit', () => {
    const cnt = new Int32Array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
    // Candidates in an order unrelated to ids, ids not in count order.
    const cands = new Int32Array([7, 3, 9, 0, 5, 1, 8, 2, 6, 4]);
    const full = Array.from(cands).sort((a, b) => (cnt[b] as number) - (cnt[a] as number) || name(a).localeCompare(name(b)));
    for (let limit = 0; limit <= 11; limit++) {
      expect(pickTop(cands, cnt, limit, name)).toEqual(full.slice(0, limit));
    }
  });

  it('breaks ties at the cut-off by the smaller id', () => {
    const cnt = new Int32Array([2, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(pickTop(new Int32Array([4, 2, 0, 3, 1]), cnt, 3, name)).toEqual([0, 1, 2]);
  });
});
