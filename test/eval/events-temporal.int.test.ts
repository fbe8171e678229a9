/**
 * events/temporal on a real slice: the first 5,000 rows of the Taobao head file (51 users with
 * complete histories), written to a temp file, run twice with the same seed.
 */
import { runEventsTemporal } from '../../eval/protocols/events-temporal';
import { resolveCut } from '../../eval/protocols/temporal-split';
import { TAOBAO_WINDOW } from '../../eval/datasets/taobao';
import { reproducibleView, type EvalReport, type MetricRow } from '../../eval/report/types';
import { TAOBAO_FILE, readLines, tempDir, writeLines } from '../import/helpers';

const KS = [5, 10, 20];
let dir: string;
let cleanup: () => Promise<void>;
let lines: string[];
let a: EvalReport;
let b: EvalReport;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  lines = (await readLines(TAOBAO_FILE)).slice(0, 5000);
  const file = await writeLines(dir, 'taobao-5000.csv', lines);
  const run = (): Promise<EvalReport> => runEventsTemporal({ file, datasetName: 'taobao-head-5000', seed: 7, negatives: 40, progress: false, workDir: dir });
  a = await run();
  b = await run();
});

afterAll(async () => {
  await cleanup();
});

const rows = (r: EvalReport, f: Partial<MetricRow>): MetricRow[] => r.metrics.filter((m) => Object.entries(f).every(([k, v]) => (m as unknown as Record<string, unknown>)[k] === v));

describe('events/temporal on the first 5,000 Taobao rows', () => {
  const cut = TAOBAO_WINDOW.end - 2 * 24 * 3600 * 1000;
  const field = (l: string, i: number): string => l.split(',')[i]!;
  const inWindow = (l: string): boolean => Number(field(l, 4)) * 1000 >= cut && Number(field(l, 4)) * 1000 < TAOBAO_WINDOW.end;

  it('states the exact default cut: the last 2 days of the window (UTC+8)', () => {
    expect(a.dataset.stats.cutTs).toBe(Date.UTC(2017, 11, 1, 16));
    expect(a.notes[0]).toContain('2017-12-02T00:00:00+08:00 (1512144000 s)');
    expect(a.notes.join(' ')).toMatch(/"click" = Taobao pv, which the importer maps to the event type view/);
  });

  it('splits every row at the cut and counts users independently of the protocol', () => {
    const s = a.dataset.stats;
    expect(s.lines).toBe(5000);
    expect(s.rowErrors).toBe(0);
    expect(s.trainEvents! + s.evalEvents! + s.eventsAfterEnd!).toBe(5000);
    expect(s.evalEvents).toBe(lines.filter(inWindow).length);
    expect(s.testUsers).toBe(new Set(lines.filter(inWindow).map((l) => field(l, 0))).size);
    const buyers = new Set(lines.filter((l) => inWindow(l) && field(l, 3) === 'buy').map((l) => field(l, 0))).size;
    const clickers = new Set(lines.filter((l) => inWindow(l) && field(l, 3) === 'pv').map((l) => field(l, 0))).size;
    expect(rows(a, { model: 'strategy:default', metric: 'precision', k: 5, target: 'purchase' })[0]?.n).toBe(buyers);
    expect(rows(a, { model: 'strategy:default', metric: 'ndcg', k: 20, target: 'click' })[0]?.n).toBe(clickers);
  });

  it('reports every model with every metric, K and target', () => {
    expect(a.protocol).toBe('events/temporal');
    expect(a.models.map((m) => [m.id, m.role])).toEqual([
      ['strategy:default', 'candidate'],
      ['strategy:commercial-only', 'baseline'],
      ['strategy:item-knn-only', 'baseline'],
      ['strategy:affinity-only', 'baseline'],
      ['strategy:popularity-only', 'baseline'],
      ['reference/popularity', 'baseline'],
      ['reference/recent-items', 'baseline'],
    ]);
    for (const m of a.models) {
      if (m.id.startsWith('strategy:')) expect(m.version).toMatch(/^[a-z-]+@[0-9a-f]{12}$/);
      for (const target of ['purchase', 'click']) {
        for (const metric of ['precision', 'recall', 'ndcg']) for (const k of KS) expect(rows(a, { model: m.id, metric, k, target, segment: undefined })).toHaveLength(1);
        for (const metric of ['auc', 'gauc']) expect(rows(a, { model: m.id, metric, target, segment: undefined })).toHaveLength(1);
      }
      for (const metric of ['coverage', 'diversity', 'novelty']) for (const k of KS) expect(rows(a, { model: m.id, metric, k })).toHaveLength(1);
    }
  });

  it('keeps every metric in its range', () => {
    const maxNovelty = Math.log2(a.dataset.stats.trainUsers! + 1);
    for (const m of a.metrics) {
      expect(Number.isFinite(m.value)).toBe(true);
      expect(Number.isInteger(m.n) && m.n > 0).toBe(true);
      if (m.metric === 'novelty') expect(m.value >= 0 && m.value <= maxNovelty).toBe(true);
      else expect(m.value >= 0 && m.value <= 1).toBe(true);
    }
  });

  it('has recall and coverage non-decreasing in K, and the AUC pairs of the stated candidate sets', () => {
    for (const model of a.models.map((m) => m.id)) {
      for (const metric of ['recall', 'coverage']) {
        for (const target of metric === 'recall' ? ['purchase', 'click'] : [undefined]) {
          const v = KS.map((k) => rows(a, { model, metric, k, target, segment: undefined })[0]!.value);
          expect(v[1]!).toBeGreaterThanOrEqual(v[0]!);
          expect(v[2]!).toBeGreaterThanOrEqual(v[1]!);
        }
      }
      const pairs = rows(a, { model, metric: 'auc', target: 'click' })[0]!.n;
      // 40 negatives per test user plus their window items that exist in training
      expect(pairs).toBeGreaterThan(40 * a.dataset.stats.testUsers!);
    }
  });

  it('matches an independent computation of the recent-items reference', () => {
    const last = new Map<string, Map<string, number>>();
    const bought = new Map<string, Set<string>>();
    const clicked = new Map<string, Set<string>>();
    for (const l of lines) {
      const [u, i, , beh, t] = l.split(',') as [string, string, string, string, string];
      const ts = Number(t) * 1000;
      if (ts < cut) {
        const m = last.get(u) ?? new Map<string, number>();
        last.set(u, m.set(i, Math.max(m.get(i) ?? 0, ts)));
        if (beh === 'buy') bought.set(u, (bought.get(u) ?? new Set()).add(i));
      } else if (inWindow(l) && beh === 'pv') clicked.set(u, (clicked.get(u) ?? new Set()).add(i));
    }
    let sum = 0;
    for (const [u, rel] of clicked) {
      const mine = [...(last.get(u) ?? new Map<string, number>()).entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map((x) => x[0]);
      const top = mine.filter((i) => !bought.get(u)?.has(i)).slice(0, 5);
      sum += top.filter((i) => rel.has(i)).length / 5;
    }
    const row = rows(a, { model: 'reference/recent-items', metric: 'precision', k: 5, target: 'click', segment: undefined })[0]!;
    expect(row.n).toBe(clicked.size);
    expect(row.value).toBeCloseTo(sum / clicked.size, 5);
    expect(row.value).toBeGreaterThan(0);
  });

  it('reports segments by training history and names where the candidate loses', () => {
    const segs = new Set(
      rows(a, { model: 'strategy:default', metric: 'ndcg', k: 10, target: 'click' })
        .map((m) => m.segment)
        .filter(Boolean),
    );
    expect([...segs].every((s) => /^(history:(0|1-29|30-99|100\+)|cold-(users|items):1-3)$/.test(s!))).toBe(true);
    expect([...segs].filter((s) => s!.startsWith('history:')).length).toBeGreaterThan(1);
    expect(a.notes.some((n) => n.startsWith('strategy:default '))).toBe(true);
  });

  it('reports the cold-start buckets with their sizes, under every overall metric', () => {
    const note = a.notes.find((n) => n.startsWith('Cold start'))!;
    const coldUsers = Number(/cold-users:1-3 = the (\d+) test users/.exec(note)![1]);
    const coldClicks = Number(/: (\d+) of \d+ click pairs/.exec(note)![1]);
    expect(coldClicks).toBeGreaterThan(0);
    for (const [segment, size] of [
      ['cold-users:1-3', coldUsers],
      ['cold-items:1-3', coldClicks],
    ] as const) {
      const got = rows(a, { model: 'strategy:default', segment, target: 'click' });
      expect(got.length > 0).toBe(size > 0);
      if (size > 0) expect(new Set(got.map((m) => m.metric))).toEqual(new Set(['precision', 'recall', 'ndcg', 'auc', 'gauc']));
    }
    const cp = rows(a, { model: 'strategy:default', segment: 'cold-items:1-3', target: 'click', metric: 'ndcg', k: 10 })[0]!;
    expect(cp.ci).toBeDefined();
  });

  it('is reproducible with the same seed', () => {
    expect(reproducibleView(b)).toEqual(reproducibleView(a));
  });
});

describe('resolveCut', () => {
  const w = { start: 0, end: 10 * 24 * 3600 * 1000 };
  it('takes an explicit cut, a fraction or a number of days', () => {
    expect(resolveCut(w, { cutTs: 5 })).toBe(5);
    expect(resolveCut(w, { evalFraction: 0.25 })).toBe(7.5 * 24 * 3600 * 1000);
    expect(resolveCut(w, { evalDays: 3 })).toBe(7 * 24 * 3600 * 1000);
    expect(resolveCut(w, {})).toBe(8 * 24 * 3600 * 1000);
  });
  it('rejects a cut outside the window', () => {
    expect(() => resolveCut(w, { cutTs: w.end })).toThrow(/^--cut: the cut .* is not inside the window/);
    expect(() => resolveCut(w, { evalFraction: 1 })).toThrow(/^--eval-fraction: must be in \(0, 1\)/);
  });
});
