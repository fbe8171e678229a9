import { mulberry32 } from '../../../ml/random';
import { toCsr, type Csr } from '../../datasets/gowalla';
import { buildKnnIndex, transpose } from './knn-index';

function randomSplit(seed: number, users: number, items: number): Csr {
  const rnd = mulberry32(seed);
  const rows = new Map<number, number[]>();
  for (let u = 0; u < users; u++)
    rows.set(
      u,
      Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * rnd() * items)),
    );
  return toCsr(rows, users);
}

/** co(s, c) and sim(s, c) by brute force over user sets. */
function bruteSims(train: Csr, numItems: number): Map<string, number> {
  const usersOf = Array.from({ length: numItems }, () => new Set<number>());
  for (let u = 0; u + 1 < train.indptr.length; u++) for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) usersOf[train.items[p]!]!.add(u);
  const out = new Map<string, number>();
  for (let s = 0; s < numItems; s++) {
    for (let c = 0; c < numItems; c++) {
      if (s === c) continue;
      let co = 0;
      for (const u of usersOf[s]!) if (usersOf[c]!.has(u)) co++;
      if (co > 0) out.set(`${s},${c}`, co / Math.sqrt(usersOf[s]!.size * usersOf[c]!.size));
    }
  }
  return out;
}

const rowOf = (ix: ReturnType<typeof buildKnnIndex>, s: number): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (let p = ix.indptr[s]!; p < ix.indptr[s + 1]!; p++) out.push([ix.neighbours[p]!, ix.sims[p]!]);
  return out;
};

describe('buildKnnIndex', () => {
  const numItems = 30;
  const train = randomSplit(7, 60, numItems);
  const brute = bruteSims(train, numItems);

  it('transposes user -> items into item -> users', () => {
    const t = transpose(
      toCsr(
        new Map([
          [0, [2, 0]],
          [1, [2]],
        ]),
        2,
      ),
      3,
    );
    expect(Array.from(t.indptr)).toEqual([0, 1, 1, 3]);
    expect(Array.from(t.items)).toEqual([0, 0, 1]);
  });

  it('keeps every co-interacted item with the cosine of binary user vectors (neighbours: 0)', () => {
    const ix = buildKnnIndex(train, numItems);
    expect(ix.neighbours.buffer).toBeInstanceOf(SharedArrayBuffer);
    let pairs = 0;
    for (let s = 0; s < numItems; s++) {
      const r = rowOf(ix, s);
      pairs += r.length;
      expect(r.map(([c]) => c)).toEqual([...r.map(([c]) => c)].sort((a, b) => a - b));
      for (const [c, sim] of r) expect(sim).toBeCloseTo(brute.get(`${s},${c}`)!, 12);
    }
    expect(pairs).toBe(brute.size);
  });

  it('keeps the top N by similarity per item, ties to the lower index', () => {
    const n = 3;
    const ix = buildKnnIndex(train, numItems, { neighbours: n, shared: false });
    expect(ix.sims.buffer).toBeInstanceOf(ArrayBuffer);
    for (let s = 0; s < numItems; s++) {
      const all = [...brute].filter(([k]) => Number(k.split(',')[0]) === s).map(([k, v]) => [Number(k.split(',')[1]), v] as [number, number]);
      // Rank with a tolerance so float noise in the reference cannot reorder exact ties.
      all.sort((a, b) => (Math.abs(a[1] - b[1]) > 1e-12 ? b[1] - a[1] : a[0] - b[0]));
      const want = all
        .slice(0, n)
        .map(([c]) => c)
        .sort((a, b) => a - b);
      expect(rowOf(ix, s).map(([c]) => c)).toEqual(want);
    }
    expect(() => buildKnnIndex(train, numItems, { neighbours: -1 })).toThrow(RangeError);
  });
});
