/**
 * One-cut sanity check of DUVE v2 against v1 on the Taobao head (a script, not a test; the rigorous
 * rolling-origin comparison is `eval value/rolling`). Same split as `eval value/temporal`: global
 * cut at window end − 2 days, training = events before the cut, reference times every 3 h from the
 * window start, H = 24 h; label = bought anything in [cut, window end). Both models trained on the
 * same histories with the same seed; v2 reuses the v1 model as its block (so the comparison isolates
 * what the attention adds). Prints AUC with Hanley-McNeil SE for each.
 *
 *   npm run build && nice -n 10 node dist/bench/duve2-taobao.js [--file <csv>] [--iterations 400] [--decay per-type]
 */
import { resolve } from 'node:path';
import { TAOBAO_WINDOW, loadTaobao } from '../eval/datasets/taobao';
import { auc } from '../eval/metrics/classification';
import { referenceTimes, type DuveHistory } from '../ml/duve/examples';
import { duveForecast, duveLayout, duveRawFeatures, type DecayMode } from '../ml/duve/model';
import { createDuveReading, createDuveState, observeEvent, readDuveState, type DuveEvent } from '../ml/duve/state';
import { trainDuve } from '../ml/duve/train';
import { createDuve2Runner, predictDuve2, trainDuve2 } from '../ml/duve2';

const HOUR = 3600 * 1000;
const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : def;
};

async function main(): Promise<void> {
  const file = resolve(arg('--file', '../shared/data/taobao-userbehavior-head/UserBehavior_head.csv'));
  const iterations = Number(arg('--iterations', '400'));
  const decayMode = arg('--decay', 'per-type') as DecayMode;
  const seed = Number(arg('--seed', '42'));
  const l2 = Number(arg('--l2', '3e-2'));
  const learningRate = Number(arg('--lr', '0.01'));
  const l2V1Heads = Number(arg('--l2-v1-heads', String(l2)));
  const itemBuckets = Number(arg('--item-buckets', '4096'));
  const categoryBuckets = Number(arg('--cat-buckets', '1024'));
  const stateDims = Number(arg('--state-dims', '16'));
  const windowSize = Number(arg('--window', '64'));
  // --val: a validation cut 48 h earlier (label window [cut, cut + 48 h)), for choosing settings without the test window.
  const val = process.argv.includes('--val');
  const window = val ? { start: TAOBAO_WINDOW.start, end: TAOBAO_WINDOW.end - 48 * HOUR } : TAOBAO_WINDOW;
  const cut = window.end - 48 * HOUR;
  const H = 24 * HOUR;
  const log = await loadTaobao(file);
  const train = new Map<string, DuveEvent[]>();
  const bought = new Set<string>();
  const categories = new Map<string, string>();
  for (const { event: e, item } of log.rows) {
    if (e.itemId === null || e.ts >= window.end) continue;
    if (item !== null && item.categories.length > 0) categories.set(item.id, item.categories[item.categories.length - 1]!);
    if (e.ts < cut) (train.get(e.userId) ?? train.set(e.userId, []).get(e.userId)!).push({ type: e.type, itemId: e.itemId, ts: e.ts, value: e.value });
    else if (e.type === 'purchase') bought.add(e.userId);
  }
  const users = [...train.keys()].sort();
  const histories: DuveHistory[] = users.map((u) => ({ userId: u, events: train.get(u)! }));
  const refTimes = referenceTimes(window.start, cut, 3 * HOUR, H);
  const labels = users.map((u) => (bought.has(u) ? 1 : 0));
  const pos = labels.reduce<number>((s, y) => s + y, 0);
  const se = (A: number): number => Math.sqrt((A * (1 - A) + (pos - 1) * (A / (2 - A) - A * A) + (users.length - pos - 1) * ((2 * A * A) / (1 + A) - A * A)) / (pos * (users.length - pos)));

  const t1 = performance.now();
  const v1 = trainDuve(histories, { refTimes, trainEnd: cut, horizonMs: H, decayMode, seed }).model;
  const v1Ms = performance.now() - t1;
  const layout = duveLayout(v1);
  const v1Scores = users.map((u) => {
    const s = createDuveState(layout);
    for (const e of train.get(u)!) observeEvent(layout, s, e);
    return duveForecast(v1, duveRawFeatures(v1, readDuveState(layout, s, cut, createDuveReading(layout)))).pPurchase;
  });
  const t2 = performance.now();
  const { model, stats } = trainDuve2(histories, {
    refTimes,
    trainEnd: cut,
    horizonMs: H,
    decayMode,
    seed,
    iterations,
    v1Model: v1,
    categories,
    l2,
    l2V1Heads,
    learningRate,
    dims: { itemBuckets, categoryBuckets, stateDims, window: windowSize },
  });
  const v2Ms = performance.now() - t2;
  const runner = createDuve2Runner(model);
  const v2Scores = users.map((u) => predictDuve2(model, train.get(u)!, cut, runner)?.pPurchase ?? 0);
  const a1 = auc(v1Scores, labels);
  const a2 = auc(v2Scores, labels);
  const out = {
    file,
    cut: new Date(cut).toISOString(),
    users: users.length,
    positives: pos,
    decayMode,
    iterations,
    seed,
    val,
    l2,
    l2V1Heads,
    learningRate,
    itemBuckets,
    categoryBuckets,
    stateDims,
    windowSize,
    v1: { auc: a1, se: se(a1), trainMs: Math.round(v1Ms) },
    v2: { auc: a2, se: se(a2), trainMs: Math.round(v2Ms), examples: stats.examples, loss: stats.loss, halfLivesDays: stats.halfLivesDays, items: stats.items },
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
