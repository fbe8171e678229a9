/** The MTL-ads proxy and protocol on a generated Taobao-format log in a temp dir (no dataset file is read). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../ml/random';
import { parseTaobaoLines } from '../datasets/taobao';
import { runAdsMtl } from './ads';
import { adsProxyFromLog } from './ads-data';

const T0 = 1511600000;

/** Users 1..nu over 40 items in 4 categories; each user prefers one category and converts there more. */
function generatedLog(nu: number, seed: number): string[] {
  const rnd = mulberry32(seed);
  const lines: Array<[number, string]> = [];
  for (let u = 1; u <= nu; u++) {
    for (let e = 0; e < 30; e++) {
      const likes = rnd() < 0.7;
      const item = likes ? 1 + (u % 4) * 10 + Math.floor(rnd() * 10) : 1 + Math.floor(rnd() * 40);
      const cat = Math.floor((item - 1) / 10);
      const type = likes && rnd() < 0.25 ? (rnd() < 0.5 ? 'buy' : 'cart') : 'pv';
      const ts = T0 + Math.floor(rnd() * 8 * 86400);
      lines.push([ts, `${u},${item},${cat},${type},${ts}`]);
    }
  }
  return lines.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
}

describe('eval/mtl ads proxy', () => {
  it('exposures at first touch with as-of keywords, the previous category as query, and sampled negatives', () => {
    const log = parseTaobaoLines(['1,10,5,pv,1511600000', '1,10,5,buy,1511600100', '2,10,5,pv,1511600200', '1,11,6,pv,1511600300', '2,12,6,cart,1511600400'], { now: Date.UTC(2018, 0, 1) });
    const d = adsProxyFromLog(log, { negatives: 1, seed: 1 });
    expect(d.pairs).toBe(4);
    const pos = d.examples.filter((e) => e.clickedAd);
    expect(pos.map((e) => [e.userId, e.itemId, e.query, e.keywords.join(' '), e.clickedKeywords.length])).toEqual([
      ['taobao:1', 'taobao:10', '', 'cat:taobao:5 pop:0 conv:0', 3],
      ['taobao:2', 'taobao:10', '', 'cat:taobao:5 pop:1 conv:1', 0],
      ['taobao:1', 'taobao:11', 'taobao:5', 'cat:taobao:6 pop:0 conv:0', 0],
      ['taobao:2', 'taobao:12', 'taobao:5', 'cat:taobao:6 pop:0 conv:0', 3],
    ]);
    for (const n of d.examples.filter((e) => !e.clickedAd)) {
      expect(n.clickedKeywords).toEqual([]);
      expect(pos.some((p) => p.userId === n.userId && p.itemId === n.itemId)).toBe(false);
    }
  });
});

describe('eval mtl/ads protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtl-ads-eval-'));
  const file = join(dir, 'UserBehavior.csv');
  writeFileSync(file, `${generatedLog(40, 3).join('\n')}\n`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the five models and the BM+features ablation, main AUC overall and per bucket paired against BM, and auxiliary AUC', async () => {
    const r = await runAdsMtl({ file, seed: 5, epochs: 2, patience: 1, kGrid: [1, 2], pretrainGrid: [1], learningRates: [0.01], batchSize: 64, resamples: 20 });
    expect(r.protocol).toBe('mtl/ads');
    expect(r.models.map((m) => m.id)).toEqual(['bm', 'bm+features', 'mtdl/alternating', 'mtdl/pretrain-finetune', 'amtdl/alternating', 'amtdl/pretrain-finetune']);
    expect((r.models[2]!.params.grid as unknown[]).length).toBe(2);
    const main = r.metrics.filter((m) => m.metric === 'auc' && m.target!.startsWith('selling-point'));
    expect(main).toHaveLength(6 * 5);
    // A tiny test window (a handful of converting exposures): only the best model is held to a bar.
    const overall = main.filter((x) => x.segment === undefined).map((m) => m.value);
    for (const v of overall) expect(v).toBeGreaterThanOrEqual(0);
    expect(Math.max(...overall)).toBeGreaterThan(0.75);
    expect(new Set(main.filter((m) => m.segment).map((m) => m.segment!.split(':')[0]))).toEqual(new Set(['main-positives', 'aux-positives']));
    expect(r.metrics.filter((m) => m.metric === 'auc_minus_bm')).toHaveLength(5 * 5);
    expect(r.metrics.filter((m) => m.metric === 'auc_minus_bm_features').map((m) => m.model)).toEqual(Array(5).fill(['amtdl/alternating', 'amtdl/pretrain-finetune']).flat());
    expect(r.metrics.filter((m) => m.metric === 'auc' && m.target!.startsWith('ad-click'))).toHaveLength(4 * 5);
    expect(r.dataset.stats.train).toBeGreaterThan(r.dataset.stats.test as number);
  });
});
