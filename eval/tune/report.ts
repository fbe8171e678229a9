/**
 * What `tune` writes: the chosen strategy file, and a report of every trial as JSON
 * (`<dir>/tune-<name>-<seed>.json`) and as a readable Markdown table (`.md`), both stating which
 * cut chose what.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { nameSlug } from '../report/json';
import { compareTrials, type TuneResult } from './run';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The sentence stating which data chose the strategy and which data it must be judged on. */
export function tuneStatement(r: TuneResult): string {
  const count = (phase: string): number => r.trials.filter((t) => t.phase === phase).length;
  return (
    `Chosen on the validation window [${iso(r.validStart)}, ${iso(r.testCut)}) (${r.validEvents} events; ${r.validUsers.purchase} users with a purchase, ${r.validUsers.click} with a click) ` +
    `with training = the ${r.trainEvents} events before ${iso(r.validStart)}; objective NDCG@${r.k} ${r.target} (ties: NDCG@${r.k} ${r.target === 'purchase' ? 'click' : 'purchase'}, then the earlier trial); ` +
    `${r.trials.length} trials: ${count('anchor')} anchors (trial 0 = the default strategy, then each baseline scorer alone with the default's retrievers and re-ranking), ${count('random')} seeded random draws from the grid (seed ${r.seed}), ${count('coordinate')} coordinate-ascent moves from the best so far. ` +
    `Nothing at or after the test cut ${iso(r.testCut)} was used: evaluate the chosen strategy there once with eval events/temporal --strategy <file> and the same data flags.`
  );
}

/** A Markdown table of every trial, best first. */
export function tuneTable(r: TuneResult): string {
  const rows = [...r.trials].sort((a, b) => compareTrials(a, b, r.target));
  const head = `| rank | trial | phase | NDCG@${r.k} purchase | NDCG@${r.k} click | P@${r.k} purchase | P@${r.k} click | settings | ms |\n|---|---|---|---|---|---|---|---|---|`;
  const body = rows
    .map(
      (t, i) =>
        `| ${i + 1} | ${t.index}${t.index === 0 ? ' (default)' : ''}${t.index === r.chosen ? ' **chosen**' : ''} | ${t.phase} | ${t.ndcg.purchase.toFixed(4)} | ${t.ndcg.click.toFixed(4)} | ${t.precision.purchase.toFixed(4)} | ${t.precision.click.toFixed(4)} | ${t.description} | ${t.ms} |`,
    )
    .join('\n');
  return `# tune · ${r.name} · seed ${r.seed}\n\n${tuneStatement(r)}\n\n${head}\n${body}\n`;
}

export function tuneReportJson(r: TuneResult): string {
  return `${JSON.stringify(
    {
      kind: 'tune',
      name: r.name,
      path: r.path,
      seed: r.seed,
      objective: { metric: 'ndcg', k: r.k, target: r.target },
      window: { start: iso(r.window.start), end: iso(r.window.end) },
      training: { end: iso(r.validStart), events: r.trainEvents },
      validation: { start: iso(r.validStart), end: iso(r.testCut), events: r.validEvents, users: r.validUsers },
      testCut: iso(r.testCut),
      statement: tuneStatement(r),
      chosen: r.chosen,
      strategy: r.strategy,
      wallMs: r.wallMs,
      peakRssMiB: r.peakRssMiB,
      trials: r.trials,
    },
    null,
    2,
  )}\n`;
}

/** Write the strategy file and `<reportDir>/tune-<name>-<seed>.{json,md}` (name: `name`, default the dataset's); returns their paths. */
export async function writeTuneOutputs(r: TuneResult, strategyFile: string, reportDir: string, name?: string): Promise<{ strategy: string; json: string; table: string }> {
  await mkdir(dirname(strategyFile), { recursive: true });
  await writeFile(strategyFile, `${JSON.stringify(r.strategy, null, 2)}\n`);
  await mkdir(reportDir, { recursive: true });
  const base = `tune-${nameSlug(name ?? r.name)}-${r.seed}`;
  const json = join(reportDir, `${base}.json`);
  const table = join(reportDir, `${base}.md`);
  await writeFile(json, tuneReportJson(r));
  await writeFile(table, tuneTable(r));
  return { strategy: strategyFile, json, table };
}
