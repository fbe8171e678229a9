import { mulberry32 } from '../random';
import { buildGraphFilter, filterScores, filterScoresFor, lowPassEmbedding, recallOfScores, type InteractionRows } from './filter';
import { selectFilterAlpha } from './filter-select';
import { readFilterFile, writeFilterFile } from './filter-file';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A random interaction graph: each user picks `perUser` distinct items, skewed towards low ids. */
function randomRows(numUsers: number, numItems: number, perUser: number, seed: number): InteractionRows {
  const rnd = mulberry32(seed);
  const indptr = new Int32Array(numUsers + 1);
  const items: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const set = new Set<number>();
    while (set.size < perUser) set.add(Math.floor(rnd() ** 2 * numItems));
    items.push(...[...set].sort((a, b) => a - b));
    indptr[u + 1] = items.length;
  }
  return { numUsers, numItems, indptr, items: Int32Array.from(items) };
}

/** Dense R̃ = D_U^-1/2 R D_I^-1/2. */
function denseNormalised(d: InteractionRows): number[][] {
  const du = new Array<number>(d.numUsers).fill(0);
  const di = new Array<number>(d.numItems).fill(0);
  for (let u = 0; u < d.numUsers; u++) {
    for (let p = d.indptr[u]!; p < d.indptr[u + 1]!; p++) {
      du[u]!++;
      di[d.items[p]!]!++;
    }
  }
  const m = Array.from({ length: d.numUsers }, () => new Array<number>(d.numItems).fill(0));
  for (let u = 0; u < d.numUsers; u++) for (let p = d.indptr[u]!; p < d.indptr[u + 1]!; p++) m[u]![d.items[p]!] = 1 / Math.sqrt(du[u]! * di[d.items[p]!]!);
  return m;
}

describe('graph filter', () => {
  const data = randomRows(40, 30, 5, 11);
  const f = buildGraphFilter(data, { k: 6, iterations: 12, seed: 2 });
  const rt = denseNormalised(data);

  it('α = 0 is the linear filter r·R̃ᵀR̃, as a dense product', () => {
    const u = 3;
    const items = data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!);
    const got = filterScores(f, items, 0, new Float32Array(data.numItems));
    for (let c = 0; c < data.numItems; c++) {
      let want = 0;
      for (let v = 0; v < data.numUsers; v++) {
        let t = 0;
        for (const i of items) t += rt[v]![i]!;
        want += t * rt[v]![c]!;
      }
      expect(got[c]!).toBeCloseTo(want, 5);
    }
  });

  it('adds α·√d_c·⟨Σ V̄_i/√d_i, V̄_c⟩, the ideal low-pass part', () => {
    const u = 7;
    const items = data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!);
    const lin = filterScores(f, items, 0, new Float32Array(data.numItems));
    const both = filterScores(f, items, 0.5, new Float32Array(data.numItems));
    const e = lowPassEmbedding(f, items, new Float64Array(f.k));
    for (let c = 0; c < data.numItems; c++) {
      let low = 0;
      for (let j = 0; j < f.k; j++) low += e[j]! * f.vectors[c * f.k + j]!;
      expect(both[c]! - lin[c]!).toBeCloseTo(0.5 * Math.sqrt(f.itemDegree[c]!) * low, 5);
    }
  });

  it('its spectrum is that of R̃ᵀR̃: the largest eigenvalue of a normalised graph is 1', () => {
    expect(f.values[0]!).toBeCloseTo(1, 4);
    for (const v of f.values) expect(v).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('filterScoresFor gives the same scores for the candidates alone (-1: 0), and leaves its scratch clean', () => {
    const u = 5;
    const items = data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!);
    const all = filterScores(f, items, 0.3, new Float32Array(data.numItems));
    const cands = Int32Array.from([4, -1, 0, 29, 17]);
    const some = filterScoresFor(f, items, 0.3, cands, new Float32Array(cands.length));
    cands.forEach((c, x) => expect(some[x]!).toBeCloseTo(c < 0 ? 0 : all[c]!, 5));
    const again = filterScoresFor(f, items, 0.3, cands, new Float32Array(cands.length));
    expect(Array.from(again)).toEqual(Array.from(some));
  });

  it('recallOfScores counts the top-k hits, skipping excluded items', () => {
    const scores = Float32Array.from([5, 4, 3, 2, 1]);
    expect(recallOfScores(scores, [0], [1, 4], 2)).toBeCloseTo(0.5); // top 2 after excluding 0: items 1, 2
    expect(recallOfScores(Float32Array.from([1, 2, 3]), [], [], 2)).toBe(0);
  });

  it('selects α on a holdout of the train rows, reproducibly, from the grid given', () => {
    const big = randomRows(120, 60, 8, 5);
    const a = selectFilterAlpha(big, { k: 8, alphas: [0, 0.3], users: 50, seed: 4 });
    const b = selectFilterAlpha(big, { k: 8, alphas: [0, 0.3], users: 50, seed: 4 });
    expect([0, 0.3]).toContain(a.alpha);
    expect(a.recall).toEqual(b.recall);
    expect(a.users).toBe(50);
    expect(() => selectFilterAlpha(big, { alphas: [-1] })).toThrow(RangeError);
  });

  it('round-trips through filter.bin, and refuses a file that does not match its manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'filter-file-'));
    try {
      const part = await writeFilterFile(dir, f, 0.2);
      const back = await readFilterFile(dir, part);
      const u = 2;
      const items = data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!);
      expect(Array.from(filterScores(back, items, 0.2, new Float32Array(data.numItems)))).toEqual(Array.from(filterScores(f, items, 0.2, new Float32Array(data.numItems))));
      await expect(readFilterFile(dir, { ...part, k: part.k + 1 })).rejects.toThrow(/bytes/);
      const bytes = await readFile(join(dir, part.file));
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
      await writeFile(join(dir, part.file), bytes);
      await expect(readFilterFile(dir, part)).rejects.toThrow(/sha256/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
