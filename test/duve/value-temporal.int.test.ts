/**
 * runValueTemporal (DUVE vs RFM vs BG/NBD, decay and refresh ablations) on a real slice: the
 * committed Taobao fixture (complete histories of the first 91 users, 9,603 rows), run twice.
 */
import { runValueTemporal } from '../../eval/protocols/value-temporal';
import { TAOBAO_WINDOW } from '../../eval/datasets/taobao';
import { reproducibleView, type EvalReport, type MetricRow } from '../../eval/report/types';
import { TAOBAO_FILE, readLines, tempDir, writeLines } from '../import/helpers';

let cleanup: () => Promise<void>;
let lines: string[];
let a: EvalReport;
let b: EvalReport;
const cut = TAOBAO_WINDOW.end - 2 * 24 * 3600 * 1000;
const IDS = ['duve/per-type', 'duve/per-type+refresh-15m', 'duve/per-type+refresh-1h', 'duve/shared-decay', 'duve/no-decay', 'baseline/rfm', 'clv/bgnbd'];

beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  lines = await readLines(TAOBAO_FILE);
  const file = await writeLines(dir, 'taobao-91-users.csv', lines);
  const run = (): Promise<EvalReport> => runValueTemporal({ file, datasetName: 'taobao-head-91-users-value', seed: 5, iterations: 60, progress: false });
  a = await run();
  b = await run();
});

afterAll(async () => {
  await cleanup();
});

const rows = (r: EvalReport, f: Partial<MetricRow>): MetricRow[] => r.metrics.filter((m) => Object.entries(f).every(([k, v]) => (m as unknown as Record<string, unknown>)[k] === v));

describe('value on the first 91 Taobao users', () => {
  const field = (l: string, i: number): string => l.split(',')[i]!;
  const ts = (l: string): number => Number(field(l, 4)) * 1000;

  it('reports under events/temporal with the value dataset name and every model', () => {
    expect(a.protocol).toBe('events/temporal');
    expect(a.dataset.name).toBe('taobao-head-91-users-value');
    expect(a.models.map((m) => m.id)).toEqual(IDS);
    expect(a.models.filter((m) => m.role === 'candidate').map((m) => m.id)).toEqual(['duve/per-type']);
  });

  it('counts users and buyers independently of the protocol', () => {
    const users = new Set(lines.filter((l) => ts(l) < cut).map((l) => field(l, 0)));
    const buyers = new Set(lines.filter((l) => ts(l) >= cut && ts(l) < TAOBAO_WINDOW.end && field(l, 3) === 'buy').map((l) => field(l, 0)));
    expect(a.dataset.stats.users).toBe(users.size);
    expect(a.dataset.stats.buyersInWindow).toBe([...buyers].filter((u) => users.has(u)).length);
    for (const id of IDS) expect(rows(a, { model: id, metric: 'auc', target: 'purchase_next_window', segment: undefined })[0]!.n).toBe(users.size);
    expect(a.dataset.stats.requests!).toBeLessThanOrEqual(10 * users.size);
    expect(a.dataset.stats.requestPositives!).toBeGreaterThan(0);
  });

  it('keeps AUC and GAUC in [0, 1], and the snapshots equal the online state at the cut (a whole hour)', () => {
    for (const m of a.metrics) expect(m.value >= 0 && m.value <= 1 && m.n > 0).toBe(true);
    const atCut = (id: string): number => rows(a, { model: id, metric: 'auc', target: 'purchase_next_window', segment: undefined })[0]!.value;
    expect(atCut('duve/per-type+refresh-15m')).toBe(atCut('duve/per-type'));
    expect(atCut('duve/per-type+refresh-1h')).toBe(atCut('duve/per-type'));
    for (const id of IDS) expect(rows(a, { model: id, metric: 'gauc', target: 'purchase_next_window_at_request' })).toHaveLength(1);
  });

  it('learns distinct per-type half-lives within the bounds, one shared, and none for the ablation', () => {
    const half = (id: string): Record<string, number | null> => a.models.find((m) => m.id === id)!.params.halfLivesHours as Record<string, number | null>;
    const per = Object.values(half('duve/per-type')) as number[];
    expect(per).toHaveLength(4);
    expect(per.every((h) => h >= 1 && h <= 365 * 24)).toBe(true);
    expect(new Set(per).size).toBe(4);
    expect(new Set(Object.values(half('duve/shared-decay'))).size).toBe(1);
    expect(Object.values(half('duve/no-decay')).every((h) => h === null)).toBe(true);
    expect(a.notes.some((n) => n.startsWith('duve/per-type '))).toBe(true);
  });

  it('is reproducible with the same seed', () => {
    expect(reproducibleView(b)).toEqual(reproducibleView(a));
  });
});
