/**
 * `eval ope` (issue 13, off-policy evaluation), registered on the `eval` command by
 * cli/eval-command.ts: a new IRA version's value per impression, estimated from the decision log
 * before it serves anyone (eval/ope/ira.ts).
 *
 *   eval ope --ira-db data/ira.db --line g0.6-0.4.v2.r15 --target-version 4 [--target-explore greedy|boltzmann --temperature 0.1]
 *            [--store-db data/recgate.db] [--from <iso>] [--to <iso>] [--window-hours 24] [--clip 20] [--weighting prefix|slot]
 *
 * Prints IPS, SNIPS and DR per impression with 95% bootstrap intervals, the effective sample size
 * and the logged (behaviour) value; writes reports/ope-<line>-v<version>-<explore>-<seed>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { OpeInterval } from '../ml/ope/estimators';
import type { IraEvent, LoggedIraDecision } from '../plugins/ira/types';

interface Common {
  seed: number;
  out: string;
  name?: string;
  progress: boolean;
}

interface Flags extends Common {
  iraDb: string;
  line: string;
  targetVersion: number;
  targetExplore: 'greedy' | 'boltzmann';
  temperature: number;
  storeDb?: string;
  from?: number;
  to?: number;
  windowHours: number;
  clip?: number;
  weighting: 'prefix' | 'slot';
  resamples: number;
  marginalSamples?: number;
}

function nonNegativeInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function positive(raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function isoTime(raw: string): number {
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw new InvalidArgumentError('must be an ISO date-time');
  return t;
}

function oneOf<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw) => {
    if (!(values as readonly string[]).includes(raw)) throw new InvalidArgumentError(`must be ${values.join(' or ')}`);
    return raw as T;
  };
}

/** The user's events from an embedded store, for the users and the time span of the decisions. */
async function eventsFor(storeDb: string, decisions: readonly LoggedIraDecision[], windowMs: number): Promise<Map<string, IraEvent[]>> {
  const { createEmbeddedGraphStore } = await import('../graph/embedded');
  const store = await createEmbeddedGraphStore({ path: storeDb, synchronous: 'NORMAL' });
  const users = new Set(decisions.map((d) => d.userId));
  const from = Math.min(...decisions.map((d) => d.ts));
  const to = Math.max(...decisions.map((d) => d.ts)) + windowMs;
  const out = new Map<string, IraEvent[]>();
  try {
    for await (const page of store.scanInteractions(5000)) {
      for (const e of page) {
        if (!users.has(e.userId) || e.ts <= from || e.ts > to) continue;
        let list = out.get(e.userId);
        if (!list) out.set(e.userId, (list = []));
        list.push({ userId: e.userId, type: e.type, itemId: e.itemId, ts: e.ts, value: e.value });
      }
    }
  } finally {
    await store.close();
  }
  return out;
}

const fmt = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const row = (label: string, v: OpeInterval): string => `  ${label.padEnd(10)} ${fmt(v.perImpression, 5)} [${fmt(v.low, 5)}, ${fmt(v.high, 5)}]  per slate ${fmt(v.perSlate, 4)}`;
/** `v0-60 (61 versions)` or `v0,3`. */
const versions = (vs: readonly number[]): string => (vs.length > 3 ? `v${vs[0]}-${vs[vs.length - 1]} (${vs.length} versions)` : `v${vs.join(',')}`);

export async function runEvalOpe(o: Flags, write: (s: string) => void = (s) => void process.stdout.write(s)): Promise<string> {
  const started = Date.now();
  const { openIraDecisionLog, loadIraVersion } = await import('../plugins/ira/index');
  const { runIraOpe } = await import('../eval/ope/ira');
  const log = openIraDecisionLog(o.iraDb);
  let decisions: LoggedIraDecision[];
  try {
    decisions = log.read({ line: o.line, ...(o.from !== undefined ? { from: o.from } : {}), ...(o.to !== undefined ? { to: o.to } : {}) });
  } finally {
    log.close();
  }
  if (decisions.length === 0) throw new InvalidArgumentError(`--line: no decisions of line "${o.line}" in ${o.iraDb}${o.from !== undefined || o.to !== undefined ? ' in the --from/--to span' : ''}`);
  const windowMs = o.windowHours * 3600_000;
  const open = decisions.filter((d) => d.rewards === null);
  const eventsByUser = o.storeDb !== undefined && open.length > 0 ? await eventsFor(o.storeDb, open, windowMs) : undefined;
  const target = await loadIraVersion(o.iraDb, o.line, o.targetVersion);
  const targetExplore = { method: o.targetExplore, temperature: o.temperature, epsilon: 0 } as const;
  const r = runIraOpe({
    decisions,
    ...(eventsByUser ? { eventsByUser } : {}),
    target,
    targetExplore,
    windowMs,
    weighting: o.weighting,
    resamples: o.resamples,
    seed: o.seed,
    ...(o.clip !== undefined ? { clip: o.clip } : {}),
    ...(o.marginalSamples !== undefined ? { marginalSamples: o.marginalSamples } : {}),
  });
  const name = o.name ?? `ope-${o.line}-v${o.targetVersion}-${o.targetExplore}${o.weighting === 'slot' ? '-slot' : ''}${o.clip !== undefined ? `-clip${o.clip}` : ''}-${o.seed}`;
  const report = {
    schemaVersion: 1,
    protocol: 'ope/ira',
    name,
    iraDb: o.iraDb,
    line: o.line,
    seed: o.seed,
    startedAt: new Date(started).toISOString(),
    wallMs: Date.now() - started,
    settings: { windowHours: o.windowHours, clip: o.clip ?? null, weighting: o.weighting, resamples: o.resamples, from: o.from ?? null, to: o.to ?? null, storeDb: o.storeDb ?? null },
    ...r,
    notes: [
      'Values are the IRA reward r = γ1·r_short + γ2·v_long_norm per impression (plugins/ira/reward.ts), 95% percentile bootstrap intervals over decisions.',
      'Slot rewards are assumed to depend on the context and the item at their slot (position-based); prefix weights make IPS unbiased under it (ml/ope/estimators.ts).',
      "The target acts on each logged pool (the behaviour's top candidates by Q): items outside it are out of its reach here.",
      r.rewardsFromEvents > 0
        ? `${r.rewardsFromEvents} decisions had no logged outcome: rewards from the store's events, v_long after as logged (0 when unknown).`
        : 'Every reward is a logged outcome.',
    ],
  };
  await mkdir(o.out, { recursive: true });
  const file = join(o.out, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  write(
    [
      `ope/ira line ${o.line}: target v${r.target.version} ${o.targetExplore}${o.targetExplore === 'boltzmann' ? ` τ=${o.temperature}` : ''} on ${r.decisions} decisions (${r.skipped} skipped; behaviour ${versions(r.behaviour.versions)} ${r.behaviour.methods.join(',')}), ${r.meanSlots.toFixed(1)} slots each`,
      '  value per impression, 95% bootstrap interval:',
      row('logged', r.onPolicy),
      row('IPS', r.ips),
      row('SNIPS', r.snips),
      row('DR', r.dr),
      `  effective sample size ${r.ess.pooled.toFixed(1)} of ${Math.round(r.decisions * r.meanSlots)} slots${o.clip !== undefined ? `, ${(100 * r.clippedShare).toFixed(1)}% of weights clipped at ${o.clip}` : ''}; per slot ${r.ess.perSlot.map((x) => x.toFixed(1)).join(' ')}`,
      ...(r.ess.perSlot.some((x) => x === 0)
        ? [`  slots ${r.ess.perSlot.flatMap((x, k) => (x === 0 ? [k + 1] : [])).join(', ')}: no logged prefix the target would draw (SNIPS n/a; try --weighting slot)`]
        : []),
      `report: ${file}`,
      '',
    ].join('\n'),
  );
  return file;
}

export function addOpeEvalCommand(root: Command, withCommon: (cmd: Command) => Command): void {
  withCommon(
    root
      .command('ope')
      .description('off-policy evaluation of an IRA version from the decision log: IPS, SNIPS, DR per impression with intervals, ESS, and the logged value')
      .option('--ira-db <sqlite>', 'the IRA SQLite file (versions and decision log)', process.env['IRA_DB_PATH'] || 'data/ira.db')
      .requiredOption('--line <name>', 'the policy line (its decisions and versions)')
      .requiredOption('--target-version <n>', 'the version to evaluate (0: the heuristic)', nonNegativeInt)
      .option('--target-explore <m>', 'the target serving greedily or by Boltzmann', oneOf(['greedy', 'boltzmann'] as const), 'greedy' as const)
      .option('--temperature <t>', 'Boltzmann temperature of the target', positive, 0.1)
      .option('--store-db <sqlite>', 'an embedded store: events for decisions logged without an outcome')
      .option('--from <iso>', 'decisions at or after this time', isoTime)
      .option('--to <iso>', 'decisions before this time', isoTime)
      .option('--window-hours <h>', 'attribution window of rewards computed from events', positive, 24)
      .option('--clip <w>', 'cap on each importance weight', positive)
      .option('--weighting <w>', 'prefix (unbiased under the slot assumption) or slot (per-slot ratio, lower variance)', oneOf(['prefix', 'slot'] as const), 'prefix' as const)
      .option('--resamples <n>', 'bootstrap resamples', nonNegativeInt, 500)
      .option('--marginal-samples <n>', "slates drawn per decision for the target's slot marginals (DR) when enumeration is too large", nonNegativeInt),
  ).action(async (o: Flags) => {
    await runEvalOpe(o);
  });
}
