/**
 * `ranking/full` on hand-made `user item` pair files (generated here, string ids):
 * - parity: the full-ranking `baseline/item-knn` gives the serving scorer's scores on the serving
 *   candidates of every user, the serving side running through the real gateway path (an embedded
 *   store loaded with the same train data, retrieveCandidates, loadFeatures, the registered
 *   plugin), so the two implementations cannot drift;
 * - every registered scorer id runs or is refused with a coded error; bootstrap intervals.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { parseSplitFiles } from '../../eval/datasets/interactions';
import { runRankingFull, type RankingFullOptions } from '../../eval/protocols/ranking-full';
import { createFeatureSource, GOWALLA_DATA_TS } from '../../eval/protocols/ranking-full/features';
import { buildKnnIndex } from '../../eval/protocols/ranking-full/knn-index';
import { createFullItemKnnScorer } from '../../eval/protocols/ranking-full/knn-scorer';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';
import { retrieveCandidates } from '../../pipeline/candidates';
import { loadFeatures } from '../../pipeline/features';
import { DEFAULT_STRATEGY } from '../../pipeline/strategy';
import { createItemKnnScorer } from '../../plugins/baseline/item-knn';
import { scoresOf, type ScorerPlugin } from '../../plugins/sdk/contract';
import { createScorerRegistry, type ScorerRegistry } from '../../plugins/sdk/registry';

// Train: 8 users over items i0..i9; i9 is only co-interacted with nothing (u7 has just it).
const TRAIN: Record<string, string[]> = {
  u0: ['i0', 'i1', 'i2'],
  u1: ['i1', 'i2', 'i3'],
  u2: ['i0', 'i3', 'i4'],
  u3: ['i4', 'i5'],
  u4: ['i2', 'i5', 'i6'],
  u5: ['i6', 'i7', 'i0'],
  u6: ['i8', 'i1'],
  u7: ['i9'],
};
// Test: i10 appears only here (in the catalogue, never reached by a neighbour).
const TEST: Record<string, string[]> = {
  u0: ['i3', 'i5'],
  u1: ['i0'],
  u2: ['i1', 'i6'],
  u3: ['i2'],
  u4: ['i0'],
  u5: ['i1'],
  u6: ['i4'],
  u7: ['i10'],
};
const pairs = (rows: Record<string, string[]>, sep: string): string =>
  Object.entries(rows)
    .flatMap(([u, items]) => items.map((i) => `${u}${sep}${i}`))
    .join('\n');

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const noModel = async (): Promise<never> => {
  throw new Error('no model');
};
const signal = new AbortController().signal;

let dir: string;
let trainFile: string;
let testFile: string;
let store: GraphStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-ranking-knn-'));
  trainFile = join(dir, 'train.csv');
  testFile = join(dir, 'test.txt');
  await writeFile(trainFile, `user,item\n${pairs(TRAIN, ',')}\n`);
  await writeFile(testFile, `${pairs(TEST, ' ')}\n`);
  store = await createEmbeddedGraphStore({ path: join(dir, 'store.db'), synchronous: 'NORMAL' });
  const events = Object.entries(TRAIN).flatMap(([u, items]) =>
    items.map((i) => ({ eventId: `${u}-${i}`, userId: u, type: 'click' as const, itemId: i, ts: GOWALLA_DATA_TS, value: 0, dwellMs: null, session: null, referrer: null, query: null })),
  );
  await store.ingestEvents(events);
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function registry(plugin: ScorerPlugin): Promise<ScorerRegistry> {
  return createScorerRegistry([plugin], { logger: silent, loadModel: noModel, defaultTimeoutMs: 10_000 });
}

describe('full-ranking item-kNN vs the serving scorer', () => {
  it('gives the serving scores on the serving candidates of every user', async () => {
    const { split } = parseSplitFiles(`user,item\n${pairs(TRAIN, ',')}\n`, pairs(TEST, ' '));
    const full = await registry(createFullItemKnnScorer({ index: buildKnnIndex(split.train, split.numItems), itemIds: split.itemIds }) as unknown as ScorerPlugin);
    const serving = await registry(createItemKnnScorer() as unknown as ScorerPlugin);
    // The history ranking/full hands the scorer: the user's train items as clicks at the data time.
    const features = createFeatureSource(new Set(['user.history']), split.train, split.itemIds, GOWALLA_DATA_TS);
    let compared = 0;
    let positive = 0;
    try {
      for (let u = 0; u < split.numUsers; u++) {
        const userId = split.userIds[u]!;
        const profile = await store.userProfile(userId, DEFAULT_STRATEGY.historyLimit);
        const candidates = await retrieveCandidates(store, DEFAULT_STRATEGY, profile);
        const served = await loadFeatures({ store, needed: new Set(['pair.coInteraction']), profile, candidates, now: GOWALLA_DATA_TS, seeds: DEFAULT_STRATEGY.candidates.neighbourhood!.seeds });
        const want = scoresOf(await serving.get('baseline/item-knn')!.scorer.score({ userId, itemIds: candidates.itemIds, features: served as never, now: GOWALLA_DATA_TS, signal }));
        const got = scoresOf(await full.get('baseline/item-knn')!.scorer.score({ userId, itemIds: candidates.itemIds, features: features.forUser(u) as never, now: GOWALLA_DATA_TS, signal }));
        expect(got).toHaveLength(candidates.itemIds.length);
        candidates.itemIds.forEach((id, i) => {
          expect([id, got[i]]).toEqual([id, expect.closeTo(want[i]!, 6)]);
          if (want[i]! > 0) positive++;
        });
        compared += candidates.itemIds.length;
      }
    } finally {
      await full.close();
      await serving.close();
    }
    // Every user saw most of the 10 stored items as candidates, and many of them scored above 0.
    expect(compared).toBeGreaterThan(8 * 8);
    expect(positive).toBeGreaterThan(20);
  });
});

describe('ranking/full on pair files', () => {
  const base = (): RankingFullOptions => ({ trainFile, testFile, seed: 5, workers: 0, progress: false, log: () => {}, bootstrap: 200 });

  /** Recall@K of item-kNN by brute force over user sets: all history items seed, train items masked, ties to the lower index. */
  function bruteRecall(k: number): number {
    const { split } = parseSplitFiles(`user,item\n${pairs(TRAIN, ',')}\n`, pairs(TEST, ' '));
    const usersOf = new Map<string, Set<string>>();
    for (const [u, items] of Object.entries(TRAIN)) for (const i of items) usersOf.set(i, (usersOf.get(i) ?? new Set()).add(u));
    const deg = (i: string): number => usersOf.get(i)?.size ?? 0;
    const co = (a: string, b: string): number => [...(usersOf.get(a) ?? [])].filter((u) => usersOf.get(b)?.has(u)).length;
    let sum = 0;
    for (const [u, test] of Object.entries(TEST)) {
      const history = TRAIN[u]!;
      const ranked = split.itemIds
        .map((c, index) => ({ c, index, score: deg(c) === 0 ? 0 : history.reduce((acc, s) => acc + co(s, c) / Math.sqrt(deg(s) * deg(c)), 0) }))
        .filter((x) => !history.includes(x.c))
        .sort((a, b) => b.score - a.score || a.index - b.index);
      sum += ranked.slice(0, k).filter((x) => test.includes(x.c)).length / test.length;
    }
    return sum / Object.keys(TEST).length;
  }

  it('runs every registered scorer it can feed; item-kNN matches a brute-force ranking', async () => {
    const models = ['baseline/item-knn', 'baseline/popularity', 'baseline/commercial', 'baseline/affinity', 'baseline/rfm'];
    const r = await runRankingFull({ ...base(), models, ks: [1, 2, 3] });
    expect(r.models.map((m) => m.id)).toEqual(models);
    expect(r.dataset.stats).toMatchObject({ users: 8, items: 11, evaluatedUsers: 8 });
    expect(r.dataset.split).toContain('user item pairs');
    expect(r.dataset.name).toBe('train'); // pair files: the train file's name
    const at = (model: string, metric: string, k: number) => r.metrics.find((m) => m.model === model && m.metric === metric && m.k === k && m.segment === undefined)!;
    for (const k of [1, 2, 3]) expect(at('baseline/item-knn', 'recall', k).value).toBeCloseTo(bruteRecall(k), 5);
    expect(bruteRecall(3)).toBeGreaterThan(0.2);
    const recall2 = at('baseline/item-knn', 'recall', 2);
    expect(recall2.ci).toEqual({ level: 0.95, lower: expect.any(Number), upper: expect.any(Number) });
    expect(recall2.ci!.lower).toBeLessThanOrEqual(recall2.value);
    expect(recall2.ci!.upper).toBeGreaterThanOrEqual(recall2.value);
    expect(recall2.ci!.upper).toBeGreaterThan(recall2.ci!.lower);
    expect(at('baseline/item-knn', 'precision', 2).ci).toBeUndefined();
    expect(r.notes.join(' ')).toContain('20 most recent items');
  });

  it('refuses duve/purchase and unknown ids with EVAL_ARGUMENT_INVALID naming the model', async () => {
    for (const [id, why] of [
      ['duve/purchase', 'DUVE engine'],
      ['acme/nothing', 'unknown model'],
    ] as const) {
      const err = await runRankingFull({ ...base(), models: [id] }).catch((e: unknown) => e as { code: string; message: string; details: unknown });
      expect(err).toMatchObject({ code: ErrorCode.EVAL_ARGUMENT_INVALID, details: { flag: '--models', model: id } });
      expect((err as { message: string }).message).toContain(why);
    }
  });
});
