/**
 * The simulation's outputs: a JSON report (`reports/simulate-<seed>.json`) and the printed
 * tables (per variant, per comparison, SRM). Everything in the JSON but `timing` is a function of
 * the seed and the options; `timing` holds wall times, the feed latency percentiles (measured on
 * this machine, so they vary run to run) and the experiment's random id.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultsResponse } from './client';
import type { SimulationOutcome } from './run';

export interface SimulationReport {
  readonly simulator: { readonly name: 'recgate simulate'; readonly version: 1 };
  readonly options: SimulationOutcome['options'];
  readonly fit: Record<string, unknown>;
  readonly world: Record<string, unknown>;
  readonly warmUp: SimulationOutcome['warmUp'];
  /** The DDPG policy at the end of the run (`--dpgcn`), else null. */
  readonly policy: SimulationOutcome['policy'];
  readonly totals: SimulationOutcome['totals'] & { readonly servedUsers: number };
  readonly tallies: SimulationOutcome['tallies'];
  /** experimentResults, without the (wall-clock) P99_LATENCY_MS values. */
  readonly results: ResultsResponse;
  readonly timing: SimulationOutcome['timing'] & { readonly experimentId: string; readonly p99LatencyMs: Readonly<Record<string, number | null>> };
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const iso = (ms: number): string => new Date(ms).toISOString();

export function buildReport(out: SimulationOutcome): SimulationReport {
  const f = out.fit;
  let rate = 0;
  for (const u of f.users.values()) rate += u.sessionsPerDay;
  const p99: Record<string, number | null> = {};
  const variants = out.results.variants.map((v) => {
    p99[v.key] = v.metrics.find((m) => m.metric === 'P99_LATENCY_MS')?.value ?? null;
    return { ...v, metrics: v.metrics.filter((m) => m.metric !== 'P99_LATENCY_MS') };
  });
  return {
    simulator: { name: 'recgate simulate', version: 1 },
    options: out.options,
    fit: {
      window: { start: iso(f.window.start), end: iso(f.window.end) },
      days: r6(f.days),
      events: f.events,
      outsideWindow: f.ignored,
      users: f.users.size,
      items: f.items.size,
      categories: f.categories.size,
      meanSessionsPerDay: r6(f.users.size > 0 ? rate / f.users.size : 0),
      funnel: Object.fromEntries(Object.entries(f.funnel).map(([k, v]) => [k, r6(v)])),
      revisitShare: r6(f.revisitShare),
      hourProfile: f.hourProfile.map(r6),
    },
    world: { users: out.world.users, appealScale: out.world.appealScale, start: iso(out.world.start), end: iso(out.world.end) },
    warmUp: out.warmUp,
    policy: out.policy,
    totals: { ...out.totals, servedUsers: out.servedUsers.length, gmv: Math.round(out.totals.gmv * 100) / 100 },
    tallies: Object.fromEntries(Object.entries(out.tallies).map(([k, t]) => [k, { ...t, gmv: Math.round(t.gmv * 100) / 100, priceShown: Math.round(t.priceShown * 100) / 100 }])),
    results: { ...out.results, variants },
    timing: { ...out.timing, experimentId: out.experimentId, p99LatencyMs: p99 },
  };
}

export function writeReport(report: SimulationReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `simulate-${report.options.seed}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,%e+-]+$|^n\/a$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const pct = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(digits)}%`);
const num = (x: number | null | undefined, digits: number): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
const pval = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** How a metric's values print. */
function metricText(metric: string, x: number | null | undefined): string {
  if (metric === 'AOV') return num(x, 2);
  if (metric === 'GMV_PER_IMPRESSION') return num(x, 4);
  if (metric === 'DIVERSITY' || metric === 'P99_LATENCY_MS') return num(x, metric === 'DIVERSITY' ? 3 : 1);
  return pct(x, 3);
}

export function formatReport(rep: SimulationReport): string {
  const res = rep.results;
  const strategy = new Map(rep.options.variants.map((v) => [v.key, v.strategyId] as const));
  const shown = ['CTR', 'ADD_TO_CART_RATE', 'CONVERSION_RATE', 'AOV', 'GMV_PER_IMPRESSION', 'DIVERSITY'];
  const value = (variant: string, metric: string): number | null | undefined => res.variants.find((v) => v.key === variant)?.metrics.find((m) => m.metric === metric)?.value;
  const variantRows = res.variants.map((v) => [
    v.key,
    strategy.get(v.key) ?? '?',
    num(v.weight, 2),
    String(v.users),
    String(v.exposures),
    String(v.impressions),
    ...shown.map((m) => metricText(m, value(v.key, m))),
    num((rep.tallies[v.key]?.priceShown ?? 0) / Math.max(1, rep.tallies[v.key]?.impressions ?? 0), 2),
    String(rep.tallies[v.key]?.purchases ?? 0),
    num(rep.tallies[v.key]?.gmv ?? 0, 2),
    metricText('P99_LATENCY_MS', rep.timing.p99LatencyMs[v.key]),
  ]);
  const compRows = res.comparisons.map((c) => [
    c.metric,
    c.variant,
    metricText(c.metric, value(c.control, c.metric)),
    metricText(c.metric, value(c.variant, c.metric)),
    `${c.relativeLift >= 0 ? '+' : ''}${pct(c.relativeLift, 1)}`,
    `[${pct(c.relativeCiLower, 1)}, ${pct(c.relativeCiUpper, 1)}]`,
    pval(c.pValue),
    pval(c.holmPValue),
    c.test,
    c.significant ? 'yes' : 'no',
  ]);
  const srm = res.srm;
  const o = rep.options;
  return [
    `Simulated ${o.days} days from ${rep.world.start} (${rep.world.users} users from ${o.file}${o.maxLines !== null ? `, first ${o.maxLines} lines` : ''}, seed ${o.seed}): ${rep.totals.feeds} feeds, ${rep.totals.impressions} impressions, ${rep.totals.events.click ?? 0} clicks, ${rep.totals.events.purchase ?? 0} purchases, GMV ${rep.totals.gmv.toFixed(2)} (synthetic prices)`,
    '',
    formatTable(
      ['variant', 'strategy', 'weight', 'users', 'exposures', 'impressions', 'CTR', 'cart rate', 'conversion', 'AOV', 'GMV/imp', 'diversity', 'price shown', 'orders', 'GMV', 'p99 ms'],
      variantRows,
    ),
    '',
    `Comparisons against "${res.control}" (alpha ${res.alpha}; relative lift and its ${Math.round(100 * (1 - res.alpha))}% CI; Holm-adjusted over all ${res.comparisons.length} tests):`,
    formatTable(['metric', 'variant', 'control', 'value', 'lift', 'CI', 'p', 'Holm p', 'test', 'significant'], compRows),
    '',
    `SRM: observed [${srm.observed.join(', ')}] vs expected [${srm.expected.map((x) => x.toFixed(1)).join(', ')}] users, chi² ${srm.chiSquare.toFixed(3)}, p ${pval(srm.pValue)}: ${srm.mismatch ? 'MISMATCH (assignment is broken, do not read the results)' : 'no mismatch'}`,
    ...policyLines(rep),
    `Wall time ${(rep.timing.wallMs / 1000).toFixed(1)} s (setup ${(rep.timing.setupMs / 1000).toFixed(1)} s, loop ${(rep.timing.loopMs / 1000).toFixed(1)} s: feeds ${(rep.timing.feedMs / 1000).toFixed(1)} s, recordEvents ${(rep.timing.recordMs / 1000).toFixed(1)} s)`,
  ].join('\n');
}

/** The DDPG policy's end state and its offline pre-training (`--dpgcn`), or nothing. */
function policyLines(rep: SimulationReport): string[] {
  const p = rep.policy;
  if (p === null) return [];
  const f = (x: number | null, d = 3): string => (x === null ? '-' : x.toFixed(d));
  const pre = rep.warmUp.dpgcn?.pretrain ?? null;
  return [
    `DDPG policy: serving v${p.version?.version ?? '-'} (${p.version?.source ?? 'fitted α'}) of ${p.versions}; ${p.learner.updates} updates over ${p.learningJobs} learning jobs, replay ${p.learner.replaySize}, recent mean reward ${f(p.learner.recentMeanReward)}; α served p10/p50/p90 ${f(p.actions.p10)}/${f(p.actions.p50)}/${f(p.actions.p90)} in [${p.range.join(', ')}]${p.learner.halted ? `; HALTED: ${p.learner.halted}` : ''}`,
    ...(pre
      ? [
          `  pre-training (v${pre.version}, ${pre.lists.train}/${pre.lists.valid} train/valid lists): valid NDCG@10 fitted α ${f(pre.metrics.validNdcgAlpha0, 4)}, best constant α ${f(pre.metrics.bestConstantAlpha)} ${f(pre.metrics.validNdcgBestConstant, 4)}, actor (mean α ${f(pre.metrics.meanPolicyAlpha)}) ${f(pre.metrics.validNdcgPolicy, 4)}`,
        ]
      : []),
  ];
}
