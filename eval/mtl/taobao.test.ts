/** The Taobao multi-task proxy on a generated event log in a temp dir (no dataset file is read). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../ml/random';
import { parseTaobaoLines } from '../datasets/taobao';
import { runTaobaoMtl } from './taobao';
import { fitTaobaoMtl, taobaoPairs } from './taobao-data';

const T0 = 1511600000;

/** Users 1..nu; items 1..40 in 4 categories; even users prefer category 0 and buy there more. */
function generatedLog(nu: number, seed: number): string[] {
  const rnd = mulberry32(seed);
  const lines: string[] = [];
  for (let u = 1; u <= nu; u++) {
    for (let e = 0; e < 25; e++) {
      const likes = rnd() < 0.7;
      const item = likes ? (u % 2 === 0 ? 1 + Math.floor(rnd() * 10) : 11 + Math.floor(rnd() * 10)) : 1 + Math.floor(rnd() * 40);
      const cat = Math.floor((item - 1) / 10);
      const type = likes && rnd() < 0.25 ? (rnd() < 0.5 ? 'buy' : 'cart') : 'pv';
      lines.push(`${u},${item},${cat},${type},${T0 + e * 60}`);
    }
  }
  return lines;
}

describe('eval/mtl taobao pairs', () => {
  it('interacted pairs carry aux 1 and main = cart or buy; negatives are untouched items with labels 0', () => {
    const log = parseTaobaoLines(['1,10,5,pv,1511600000', '1,10,5,buy,1511600100', '1,11,5,pv,1511600200', '2,12,6,cart,1511600300', '2,10,5,pv,1511600400'], { now: Date.UTC(2018, 0, 1) });
    const p = taobaoPairs(log, { negatives: 2, seed: 1 });
    expect(p.users).toBe(2);
    expect(p.items).toBe(3);
    expect(p.n).toBe(4 + 8);
    expect(Array.from(p.main.slice(0, 4))).toEqual([1, 0, 1, 0]);
    expect(Array.from(p.aux.slice(0, 4))).toEqual([1, 1, 1, 1]);
    const touched = new Set(['0 0', '0 1', '1 2', '1 0']);
    for (let r = 4; r < p.n; r++) {
      expect(p.main[r]! + p.aux[r]!).toBe(0);
      expect(touched.has(`${p.user[r]} ${p.item[r]}`)).toBe(false);
    }
    const enc = fitTaobaoMtl(p, [0, 1, 2, 3], 2);
    // item 0 (taobao item 10) has 2 training rows, items 1 and 2 one each → rare (0)
    expect(enc.cardinalities).toEqual([3, 2, 3]);
    const d = enc.encode(p, [0, 1, 3]);
    expect(Array.from(d.cat)).toEqual([1, 1, 1, 1, 0, 1, 2, 1, 1]);
  });
});

describe('eval mtl/taobao protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtl-taobao-'));
  const file = join(dir, 'UserBehavior.csv');
  writeFileSync(file, `${generatedLog(40, 3).join('\n')}\n`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports main AUC overall and per sparsity bucket for every schedule, with paired intervals', async () => {
    const r = await runTaobaoMtl({ file, seed: 5, epochs: 3, patience: 1, pretrainEpochs: 1, learningRate: 0.03, resamples: 20 });
    expect(r.protocol).toBe('mtl/taobao');
    expect(r.models.map((m) => m.id)).toEqual(['single-task', 'mtl/joint', 'mtl/alternating-1:2', 'mtl/pretrain-1-finetune']);
    const overall = r.metrics.filter((m) => m.metric === 'auc' && m.target === 'cart-or-buy' && m.segment === undefined);
    expect(overall).toHaveLength(4);
    for (const m of overall) expect(m.value).toBeGreaterThan(0.7);
    const segments = new Set(r.metrics.filter((m) => m.metric === 'auc' && m.segment !== undefined).map((m) => m.segment!.split(':')[0]));
    expect(segments).toEqual(new Set(['main-positives', 'aux-positives']));
    expect(r.metrics.filter((m) => m.metric === 'auc' && m.target === 'interaction')).toHaveLength(3);
    expect(r.metrics.filter((m) => m.metric === 'auc_minus_single_task')).toHaveLength(3 * 5);
  });
});
