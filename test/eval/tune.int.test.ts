/**
 * `tune` on a generated log: it chooses on the validation window only. Rewriting every event of
 * the test window (other items, other actions, other users) changes nothing in the trials or the
 * choice; rewriting the validation window does. The chosen file is a valid strategy.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { runTune, trialPoints, type TuneResult } from '../../eval/tune/run';
import { writeTuneOutputs } from '../../eval/tune/report';
import { GRID, TUNED_SCORERS, settingsKey } from '../../eval/tune/space';
import { mulberry32 } from '../../ml/random';
import { loadStrategyFile } from '../../pipeline/strategy';
import { DAY_MS, LOG_START, syntheticLog, writeSyntheticLog, type SyntheticRow } from './synthetic-log';

const rows = syntheticLog({ users: 30, days: 8, seed: 9 });
const testCut = LOG_START + 6 * DAY_MS;
const validStart = testCut - DAY_MS;
let dir: string;

/** Every test-window row rewritten: another item, action and user, same timestamp. */
function scrambleFrom(from: number, to: number, seed: number): SyntheticRow[] {
  const rng = mulberry32(seed);
  const acts = ['page_view', 'tap', 'basket', 'order'] as const;
  return rows.map((r) => (r.ts >= from && r.ts < to ? { ...r, user: `u${Math.floor(rng() * 30)}`, item: `i${Math.floor(rng() * 60)}`, category: 'c0', action: acts[Math.floor(rng() * 4)]! } : r));
}

async function tuneOn(log: readonly SyntheticRow[], name: string): Promise<TuneResult> {
  const { file, mapping } = await writeSyntheticLog(dir, log, name);
  // The window is fixed: the default one is the data's span, whose end is the last event's time.
  return runTune({
    source: { kind: 'csv', file, mapping },
    window: { start: LOG_START, end: LOG_START + 8 * DAY_MS },
    cutTs: testCut,
    validDays: 1,
    trials: 9,
    random: 2,
    seed: 3,
    progress: false,
    workDir: dir,
  });
}

let base: TuneResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-tune-'));
  base = await tuneOn(rows, 'base.csv');
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const trialView = (r: TuneResult): unknown => r.trials.map((t) => ({ ...t, ms: 0 }));

describe('tune', () => {
  it('trains before the validation window and validates on [test cut - valid-days, test cut)', () => {
    expect(base.testCut).toBe(testCut);
    expect(base.validStart).toBe(validStart);
    expect(base.trainEvents).toBe(rows.filter((r) => r.ts < validStart).length);
    expect(base.validEvents).toBe(rows.filter((r) => r.ts >= validStart && r.ts < testCut).length);
    expect(base.trials).toHaveLength(9);
    expect(base.trials.map((t) => t.phase)).toEqual(['anchor', 'anchor', 'anchor', 'anchor', 'anchor', 'random', 'random', 'coordinate', 'coordinate']);
    expect(base.trials[0]!.description).toContain('commercial 0.4 + item-knn 0.3 + affinity 0.3');
    expect(base.trials.slice(1, 5).map((t) => t.description.split(';')[0])).toEqual(['commercial 1', 'item-knn 1', 'affinity 1', 'popularity 1']);
  });

  it('never reads the test window: scrambling it leaves every trial and the choice unchanged', async () => {
    const other = await tuneOn(scrambleFrom(testCut, Number.POSITIVE_INFINITY, 1), 'scrambled-test.csv');
    expect(trialView(other)).toEqual(trialView(base));
    expect(other.chosen).toBe(base.chosen);
    expect(other.strategy).toEqual(base.strategy);
  }, 120_000);

  it('does read the validation window: scrambling it changes the trial scores', async () => {
    const other = await tuneOn(scrambleFrom(validStart, testCut, 2), 'scrambled-valid.csv');
    expect(other.trainEvents).toBe(base.trainEvents);
    expect(trialView(other)).not.toEqual(trialView(base));
  }, 120_000);

  it('chooses the best trial by NDCG@10 purchase, then click', () => {
    const best = base.trials[base.chosen]!;
    for (const t of base.trials) {
      expect(best.ndcg.purchase).toBeGreaterThanOrEqual(t.ndcg.purchase);
      if (t.ndcg.purchase === best.ndcg.purchase) expect(best.ndcg.click).toBeGreaterThanOrEqual(t.ndcg.click);
    }
  });

  it('writes a strategy file the gateway loads and a report of every trial', async () => {
    const paths = await writeTuneOutputs(base, join(dir, 'strategies', 'tuned.json'), join(dir, 'reports'), 'shop tune');
    const st = loadStrategyFile(paths.strategy);
    expect(st.id).toBe('tuned');
    const chosen = base.trials[base.chosen]!.settings;
    expect(st.diversity.lambda).toBe(chosen.lambda);
    expect(st.candidates.max).toBe(chosen.candidates);
    expect(paths.json).toBe(join(dir, 'reports', 'tune-shop-tune-3.json'));
    const json = JSON.parse(await readFile(paths.json, 'utf8')) as { trials: unknown[]; chosen: number; testCut: string; statement: string };
    expect(json.trials).toHaveLength(9);
    expect(json.testCut).toBe(new Date(testCut).toISOString());
    expect(json.statement).toContain(`Nothing at or after the test cut ${new Date(testCut).toISOString()} was used`);
    const table = await readFile(paths.table, 'utf8');
    const rowsOfTable = table.split('\n').filter((l) => /^\| \d+ \| /.test(l));
    expect(rowsOfTable).toHaveLength(9);
    // 9 columns: 10 pipes per row (a settings text with a pipe would break the table)
    for (const l of rowsOfTable) expect(l.split('|')).toHaveLength(11);
    expect(table).toContain('**chosen**');
  });

  it('climbs by single-setting moves from the best point so far', () => {
    const coordinate = base.trials.filter((t) => t.phase === 'coordinate');
    const bestBefore = [...base.trials.filter((t) => t.phase !== 'coordinate')].sort((a, b) => b.ndcg.purchase - a.ndcg.purchase || b.ndcg.click - a.ndcg.click || a.index - b.index)[0]!;
    const first = coordinate[0]!;
    const differing = Object.keys(first.settings).filter(
      (key) => JSON.stringify(first.settings[key as keyof typeof first.settings]) !== JSON.stringify(bestBefore.settings[key as keyof typeof first.settings]),
    );
    if (differing[0] === 'weights') {
      const w = TUNED_SCORERS.filter((id) => first.settings.weights[id] !== bestBefore.settings.weights[id]);
      expect(w).toHaveLength(1);
    } else expect(differing).toHaveLength(1);
  });

  it('draws distinct grid points after the default, reproducibly', () => {
    expect(trialPoints(2, 7)).toHaveLength(2);
    const a = trialPoints(40, 7);
    expect(trialPoints(40, 7)).toEqual(a);
    expect(new Set(a.map(settingsKey)).size).toBe(40);
    for (const p of a.slice(1)) {
      for (const id of TUNED_SCORERS) expect(GRID.weight).toContain(p.weights[id]);
      expect(GRID.lambda).toContain(p.lambda);
      expect(Object.values(p.weights).some((w) => w > 0)).toBe(true);
    }
  });

  it('rejects a validation window that starts before the data, naming --valid-days', async () => {
    const { file, mapping } = await writeSyntheticLog(dir, rows, 'short.csv');
    await expect(runTune({ source: { kind: 'csv', file, mapping }, cutTs: testCut, validDays: 30, trials: 1, progress: false, workDir: dir })).rejects.toMatchObject({
      code: ErrorCode.EVAL_ARGUMENT_INVALID,
      details: { flag: '--valid-days' },
    });
  });
});
