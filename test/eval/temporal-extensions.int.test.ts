/**
 * MF-BPR and DP-GCN joining one events/temporal run (eval/protocols/{mf,dpgcn}-extension.ts,
 * combined by temporal-extensions.ts) on a small generated shop log: no real data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCommand } from '../../cli/eval-command';
import { CodedError } from '../../errors/errors';
import { dpgcnExtension } from '../../eval/protocols/dpgcn-extension';
import { ddpgPretrainer } from '../../eval/protocols/dpgcn-policy';
import { runEventsTemporal, type TemporalExtension, type TemporalTrainingContext } from '../../eval/protocols/events-temporal';
import { mfExtension } from '../../eval/protocols/mf-extension';
import { pairsToCsr } from '../../eval/protocols/mf-select';
import { combineExtensions } from '../../eval/protocols/temporal-extensions';
import { singleScorerModel } from '../../eval/protocols/temporal-models';
import type { EvalReport, MetricRow } from '../../eval/report/types';
import { DAY_MS, LOG_START, syntheticLog, writeSyntheticLog } from './synthetic-log';

const rows = syntheticLog({ users: 24, items: 40, days: 8 });
const cut = LOG_START + 6 * DAY_MS;
let dir: string;
let report: EvalReport;
const closed: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recgate-eval-ext-'));
  const { file, mapping } = await writeSyntheticLog(dir, rows);
  // Records the close order of the combined extensions.
  const spy = (id: string, ext: (ctx: TemporalTrainingContext) => Promise<TemporalExtension>) => async (ctx: TemporalTrainingContext) => {
    const e = await ext(ctx);
    return { ...e, close: async () => (closed.push(id), e.close()) };
  };
  report = await runEventsTemporal({
    source: { kind: 'csv', file, mapping },
    cutTs: cut,
    seed: 5,
    negatives: 10,
    bootstrapResamples: 100,
    progress: false,
    workDir: dir,
    models: [singleScorerModel('baseline/popularity'), singleScorerModel('baseline/item-knn')],
    extend: combineExtensions([
      spy('mf', mfExtension({ epochs: [2, 8], l2: [0.03], hyper: { dims: 8, negativeCandidates: 4 } })),
      spy('dpgcn', dpgcnExtension({ dims: 8, epochs: 2, negatives: 16, usersPerStep: 64, threads: 1, policy: ddpgPretrainer({ updates: 40 }) })),
    ]),
  });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rowsOf = (f: Partial<MetricRow>): MetricRow[] => report.metrics.filter((m) => Object.entries(f).every(([k, v]) => (m as unknown as Record<string, unknown>)[k] === v));

describe('events/temporal with MF-BPR and DP-GCN trained on the training store', () => {
  const added = ['strategy:bpr-only', 'strategy:dpgcn', 'strategy:dpgcn-no-fusion', 'strategy:dpgcn-no-policy'];

  it('adds every model after the given ones, each with AUC, GAUC, P@K and NDCG@K with intervals', () => {
    expect(report.models.map((m) => m.id)).toEqual(['strategy:popularity-only', 'strategy:item-knn-only', ...added, 'reference/popularity', 'reference/recent-items']);
    for (const id of added) {
      for (const target of ['click', 'purchase']) {
        expect(rowsOf({ model: id, metric: 'auc', target, segment: undefined })).toHaveLength(1);
        const gauc = rowsOf({ model: id, metric: 'gauc', target, segment: undefined })[0]!;
        expect(gauc.ci).toBeDefined();
        for (const metric of ['precision', 'ndcg']) for (const k of [5, 10, 20]) expect(rowsOf({ model: id, metric, k, target, segment: undefined })[0]!.ci).toBeDefined();
      }
    }
    expect(report.notes.join('\n')).not.toMatch(/dropped scorer|fallback feeds/);
  });

  it('trains MF-BPR on the pairs before the cut only, with settings from a validation cut inside them', () => {
    const info = report.models.find((m) => m.id === 'strategy:bpr-only')!;
    const p = (info.params['trained'] as Record<string, Record<string, unknown>>)['mf/bpr']!;
    const before = rows.filter((r) => r.ts < cut).map((r) => ({ userId: r.user, itemId: r.item, ts: r.ts }));
    expect(p['pairs']).toBe(pairsToCsr(before).data.items.length);
    expect(p['validCut']).toBe(cut - DAY_MS);
    expect([2, 8]).toContain(p['epochs']);
    expect(info.trainMs).toBeGreaterThan(0);
    expect(report.notes.some((n) => n.startsWith('MF-BPR (strategy:bpr-only)') && n.includes('The test window is never read'))).toBe(true);
  });

  it('serves the three DP-GCN settings from one artifact trained before the cut', () => {
    const params = added.slice(1).map((id) => (report.models.find((m) => m.id === id)!.params['trained'] as Record<string, unknown>)['dpgcn/graph']);
    expect(params[1]).toEqual(params[0]);
    const p = params[0] as { fusion?: { alpha: number }; policy: { version: number; labelCut: number; lists: { train: number } } };
    expect(p.fusion!.alpha).toBeGreaterThanOrEqual(0);
    // The policy was pre-trained on episodes inside the training window and served as its first version.
    expect(p.policy.version).toBe(1);
    expect(p.policy.labelCut).toBe(cut - DAY_MS);
    expect(p.policy.lists.train).toBeGreaterThan(0);
    expect(report.notes.some((n) => n.startsWith('DP-GCN policy: DDPG pre-trained offline'))).toBe(true);
    const scorers = added.slice(1).map((id) => report.models.find((m) => m.id === id)!.params['scorers']);
    expect(new Set(scorers).size).toBe(1);
    // The no-fusion model ranks by the cosine alone, so it differs from the fused one somewhere.
    const auc = (id: string) => rowsOf({ model: id, metric: 'auc', target: 'click', segment: undefined })[0]!.value;
    expect(auc('strategy:dpgcn-no-fusion')).not.toBe(auc('strategy:dpgcn'));
  });

  it('closes the extensions in reverse order', () => {
    expect(closed).toEqual(['dpgcn', 'mf']);
  });
});

describe('combineExtensions', () => {
  const ext =
    (id: string, model: string): ((ctx: TemporalTrainingContext) => Promise<TemporalExtension>) =>
    async () => ({
      plugins: [{ id } as never],
      trained: [],
      notes: [id],
      models: [singleScorerModel(model)],
      close: async () => {},
    });

  it('passes one extension through and refuses two that add the same scorer or model', async () => {
    const one = ext('a/x', 'a/x');
    expect(combineExtensions([one])).toBe(one);
    expect(combineExtensions([])).toBeUndefined();
    await expect(combineExtensions([ext('a/x', 'a/x'), ext('a/x', 'b/y')])!({} as TemporalTrainingContext)).rejects.toThrow('both add a/x');
    await expect(combineExtensions([ext('a/x', 'c/z'), ext('b/y', 'c/z')])!({} as TemporalTrainingContext)).rejects.toThrow('both add strategy:z-only');
    const both = await combineExtensions([ext('a/x', 'a/x'), ext('b/y', 'b/y')])!({} as TemporalTrainingContext);
    expect(both.notes).toEqual(['a/x', 'b/y']);
    expect(both.models!.map((m) => m.id)).toEqual(['strategy:x-only', 'strategy:y-only']);
  });
});

describe('eval events/temporal extension flags', () => {
  it.each([
    [['--mf-valid-days', '0', '--mf'], '--mf-valid-days'],
    [['--mf-valid-days', '2'], '--mf-valid-days'],
    [['--dpgcn-epochs', '3'], '--dpgcn-epochs'],
    [['--cold-max', '0'], '--cold-max'],
  ])('refuses %j naming the flag', async (args, flag) => {
    const err = await evalCommand()
      .exitOverride()
      .parseAsync(['events/temporal', ...args, '--no-progress'], { from: 'user' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodedError);
    expect((err as CodedError).details).toEqual({ flag });
  });
});
