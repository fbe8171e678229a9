/** Training BM / MTDL / AMTDL with both schedules on a generated log with planted keyword tastes. */
import { auc } from '../../../eval/metrics/classification';
import { encodeAds } from './encode';
import { createAdsFeatureContext } from './features';
import { syntheticAdsLog } from './synthetic';
import { predictMtlAdsTs, scoreEncodedAds, trainMtlAds } from './train';

describe('ml/mtl/ads training', () => {
  const log = syntheticAdsLog({ users: 60, items: 80, exposures: 4000, seed: 7 });
  const train = log.examples.slice(0, 3000);
  const valid = log.examples.slice(3000, 3500);
  const test = log.examples.slice(3500);
  const context = createAdsFeatureContext(log.history, log.itemCategories);
  const base = { seed: 3, epochs: 4, patience: 2, learningRate: 0.01, batchSize: 64, validation: valid, context } as const;

  it.each([
    ['bm', 'alternating'],
    ['mtdl', 'alternating'],
    ['mtdl', 'pretrain-finetune'],
    ['amtdl', 'alternating'],
    ['amtdl', 'pretrain-finetune'],
  ] as const)('%s / %s learns the planted keyword tastes (test keyword AUC well above chance)', (kind, schedule) => {
    const t = trainMtlAds(train, { ...base, kind, schedule, k: 2, pretrainEpochs: 1 });
    const enc = encodeAds(test, t.index, { extra: kind === 'amtdl', ctx: context });
    const s = scoreEncodedAds(t.net, enc);
    expect(auc(s.main, enc.kwLabel)).toBeGreaterThan(0.7);
    if (kind === 'bm') {
      expect(s.aux).toBeNull();
      expect(t.effectiveSchedule).toBe('main-only');
    } else {
      // Fine-tuning trains the main task only, so the CTR head is checked after alternating training.
      if (schedule === 'alternating') expect(auc(s.aux!, enc.adLabel)).toBeGreaterThan(0.6);
      expect(t.effectiveSchedule).toBe(schedule);
    }
    if (schedule === 'pretrain-finetune') {
      expect(t.history[0]!.phase).toBe('pretrain');
      expect(Number.isNaN(t.history[0]!.mainLoss)).toBe(true);
    }
    expect(t.metrics.validationMainAuc).toBeCloseTo(t.history[t.bestEpoch]!.validationMainAuc!, 10);
  });

  it('is reproducible from the seed; predictions align with the keywords; liked keywords score higher', () => {
    const run = () => trainMtlAds(train, { ...base, kind: 'mtdl', schedule: 'alternating', k: 2 });
    const a = run();
    const b = run();
    expect(Buffer.from(a.net.params.values.buffer).equals(Buffer.from(b.net.params.values.buffer))).toBe(true);
    const rows = test.slice(0, 200);
    const p = predictMtlAdsTs(a, rows, null);
    let likedSum = 0;
    let likedN = 0;
    let otherSum = 0;
    let otherN = 0;
    rows.forEach((r, e) => {
      expect(p[e]!.keywordScores.length).toBe(r.keywords.length);
      expect(p[e]!.ctr).toBeGreaterThan(0);
      r.keywords.forEach((k, j) => {
        if (log.likes(r.userId, k)) {
          likedSum += p[e]!.keywordScores[j]!;
          likedN++;
        } else {
          otherSum += p[e]!.keywordScores[j]!;
          otherN++;
        }
      });
    });
    expect(likedSum / likedN).toBeGreaterThan((1.5 * otherSum) / otherN);
  });

  it('refuses bad options, and AMTDL without a context', () => {
    expect(() => trainMtlAds(train, { ...base, kind: 'mtdl', schedule: 'alternating', k: 0 })).toThrow(/k 0/);
    expect(() => trainMtlAds(train, { seed: 1, kind: 'amtdl', schedule: 'alternating' })).toThrow(/context/);
    expect(() => trainMtlAds([], { seed: 1, kind: 'bm', schedule: 'alternating' })).toThrow(/no training examples/);
    expect(() => trainMtlAds(train, { seed: 1, kind: 'xx' as never, schedule: 'alternating' })).toThrow(/kind/);
  });

  it('without a validation set, selects on the latest 10% by time', () => {
    const t = trainMtlAds(train, { seed: 2, kind: 'bm', schedule: 'alternating', epochs: 1, learningRate: 0.01 });
    expect(t.metrics.validationExamples).toBe(300);
    expect(t.metrics.trainExamples).toBe(2700);
  });
});
