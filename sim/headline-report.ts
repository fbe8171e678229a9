/**
 * `simulate --headline` output: a JSON report (`reports/simulate-headline-<seed>-<split>.json`) and
 * a table shaped like the study's (metric rows, arm columns, lifts against the baseline with their
 * 95% CIs), titled as a simulation. Everything in the JSON but `timing` is a function of the seed
 * and options; `timing` holds wall times, the feed p99 latencies and the experiments' random ids.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultsResponse } from './client';
import type { HeadlineOutcome } from './headline';
import { formatTable } from './report';

export interface HeadlineReport {
  readonly simulator: { readonly name: 'recgate simulate --headline'; readonly version: 1; readonly note: string };
  readonly options: HeadlineOutcome['options'];
  readonly fit: Record<string, unknown>;
  readonly calibration: HeadlineOutcome['calibration'];
  readonly world: Record<string, unknown>;
  readonly warmUp: HeadlineOutcome['warmUp'];
  readonly burnIn: { readonly variants: HeadlineOutcome['burnIn']['variants']; readonly feeds: number; readonly srm: ResultsResponse['srm'] | null };
  readonly policy: Record<string, unknown> | null;
  readonly totals: HeadlineOutcome['totals'];
  readonly arms: HeadlineOutcome['arms'];
  readonly truthComparisons: HeadlineOutcome['truthComparisons'];
  /** experimentResults without the (wall-clock) P99_LATENCY_MS values. */
  readonly results: ResultsResponse;
  readonly timing: HeadlineOutcome['timing'] & {
    readonly experimentId: string;
    readonly burnInExperimentId: string;
    readonly p99LatencyMs: Readonly<Record<string, number | null>>;
    readonly policy: unknown;
  };
}

export const SIMULATION_NOTE =
  'SIMULATION: simulated users fitted to the Taobao head log, with assumed dynamics (README "Simulator"); not a live A/B test, and not comparable with the study figures as evidence.';

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const iso = (ms: number): string => new Date(ms).toISOString();

export function buildHeadlineReport(out: HeadlineOutcome): HeadlineReport {
  const p99: Record<string, number | null> = {};
  const variants = out.results.variants.map((v) => {
    p99[v.key] = v.metrics.find((m) => m.metric === 'P99_LATENCY_MS')?.value ?? null;
    return { ...v, metrics: v.metrics.filter((m) => m.metric !== 'P99_LATENCY_MS') };
  });
  const { timing: policyTiming, ...policy } = (out.policy ?? {}) as Record<string, unknown>;
  const r = out.fit.returning;
  const f = out.fit.log;
  return {
    simulator: { name: 'recgate simulate --headline', version: 1, note: SIMULATION_NOTE },
    options: out.options,
    fit: {
      window: { start: iso(f.window.start), end: iso(f.window.end) },
      users: f.users.size,
      items: f.items.size,
      events: f.events,
      revisit: {
        days: r.days,
        prior: { alpha: r6(r.prior.alpha), beta: r6(r.prior.beta) },
        gapLogOdds: r.gapLogOdds.map(r6),
        gapObserved: r.gapObserved.map((g) => ({ ...g, rate: r6(g.rate) })),
        dailyActiveShare: r.dailyActiveShare.map(r6),
        meanSessionsPerActiveDay: r6(r.meanSessionsPerActiveDay),
      },
    },
    calibration: out.calibration ? { ref: r6(out.calibration.ref), sd: r6(out.calibration.sd) } : null,
    world: { ...out.world, start: iso(out.world.start), experimentStart: iso(out.world.experimentStart), end: iso(out.world.end) },
    warmUp: out.warmUp,
    burnIn: { variants: out.burnIn.variants, feeds: out.burnIn.feeds, srm: out.burnIn.results?.srm ?? null },
    policy: out.policy === null ? null : policy,
    totals: out.totals,
    arms: out.arms,
    truthComparisons: out.truthComparisons.map((c) => ({
      ...c,
      value: c.value === null ? null : r6(c.value),
      controlValue: c.controlValue === null ? null : r6(c.controlValue),
      absoluteLift: r6(c.absoluteLift),
      absoluteCi: [r6(c.absoluteCi[0]), r6(c.absoluteCi[1])] as const,
      relativeLift: r6(c.relativeLift),
      relativeCi: [r6(c.relativeCi[0]), r6(c.relativeCi[1])] as const,
      pValue: r6(c.pValue),
    })),
    results: { ...out.results, variants },
    timing: { ...out.timing, experimentId: out.experimentId, burnInExperimentId: out.burnIn.experimentId, p99LatencyMs: p99, policy: policyTiming ?? null },
  };
}

export function writeHeadlineReport(report: HeadlineReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const o = report.options;
  const file = join(dir, `simulate-headline-${o.seed}-${o.split.replace(/\//g, '-')}${o.ablations ? '-ablations' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const pct = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(d)}%`);
const signed = (x: number, d = 1): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(d)}%` : 'n/a');
const ci = (lo: number, hi: number): string => `[${pct(lo)}, ${pct(hi)}]`;
const fixed = (x: number | null | undefined, d: number): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

/** The study's figures (full system against the baseline), for the reference column. */
const STUDY: Readonly<Record<string, string>> = {
  GMV_PER_IMPRESSION: '+11.9%',
  HVC: '+18.9%',
  RET: '12.1% → 14.4%',
  AOV: '+6.2%',
  CTR: '—',
  P99: '< 100 ms cap',
};

export function formatHeadline(rep: HeadlineReport): string {
  const res = rep.results;
  const arms = rep.arms;
  const control = arms[0]!.key;
  const metric = (k: string, m: string) => res.variants.find((v) => v.key === k)?.metrics.find((x) => x.metric === m)?.value ?? null;
  const comp = (k: string, m: string) => res.comparisons.find((c) => c.variant === k && c.metric === m);
  const truth = (k: string, m: string) => rep.truthComparisons.find((c) => c.variant === k && c.metric === m);
  const liftCell = (k: string, m: string, shown: string): string => {
    if (k === control) return shown;
    const c = comp(k, m);
    return c ? `${shown} ${signed(c.relativeLift)} ${ci(c.relativeCiLower, c.relativeCiUpper)}` : `${shown} (no test)`;
  };
  const arm = (k: string) => arms.find((a) => a.key === k)!;
  const hvcShown = (k: string): string => {
    const h = arm(k).highValue;
    return h.users > 0 ? `${pct(h.purchased / h.users)} (${h.purchased}/${h.users})` : 'n/a';
  };
  const retShown = (k: string): string => {
    const r = arm(k).retention30;
    return r.eligible > 0 ? `${pct(r.retained / r.eligible)} (${r.retained}/${r.eligible})` : 'n/a';
  };
  const truthCell = (k: string, m: 'high_value_capture' | 'retention_30d_visit', shown: string): string => {
    if (k === control) return shown;
    const c = truth(k, m);
    if (!c) return `${shown} (no test)`;
    return m === 'retention_30d_visit'
      ? `${shown} ${c.absoluteLift >= 0 ? '+' : ''}${(100 * c.absoluteLift).toFixed(1)} pt [${(100 * c.absoluteCi[0]).toFixed(1)}, ${(100 * c.absoluteCi[1]).toFixed(1)}]`
      : `${shown} ${signed(c.relativeLift)} ${ci(c.relativeCi[0], c.relativeCi[1])}`;
  };
  const keys = arms.map((a) => a.key);
  const rows: string[][] = [
    ['GMV per impression', ...keys.map((k) => liftCell(k, 'GMV_PER_IMPRESSION', fixed(metric(k, 'GMV_PER_IMPRESSION'), 4))), STUDY.GMV_PER_IMPRESSION!],
    ['high-value capture (truth)', ...keys.map((k) => truthCell(k, 'high_value_capture', hvcShown(k))), STUDY.HVC!],
    ['30-day retention (truth: visits)', ...keys.map((k) => truthCell(k, 'retention_30d_visit', retShown(k))), STUDY.RET!],
    ['30-day retention (experiment: interactions)', ...keys.map((k) => liftCell(k, 'RETENTION_30D', pct(metric(k, 'RETENTION_30D')))), ''],
    ['AOV', ...keys.map((k) => liftCell(k, 'AOV', fixed(metric(k, 'AOV'), 2))), STUDY.AOV!],
    ['CTR', ...keys.map((k) => liftCell(k, 'CTR', pct(metric(k, 'CTR'), 2))), STUDY.CTR!],
    ['p99 feed latency ms', ...keys.map((k) => fixed(rep.timing.p99LatencyMs[k], 1)), STUDY.P99!],
  ];
  const tallyRows = arms.map((a) => [
    a.key,
    a.strategyId,
    fixed(a.weight, 3),
    String(a.assigned),
    String(a.served),
    String(a.sessions),
    String(a.impressions),
    String(a.clicks),
    String(a.purchases),
    fixed(a.gmv, 2),
    String(a.churnedAtEnd),
    fixed(a.meanSatisfaction, 3),
    String(a.degraded),
    String(a.mismatched),
  ]);
  const srm = res.srm;
  const o = rep.options;
  const t = rep.timing;
  return [
    `=== ${SIMULATION_NOTE} ===`,
    `Headline experiment (${o.split}${o.ablations ? ' + ablations' : ''}), seed ${o.seed}: ${rep.world.users as number} users (${rep.world.personas as number} resampled personas), ${o.burnInDays} burn-in + ${o.days} experiment days from ${rep.world.experimentStart as string}; dynamics: returning ${o.dynamics.returning ? 'on' : 'off'}, fatigue ${o.dynamics.fatigue ? 'on' : 'off'}, spend ${o.dynamics.spend ? 'on' : 'off'}`,
    `${rep.totals.feeds} feeds, ${rep.totals.impressions} impressions, ${rep.totals.events.click ?? 0} clicks, ${rep.totals.events.purchase ?? 0} purchases, GMV ${rep.totals.gmv.toFixed(2)} (synthetic prices), ${rep.totals.churnEvents} churn events`,
    '',
    `Study-shaped table (cells: value, then relative lift vs "${control}" with its 95% CI; retention: percentage points; high-value = top decile by the simulator's latent value at the experiment start, capture = purchased in the last ${o.captureDays} days, all users the hash assigns):`,
    formatTable(['metric', ...keys, 'study (full vs baseline)'], rows),
    '',
    formatTable(['arm', 'strategy', 'weight', 'assigned', 'served', 'feeds', 'impressions', 'clicks', 'orders', 'GMV', 'churned', 'mean sat z', 'degraded', 'mismatched'], tallyRows),
    '',
    `SRM: observed [${srm.observed.join(', ')}] vs expected [${srm.expected.map((x) => x.toFixed(1)).join(', ')}] users, chi² ${srm.chiSquare.toFixed(3)}, p ${srm.pValue.toFixed(4)}: ${srm.mismatch ? 'MISMATCH (assignment is broken, do not read the results)' : 'no mismatch'}`,
    ...policyLines(rep),
    `Wall time ${(t.wallMs / 1000).toFixed(1)} s (setup ${(t.setupMs / 1000).toFixed(1)} s, burn-in ${(t.burnInMs / 1000).toFixed(1)} s, pre-training ${(t.pretrainMs / 1000).toFixed(1)} s, experiment ${(t.experimentMs / 1000).toFixed(1)} s; feeds ${(t.feedMs / 1000).toFixed(1)} s, recordEvents + learning ${(t.recordMs / 1000).toFixed(1)} s)`,
  ].join('\n');
}

/** Lines the policy contributes (`policy.lines`: strings the policy formats itself). */
function policyLines(rep: HeadlineReport): string[] {
  const lines = rep.policy?.lines;
  return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string') : [];
}
