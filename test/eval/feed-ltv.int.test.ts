/**
 * feed/ltv on a real slice: the committed Taobao fixture (complete histories of the first 91 users
 * of the head file, 9,603 rows), written to a temp file. DUVE is trained on the events before the
 * cut, served through onnxruntime-node, and the LTV strategy is compared with the commercial-only
 * baseline in one run. Run twice with the same seed (identical reports), and once on a copy whose
 * evaluation window was rewritten (DUVE must come out identical: it never sees the window).
 */
import { runFeedLtv } from '../../eval/protocols/feed-ltv';
import { TAOBAO_WINDOW } from '../../eval/datasets/taobao';
import { reproducibleView, type EvalReport, type MetricRow } from '../../eval/report/types';
import { TAOBAO_FILE, readLines, tempDir, writeLines } from '../import/helpers';

const KS = [5, 10, 20];
const IDS: Array<[string, string]> = [
  ['strategy:ltv', 'candidate'],
  ['strategy:commercial-only', 'baseline'],
  ['strategy:duve-purchase-only', 'baseline'],
  ['strategy:default', 'baseline'],
  ['reference/popularity', 'baseline'],
  ['reference/recent-items', 'baseline'],
];
const HOUR = 3600 * 1000;
const cut = TAOBAO_WINDOW.end - 48 * HOUR;

let cleanup: () => Promise<void>;
let lines: string[];
let a: EvalReport;
let b: EvalReport;
let altered: EvalReport;

beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  lines = await readLines(TAOBAO_FILE);
  const file = await writeLines(dir, 'taobao-91-users.csv', lines);
  // Every page view in the evaluation window becomes a purchase: labels change, training does not.
  const rewritten = lines.map((l) => {
    const f = l.split(',');
    return Number(f[4]) * 1000 >= cut && f[3] === 'pv' ? [...f.slice(0, 3), 'buy', f[4]].join(',') : l;
  });
  const alteredFile = await writeLines(dir, 'taobao-91-users-altered.csv', rewritten);
  const run = (f: string): Promise<EvalReport> => runFeedLtv({ file: f, datasetName: 'taobao-head-91-users-ltv', seed: 11, negatives: 40, iterations: 80, progress: false, workDir: dir });
  a = await run(file);
  b = await run(file);
  altered = await run(alteredFile);
});

afterAll(async () => {
  await cleanup();
});

const rows = (r: EvalReport, f: Partial<MetricRow>): MetricRow[] => r.metrics.filter((m) => Object.entries(f).every(([k, v]) => (m as unknown as Record<string, unknown>)[k] === v));
const overall = (r: EvalReport, model: string, metric: string, target?: string, k?: number): number =>
  rows(r, { model, metric, ...(target !== undefined ? { target } : {}), ...(k !== undefined ? { k } : {}), segment: undefined })[0]!.value;
const duveParams = (r: EvalReport): Record<string, unknown> => (r.models[0]!.params.trained as Record<string, Record<string, unknown>>)['duve/purchase']!;

describe('feed/ltv on the first 91 Taobao users', () => {
  const field = (l: string, i: number): string => l.split(',')[i]!;
  const ts = (l: string): number => Number(field(l, 4)) * 1000;

  it('reports the LTV candidate, the commercial-only baseline and the others under events/temporal', () => {
    expect(a.protocol).toBe('events/temporal');
    expect(a.dataset.name).toBe('taobao-head-91-users-ltv');
    expect(a.dataset.stats.cutTs).toBe(cut);
    expect(a.models.map((m) => [m.id, m.role])).toEqual(IDS);
    for (const [id] of IDS) {
      for (const target of ['purchase', 'click']) {
        for (const metric of ['precision', 'recall', 'ndcg']) for (const k of KS) expect(rows(a, { model: id, metric, k, target, segment: undefined })).toHaveLength(1);
        for (const metric of ['auc', 'gauc']) expect(rows(a, { model: id, metric, target, segment: undefined })).toHaveLength(1);
      }
      for (const metric of ['coverage', 'diversity', 'novelty']) for (const k of KS) expect(rows(a, { model: id, metric, k })).toHaveLength(1);
    }
    for (const m of a.metrics) {
      expect(Number.isFinite(m.value) && Number.isInteger(m.n) && m.n > 0).toBe(true);
      if (m.metric !== 'novelty') expect(m.value >= 0 && m.value <= 1).toBe(true);
    }
  });

  it('runs the LTV strategy and its baseline with the same retrievers and re-ranking, weights 0.5 / 0.4 / 0.1', () => {
    const [ltv, commercial, purchase] = a.models;
    expect(ltv!.params.scorers).toBe('baseline/commercial@1.0.0×0.5 + duve/purchase@1.0.0×0.4');
    expect(commercial!.params.scorers).toBe('baseline/commercial@1.0.0×0.5');
    expect(purchase!.params.scorers).toBe('duve/purchase@1.0.0×0.4');
    for (const m of [commercial!, purchase!]) {
      expect(m.params.diversity).toBe('mmr λ=0.9 maxPerCategory=0');
      expect(m.params.retrievers).toBe(ltv!.params.retrievers);
      expect(m.params.candidates).toBe(ltv!.params.candidates);
    }
    expect(ltv!.params.diversity).toBe('mmr λ=0.9 maxPerCategory=0');
    expect(a.notes.join(' ')).toContain('strategy:ltv = 0.5 · baseline/commercial + 0.4 · duve/purchase + 0.1 · diversity');
    expect(a.notes.join(' ')).toContain('strategy:commercial-only = 0.9 · baseline/commercial + 0.1 · diversity');
  });

  it('trains DUVE on the events before the cut with the value/temporal settings, counted independently', () => {
    const train = lines.filter((l) => ts(l) < cut);
    const p = duveParams(a);
    expect(p.events).toBe(train.length);
    expect(p.users).toBe(new Set(train.map((l) => field(l, 0))).size);
    // reference times every 3 h after the window start whose 24 h label window ends by the cut
    let refs = 0;
    for (let t = TAOBAO_WINDOW.start + 3 * HOUR; t + 24 * HOUR <= cut; t += 3 * HOUR) refs += 1;
    expect(p.refTimes).toBe(refs);
    expect([p.horizonHours, p.refStepHours, p.iterations, p.seed]).toEqual([24, 3, 80, 11]);
    expect(p.trainEnd).toBe('2017-12-02T00:00:00+08:00');
    expect(a.models[0]!.trainMs).toBeGreaterThan(0);
    expect(a.models[1]!.params.trained).toBeUndefined();
  });

  it('serves duve/purchase in every feed and pair score, and it changes the ranking', () => {
    expect(a.notes.join(' ')).toContain('No scorer was dropped in any feed or pair scoring.');
    expect(overall(a, 'strategy:ltv', 'auc', 'purchase')).not.toBe(overall(a, 'strategy:commercial-only', 'auc', 'purchase'));
    expect(overall(a, 'strategy:ltv', 'coverage', undefined, 10)).not.toBe(overall(a, 'strategy:commercial-only', 'coverage', undefined, 10));
    const overlap = a.notes.find((n) => n.startsWith('How much the purchase term changes the feed'));
    const share = Number(/share on average ([\d.]+)%/.exec(overlap ?? '')?.[1]);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(100);
  });

  it('never shows DUVE the evaluation window: rewriting it changes the labels, not the model', () => {
    expect(duveParams(altered)).toEqual(duveParams(a));
    expect(overall(altered, 'strategy:ltv', 'precision', 'purchase', 10)).not.toBe(overall(a, 'strategy:ltv', 'precision', 'purchase', 10));
  });

  it('names where the candidate loses: against the best baseline, and head to head against each strategy', () => {
    expect(a.notes.some((n) => /^strategy:ltv (loses to a baseline on \d+ of 31|is not beaten by any baseline on the 31) overall metrics/.test(n))).toBe(true);
    for (const id of ['strategy:commercial-only', 'strategy:duve-purchase-only', 'strategy:default']) {
      const note = a.notes.find((n) => n.startsWith(`strategy:ltv against ${id} alone:`));
      const m = /better on (\d+), equal on (\d+), worse on (\d+) overall/.exec(note ?? '');
      expect(m).not.toBeNull();
      const [wins, ties, losses] = [Number(m![1]), Number(m![2]), Number(m![3])];
      expect(wins + ties + losses).toBe(31);
      // independent count of the losses on the higher-is-better metrics (every metric here is)
      const worse = rows(a, { model: 'strategy:ltv', segment: undefined }).filter((r) => {
        const other = rows(a, { model: id, metric: r.metric, segment: undefined }).find((o) => o.k === r.k && o.target === r.target)!;
        return other.value > r.value;
      }).length;
      expect(losses).toBe(worse);
    }
  });

  it('is reproducible with the same seed', () => {
    expect(reproducibleView(b)).toEqual(reproducibleView(a));
    expect(b.metrics.map((m) => m.value)).toEqual(a.metrics.map((m) => m.value));
  });
});
