import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMfArtifact } from '../mf/artifact';
import { mulberry32 } from '../random';
import { dataDigest, stageGcnArtifact } from './artifact';
import { holdoutSplit } from './holdout';
import type { GcnGraphData } from './objective';
import { trainWithSelection } from './select';
import { trainGcn } from './train';

/**
 * Three taste clusters of 12 items; each user has 6 items of their own cluster (one held out) and
 * 2 of 6 "hub" items everybody touches, so popularity ranks the hubs first and misses the cluster.
 */
function clustered(numUsers: number, seed: number): { data: GcnGraphData; held: number[] } {
  const rnd = mulberry32(seed);
  const rows: number[][] = [];
  const held: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const base = (u % 3) * 12;
    const liked = new Set<number>();
    while (liked.size < 6) liked.add(base + Math.floor(rnd() * 12));
    const [h, ...rest] = [...liked];
    held.push(h!);
    const hubs = new Set<number>();
    while (hubs.size < 2) hubs.add(36 + Math.floor(rnd() * 6));
    rows.push([...rest, ...hubs].sort((a, b) => a - b));
  }
  const indptr = Int32Array.from([0, ...rows.map((_, u) => rows.slice(0, u + 1).flat().length)]);
  return { data: { numUsers, numItems: 42, indptr, items: Int32Array.from(rows.flat()) }, held };
}

/** Hit rate at k of the held-out items when ranking by `score(u)` with train items masked. */
function hitRate(data: GcnGraphData, held: number[], k: number, score: (u: number) => Float64Array): number {
  let hits = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const s = score(u);
    for (let p = data.indptr[u]!; p < data.indptr[u + 1]!; p++) s[data.items[p]!] = -Infinity;
    const top = [...s.keys()].sort((a, b) => s[b]! - s[a]! || a - b).slice(0, k);
    if (top.includes(held[u]!)) hits++;
  }
  return hits / data.numUsers;
}

const SMALL = { dims: 16, layers: 2, negatives: 16, usersPerGroup: 4, usersPerStep: 32, learningRate: 0.05, tau: 0.2 } as const;

describe('trainGcn', () => {
  const { data, held } = clustered(90, 4);

  it('a freshly trained model beats popularity on held-out items of a clustered graph', async () => {
    const r = await trainGcn(data, { ...SMALL, epochs: 25, seed: 1 });
    const d = r.model.dims;
    const gcn = hitRate(data, held, 5, (u) => {
      const s = new Float64Array(data.numItems);
      for (let i = 0; i < data.numItems; i++) for (let k = 0; k < d; k++) s[i]! += r.model.users[u * d + k]! * r.model.items[i * d + k]!;
      return s;
    });
    const degree = new Float64Array(data.numItems);
    for (const i of data.items) degree[i]!++;
    const pop = hitRate(data, held, 5, () => Float64Array.from(degree));
    expect(pop).toBeLessThan(0.3);
    expect(gcn).toBeGreaterThan(0.6);
    expect(r.history.at(-1)!.loss).toBeLessThan(r.history[0]!.loss);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await trainGcn(data, { ...SMALL, epochs: 3, seed: 7 });
    const b = await trainGcn(data, { ...SMALL, epochs: 3, seed: 7 });
    const c = await trainGcn(data, { ...SMALL, epochs: 3, seed: 8 });
    expect(Buffer.from(a.model.users.buffer).equals(Buffer.from(b.model.users.buffer))).toBe(true);
    expect(Buffer.from(a.model.items.buffer).equals(Buffer.from(b.model.items.buffer))).toBe(true);
    expect(Buffer.from(a.model.items.buffer).equals(Buffer.from(c.model.items.buffer))).toBe(false);
  });

  it('refuses bad settings', async () => {
    await expect(trainGcn(data, { seed: 1, tau: 0 })).rejects.toThrow(/tau must be positive/);
    await expect(trainGcn(data, { seed: 1, layers: 1.5 })).rejects.toThrow(/layers must be an integer/);
  });
});

describe('holdoutSplit', () => {
  it('holds out about 10% of each row, at least one item from rows of 2+, never the whole row, seeded', () => {
    const { data } = clustered(30, 2);
    const a = holdoutSplit(data, 0.1, 3);
    const b = holdoutSplit(data, 0.1, 3);
    expect(Array.from(a.valid.items)).toEqual(Array.from(b.valid.items));
    for (let u = 0; u < data.numUsers; u++) {
      const fit = a.fit.items.subarray(a.fit.indptr[u]!, a.fit.indptr[u + 1]!);
      const valid = a.valid.items.subarray(a.valid.indptr[u]!, a.valid.indptr[u + 1]!);
      const row = data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!);
      expect(valid.length).toBe(1); // 7 items: round(0.7) = 1
      expect([...fit, ...valid].sort((x, y) => x - y)).toEqual(Array.from(row));
    }
  });
});

describe('selection and artifact', () => {
  it('retrains for the best held-out epoch and round-trips through a versioned artifact', async () => {
    const { data } = clustered(60, 9);
    const r = await trainWithSelection(data, { ...SMALL, epochs: 6, seed: 5, every: 1, patience: 10, validUserStride: 1 });
    expect(r.final.history.length).toBe(r.selection.best.epoch);
    const recalls = r.selection.history.map((e) => e.validRecall!);
    expect(r.selection.best.recall).toBe(Math.max(...recalls));
    const root = await mkdtemp(join(tmpdir(), 'gcn-artifact-'));
    try {
      const ids = (p: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${p}${i}`);
      const staged = await stageGcnArtifact(root, r, { userIds: ids('u', 60), itemIds: ids('i', 42), source: { test: true }, digest: dataDigest(data), metrics: {}, createdBy: 'test' });
      const pub = await staged.publish({ 'recall@20': 0.5 });
      expect(pub.dir).toBe(join(root, 'dpgcn', '1'));
      const back = await readMfArtifact(pub.dir);
      expect(back.manifest.model).toBe('dpgcn/graph');
      expect(back.manifest.metrics).toEqual({ 'recall@20': 0.5 });
      expect((back.manifest.training as { data: { digest: string } }).data.digest).toBe(dataDigest(data));
      expect(Array.from(back.model.users)).toEqual(Array.from(r.final.model.users));
      expect(Array.from(back.model.items)).toEqual(Array.from(r.final.model.items));
      const again = await stageGcnArtifact(root, r, { userIds: ids('u', 60), itemIds: ids('i', 42), source: {}, digest: 'x', metrics: {}, createdBy: 'test' });
      expect((await again.publish()).version).toBe(2);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('digests differ when one interaction differs', () => {
    const { data } = clustered(12, 1);
    const items = Int32Array.from(data.items);
    items[0] = (items[0]! + 1) % 42;
    expect(dataDigest({ ...data, items })).not.toBe(dataDigest(data));
  });
});
