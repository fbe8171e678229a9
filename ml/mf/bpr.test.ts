import { mulberry32 } from '../random';
import { bprTripleGradient, scoreAllItems, trainBpr, type MfTrainData } from './bpr';

/** Rows of a CSR from per-user item lists. */
function csr(numItems: number, rows: number[][]): MfTrainData {
  const indptr = new Int32Array(rows.length + 1);
  rows.forEach((r, u) => (indptr[u + 1] = indptr[u]! + r.length));
  return { numUsers: rows.length, numItems, indptr, items: Int32Array.from(rows.flatMap((r) => [...r].sort((a, b) => a - b))) };
}

/** Two taste clusters: users 0..n/2-1 like items 0..9, the rest like items 10..19; item 20..29 are noise. */
function clustered(numUsers: number, seed: number): { train: MfTrainData; held: number[] } {
  const rnd = mulberry32(seed);
  const rows: number[][] = [];
  const held: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const base = u < numUsers / 2 ? 0 : 10;
    const liked = new Set<number>();
    while (liked.size < 6) liked.add(base + Math.floor(rnd() * 10));
    const [h, ...rest] = [...liked];
    held.push(h!);
    rows.push(rest);
  }
  return { train: csr(30, rows), held };
}

describe('bprTripleGradient', () => {
  it('matches central finite differences of the loss (with L2) for u, p and n', () => {
    const d = 8;
    const rnd = mulberry32(3);
    const users = Float64Array.from({ length: 2 * d }, () => rnd() - 0.5);
    const items = Float64Array.from({ length: 3 * d }, () => rnd() - 0.5);
    const l2 = 0.3;
    const [uo, po, no] = [d, 0, 2 * d];
    const gu = new Float64Array(d);
    const gp = new Float64Array(d);
    const gn = new Float64Array(d);
    const scratch = [new Float64Array(d), new Float64Array(d), new Float64Array(d)] as const;
    bprTripleGradient(users, uo, items, po, no, d, l2, gu, gp, gn);
    const loss = (): number => bprTripleGradient(users, uo, items, po, no, d, l2, ...scratch);
    const eps = 1e-6;
    const numeric = (arr: Float64Array, at: number): number => {
      const keep = arr[at]!;
      arr[at] = keep + eps;
      const up = loss();
      arr[at] = keep - eps;
      const down = loss();
      arr[at] = keep;
      return (up - down) / (2 * eps);
    };
    for (let k = 0; k < d; k++) {
      expect(gu[k]!).toBeCloseTo(numeric(users, uo + k), 7);
      expect(gp[k]!).toBeCloseTo(numeric(items, po + k), 7);
      expect(gn[k]!).toBeCloseTo(numeric(items, no + k), 7);
    }
    // The L2 part of the gradient is exactly l2 * theta: compare with the gradient at l2 = 0.
    const g0 = [new Float64Array(d), new Float64Array(d), new Float64Array(d)] as const;
    bprTripleGradient(users, uo, items, po, no, d, 0, ...g0);
    for (let k = 0; k < d; k++) {
      expect(gu[k]! - g0[0][k]!).toBeCloseTo(l2 * users[uo + k]!, 12);
      expect(gn[k]! - g0[2][k]!).toBeCloseTo(l2 * items[no + k]!, 12);
    }
  });

  it('computes the loss value by hand for a 1-d triple', () => {
    // u = 2, p = 1, n = 0.5: x = 2 * (1 - 0.5) = 1; -ln σ(1) = ln(1 + e^-1); L2 0.1/2 * (4 + 1 + 0.25).
    const g = [new Float64Array(1), new Float64Array(1), new Float64Array(1)] as const;
    const l = bprTripleGradient(Float64Array.of(2), 0, Float64Array.of(1, 0.5), 0, 1, 1, 0.1, ...g);
    expect(l).toBeCloseTo(Math.log1p(Math.exp(-1)) + 0.05 * 5.25, 12);
    // σ(-1) = 1 / (1 + e): gu = -σ(-1) * (1 - 0.5) + 0.1 * 2.
    expect(g[0][0]).toBeCloseTo(-0.5 / (1 + Math.E) + 0.2, 12);
  });
});

describe('trainBpr', () => {
  it('is reproducible from the seed and changes with it', async () => {
    const { train } = clustered(40, 1);
    const a = await trainBpr(train, { seed: 7, dims: 8, epochs: 3 });
    const b = await trainBpr(train, { seed: 7, dims: 8, epochs: 3 });
    const c = await trainBpr(train, { seed: 8, dims: 8, epochs: 3 });
    expect(Buffer.from(b.model.users.buffer).equals(Buffer.from(a.model.users.buffer))).toBe(true);
    expect(Buffer.from(b.model.items.buffer).equals(Buffer.from(a.model.items.buffer))).toBe(true);
    expect(b.history.map((e) => e.loss)).toEqual(a.history.map((e) => e.loss));
    expect(Buffer.from(c.model.items.buffer).equals(Buffer.from(a.model.items.buffer))).toBe(false);
  });

  it('lowers the loss and ranks held-out in-cluster items above popularity does', async () => {
    const { train, held } = clustered(60, 2);
    const res = await trainBpr(train, { seed: 1, dims: 8, epochs: 40, learningRate: 0.1, l2: 0.001, negativeCandidates: 1 });
    expect(res.history.at(-1)!.loss).toBeLessThan(res.history[0]!.loss * 0.5);
    expect(res.history).toHaveLength(40);
    // Rank of each user's held-out item among items not in train (0 = best); popularity gives
    // roughly the same order to everyone and cannot separate the two clusters.
    const pop = new Float64Array(30);
    for (const i of train.items) pop[i]!++;
    const scores = new Float32Array(30);
    let mfRank = 0;
    let popRank = 0;
    for (let u = 0; u < train.numUsers; u++) {
      const seen = new Set(train.items.subarray(train.indptr[u]!, train.indptr[u + 1]!));
      scoreAllItems(res.model, u, scores);
      const h = held[u]!;
      for (let i = 0; i < 30; i++) {
        if (seen.has(i) || i === h) continue;
        if (scores[i]! > scores[h]!) mfRank++;
        if (pop[i]! > pop[h]!) popRank++;
      }
    }
    expect(mfRank).toBeLessThan(popRank * 0.5);
  });

  it('with several candidates, updates only the highest-scored negative', async () => {
    // One user, train item 0; negatives come from {1, 2}, drawn 8 times per triple.
    const data = csr(3, [[0]]);
    const init = await trainBpr(data, { seed: 4, dims: 4, epochs: 0, negativeCandidates: 8 });
    const after = await trainBpr(data, { seed: 4, dims: 4, epochs: 1, negativeCandidates: 8, learningRate: 0.1 });
    const score = (i: number): number => scoreAllItems(init.model, 0, new Float32Array(3))[i]!;
    const [hard, easy] = score(1) > score(2) ? [1, 2] : [2, 1];
    const itemRow = (m: typeof init.model, i: number): number[] => Array.from(m.items.subarray(i * 4, i * 4 + 4));
    expect(itemRow(after.model, hard)).not.toEqual(itemRow(init.model, hard));
    expect(itemRow(after.model, easy)).toEqual(itemRow(init.model, easy));
    expect(after.hyper.negativeCandidates).toBe(8);
  });

  it('reports progress, honours an abort, and rejects unusable input', async () => {
    const { train } = clustered(10, 3);
    const seen: number[] = [];
    await trainBpr(train, { seed: 1, dims: 4, epochs: 2, onProgress: (done, total) => seen.push(done / total) });
    expect(seen.at(-1)).toBe(1);
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    await expect(trainBpr(train, { seed: 1, dims: 4, epochs: 2, signal: ctl.signal })).rejects.toThrow('stop');
    await expect(trainBpr(csr(2, [[0, 1]]), { seed: 1 })).rejects.toThrow('every item');
    await expect(trainBpr(csr(2, [[5]]), { seed: 1 })).rejects.toThrow('outside');
    await expect(trainBpr(train, { seed: 1.5 })).rejects.toThrow(RangeError);
    await expect(trainBpr(train, { seed: 1, negativeCandidates: 0 })).rejects.toThrow('negativeCandidates');
  });
});
