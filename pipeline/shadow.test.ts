import { ErrorCode } from '../errors/codes';
import type { Scorer } from '../plugins/sdk/contract';
import type { FeatureKey } from '../plugins/sdk/features';
import type { RegisteredScorer } from '../plugins/sdk/registry';
import { mulberry32 } from '../plugins/sdk/random';
import { runShadow, sampleShadow, shadowFeatures, spearman, topNOverlap, type ShadowObservation, type ShadowOptions } from './shadow';

/** Seeded, so the random vectors are the same on every run. */
const rng = mulberry32;

/** Spearman by its definition, the slow way: average ranks counted pairwise, then Pearson with the sample means. */
function referenceSpearman(a: readonly number[], b: readonly number[]): number | null {
  const rank = (x: readonly number[]): number[] => x.map((v) => 1 + x.filter((w) => w < v).length + (x.filter((w) => w === v).length - 1) / 2);
  const ra = rank(a);
  const rb = rank(b);
  const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let cov = 0;
  let va = 0;
  let vb = 0;
  ra.forEach((x, i) => {
    cov += (x - ma) * (rb[i]! - mb);
    va += (x - ma) ** 2;
    vb += (rb[i]! - mb) ** 2;
  });
  return va === 0 || vb === 0 ? null : cov / Math.sqrt(va * vb);
}

describe('spearman', () => {
  it('matches the pairwise reference on seeded random vectors, with and without ties', () => {
    const rand = rng(11);
    let withTies = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(rand() * 40);
      // A third of the trials draw from 4 values, so most of them tie; the rest are continuous.
      const levels = trial % 3 === 0 ? 4 : 0;
      const draw = (): number => (levels > 0 ? Math.floor(rand() * levels) : rand() * 100 - 50);
      // Through float32 first, so the reference sees exactly the values spearman does.
      const a = Array.from(Float32Array.from({ length: n }, draw));
      const b = Array.from({ length: n }, draw);
      if (new Set(a).size < n) withTies++;
      const want = referenceSpearman(a, b);
      const got = spearman(Float32Array.from(a), b);
      if (want === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(want, 6);
    }
    expect(withTies).toBeGreaterThan(50);
  });

  it('agrees with 1 - 6Σd²/(n(n²-1)) when there are no ties', () => {
    const a = [3.5, -1, 7, 2, 0.25, 9, 4];
    const b = [10, 20, 5, 30, 25, 1, 0];
    const rank = (x: number[]): number[] => x.map((v) => 1 + x.filter((w) => w < v).length);
    const ra = rank(a);
    const rb = rank(b);
    const d2 = ra.reduce((s, r, i) => s + (r - rb[i]!) ** 2, 0);
    const n = a.length;
    expect(spearman(a, b)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 10);
  });

  it('is 1 for any increasing transform and -1 for a decreasing one, ties included', () => {
    const x = [0.2, 5, 5, -3, 8, 1];
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        x,
        x.map((v) => -v * 10),
      ),
    ).toBeCloseTo(-1, 12);
  });

  it('is null for a constant side, fewer than 2 values, or lengths that differ', () => {
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(spearman([7, 7], [1, 2])).toBeNull();
    expect(spearman([1], [1])).toBeNull();
    expect(spearman([], [])).toBeNull();
    expect(spearman([1, 2, 3], [1, 2])).toBeNull();
  });
});

describe('topNOverlap', () => {
  it('is the share of the served indices among the shadow top N (N = served count)', () => {
    const shadow = [0.9, 0.1, 0.8, 0.3, 0.7];
    expect(topNOverlap([0, 2, 4], shadow)).toBe(1);
    expect(topNOverlap([0, 1, 3], shadow)).toBeCloseTo(1 / 3, 12);
    expect(topNOverlap([1, 3], shadow)).toBe(0);
  });

  it('breaks ties in the shadow scores by candidate index', () => {
    const tied = [1, 1, 1, 1];
    expect(topNOverlap([0, 1], tied)).toBe(1);
    expect(topNOverlap([2, 3], tied)).toBe(0);
    expect(topNOverlap([0, 3], tied)).toBe(0.5);
    expect(topNOverlap([1, 3], [5, 2, 2, 2])).toBe(0.5);
  });

  it('is null when nothing was served', () => {
    expect(topNOverlap([], [1, 2, 3])).toBeNull();
  });
});

function registered(id: string, score: Scorer<readonly FeatureKey[]>['score'], opts: { timeoutMs?: number; features?: FeatureKey[] } = {}): RegisteredScorer {
  return { id: id as RegisteredScorer['id'], version: '1.2.3', features: opts.features ?? ['item.stats'], timeoutMs: opts.timeoutMs ?? 1000, scorer: { score } };
}

describe('sampleShadow / shadowFeatures', () => {
  const one = registered('acme/a', async () => new Float32Array(0), { features: ['item.stats', 'user.history'] });
  const two = registered('acme/b', async () => new Float32Array(0), { features: ['user.history', 'item.meta'] });
  const opts = (sampleRate: number, r: number, scorers = [one]): ShadowOptions => ({ scorers, sampleRate, record: () => undefined, random: () => r });

  it('shadows a request when the draw is below the rate, and never without scorers, at rate 0, or without options', () => {
    expect(sampleShadow(opts(0.5, 0.49))).toBe(true);
    expect(sampleShadow(opts(0.5, 0.5))).toBe(false);
    expect(sampleShadow(opts(1, 0.999))).toBe(true);
    expect(sampleShadow(opts(0, 0))).toBe(false);
    expect(sampleShadow(opts(1, 0, []))).toBe(false);
    expect(sampleShadow(undefined)).toBe(false);
  });

  it('asks for the union of the shadow scorers features, once each', () => {
    expect(shadowFeatures(opts(1, 0, [one, two])).sort()).toEqual(['item.meta', 'item.stats', 'user.history']);
    expect(shadowFeatures(undefined)).toEqual([]);
  });
});

describe('runShadow', () => {
  const itemIds = ['i0', 'i1', 'i2', 'i3'];
  const input = { userId: 'u1', strategyId: 'ltv', itemIds, features: {}, now: 1, blended: [4, 3, 2, 1], served: [0, 1] };

  it('records one observation per scorer with its outcome code, correlation and overlap', async () => {
    const seen: ShadowObservation[] = [];
    const scorers = [
      registered('acme/agree', async (req) => Float32Array.from(req.itemIds.map((_, i) => 100 - i))),
      registered('acme/reverse', async () => Float32Array.from([1, 2, 3, 4])),
      registered('acme/throws', async () => {
        throw new Error('model exploded');
      }),
      registered('acme/short', async () => new Float32Array(3)),
      registered(
        'acme/hangs',
        (req) =>
          new Promise<Float32Array>((resolve) => {
            // Never answers on its own; lets go when the deadline aborts it, so no timer outlives the test.
            req.signal.addEventListener('abort', () => resolve(new Float32Array(4)));
            setTimeout(() => resolve(new Float32Array(4)), 5_000).unref();
          }),
        { timeoutMs: 30 },
      ),
    ];
    await runShadow({ scorers, sampleRate: 1, record: (o) => seen.push(o) }, input);
    const by = new Map(seen.map((o) => [o.scorerId, o]));
    expect(seen).toHaveLength(5);
    expect(by.get('acme/agree')).toMatchObject({ ok: true, code: null, rankCorrelation: 1, topNOverlap: 1, candidates: 4, strategyId: 'ltv', version: '1.2.3' });
    expect(by.get('acme/reverse')).toMatchObject({ ok: true, code: null, topNOverlap: 0 });
    expect(by.get('acme/reverse')!.rankCorrelation).toBeCloseTo(-1, 12);
    expect(by.get('acme/throws')).toMatchObject({ ok: false, code: ErrorCode.SCORER_FAILED, rankCorrelation: null, topNOverlap: null });
    expect(by.get('acme/short')).toMatchObject({ ok: false, code: ErrorCode.SCORER_BAD_OUTPUT, rankCorrelation: null, topNOverlap: null });
    expect(by.get('acme/hangs')).toMatchObject({ ok: false, code: ErrorCode.SCORER_TIMEOUT, rankCorrelation: null, topNOverlap: null });
    expect(by.get('acme/hangs')!.ms).toBeGreaterThanOrEqual(25);
    expect(by.get('acme/hangs')!.ms).toBeLessThan(2_000);
  });

  it('hands each scorer only the features it declared', async () => {
    let got: object | undefined;
    const s = registered(
      'acme/features',
      async (req) => {
        got = req.features;
        return new Float32Array(4);
      },
      { features: ['item.meta'] },
    );
    await runShadow({ scorers: [s], sampleRate: 1, record: () => undefined }, { ...input, features: { 'item.meta': [] as never, 'item.stats': [] as never } });
    expect(Object.keys(got ?? {})).toEqual(['item.meta']);
  });

  it('never throws, even when recording fails, and records the other scorers', async () => {
    const seen: string[] = [];
    const scorers = [registered('acme/a', async () => new Float32Array(4)), registered('acme/b', async () => new Float32Array(4))];
    const record = (o: ShadowObservation): void => {
      if (o.scorerId === 'acme/a') throw new Error('recorder down');
      seen.push(o.scorerId);
    };
    await expect(runShadow({ scorers, sampleRate: 1, record }, input)).resolves.toBeUndefined();
    expect(seen).toEqual(['acme/b']);
  });
});
