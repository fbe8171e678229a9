/** MF-BPR data and settings selection for events/temporal (eval/protocols/mf-select.ts). No real data. */
import { pairsToCsr, selectBpr, validationScore, type TimedPair } from '../../eval/protocols/mf-select';
import { mulberry32 } from '../../ml/random';

const p = (userId: string, itemId: string, ts: number): TimedPair => ({ userId, itemId, ts });

describe('pairsToCsr', () => {
  it('keeps distinct pairs over sorted ids, rows sorted', () => {
    const d = pairsToCsr([p('b', 'y', 1), p('a', 'z', 2), p('b', 'x', 3), p('b', 'y', 4)]);
    expect(d.userIds).toEqual(['a', 'b']);
    expect(d.itemIds).toEqual(['x', 'y', 'z']);
    expect([...d.data.indptr]).toEqual([0, 1, 3]);
    expect([...d.data.items]).toEqual([2, 0, 1]);
  });
});

describe('validationScore', () => {
  it('ranks every item by the dot product, repeats included', () => {
    // 1 dim: user 0 = 1, items 0..2 = [0.1, 0.9, 0.5]; ranking 1, 2, 0.
    const model = { dims: 1, numUsers: 1, numItems: 3, users: Float32Array.of(1), items: Float32Array.of(0.1, 0.9, 0.5) };
    expect(validationScore(model, new Map([[0, new Set([2])]]), 1)).toEqual({ recall: 0, ndcg: 0 });
    const s = validationScore(model, new Map([[0, new Set([2])]]), 2);
    expect(s.recall).toBe(1);
    expect(s.ndcg).toBeCloseTo(1 / Math.log2(3), 10);
  });
});

describe('selectBpr', () => {
  // Two groups of users, each touching its own half of the items, before and after the cut.
  const rng = mulberry32(9);
  const pairs: TimedPair[] = [];
  for (let u = 0; u < 24; u++) {
    const half = u % 2;
    for (let e = 0; e < 14; e++) pairs.push(p(`u${u}`, `i${half * 20 + Math.floor(rng() * 20)}`, e < 10 ? e : 100 + e));
  }

  it('tries every setting on the pairs before the cut and keeps the best validation recall', async () => {
    const lines: string[] = [];
    const s = await selectBpr(pairs, { validCut: 100, seed: 3, epochs: [8, 1], l2: [0.01], hyper: { dims: 8, negativeCandidates: 4 }, k: 5, log: (l) => lines.push(l) });
    expect(s.tried.map((t) => t.epochs)).toEqual([1, 8]);
    expect(lines).toHaveLength(2);
    expect(s.trainPairs).toBe(pairsToCsr(pairs.filter((x) => x.ts < 100)).data.items.length);
    expect(s.validationUsers).toBe(24);
    const best = Math.max(...s.tried.map((t) => t.recall));
    expect(s.tried.find((t) => t.epochs === s.chosen.epochs)!.recall).toBe(best);
    // The group structure is learnable: 8 epochs beat 1 epoch.
    expect(s.tried[1]!.recall).toBeGreaterThan(s.tried[0]!.recall);
  });

  it('scores a checkpoint exactly as a training stopped at that epoch', async () => {
    const o = { validCut: 100, seed: 3, l2: [0.01], hyper: { dims: 8, negativeCandidates: 4 }, k: 5 };
    const long = await selectBpr(pairs, { ...o, epochs: [3, 6] });
    const short = await selectBpr(pairs, { ...o, epochs: [3] });
    expect(short.tried[0]).toEqual(long.tried[0]);
  });

  it('refuses a validation window with no known user and item', async () => {
    await expect(selectBpr(pairs, { validCut: 1_000, seed: 3, epochs: [1] })).rejects.toThrow('no validation pair');
  });
});
