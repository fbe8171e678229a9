/**
 * The published CDNOW figures on the full files (a check script, not a test: tests read only the
 * committed slices in test/fixtures, and these figures need the complete files). Exits 1 when a
 * figure is off.
 *
 *   npm run eval:published -- [--cdnow ../shared/data/cdnow]
 *
 * - BG/NBD on `cdnow_customers_summary.csv`: r=0.2426, alpha=4.4135, a=0.7929, b=2.4258 within 1%,
 *   log-likelihood -9582.43 (Fader, Hardie & Lee 2005; lifetimes quickstart), and the quickstart's
 *   1-week predictions for its top customers.
 * - Gamma-Gamma on the 946 repeat customers of `cdnow_customers_summary_with_transactions.csv`:
 *   p=6.25, q=3.74, v=15.45 within 1%, and the quickstart's conditional expected average profits.
 * - summarisePurchases on `CDNOW_sample.txt` (calibration to 1997-09-30) against the published
 *   summary of all 2357 customers (x exactly; t_x, T and zbar to the published 2 decimals).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { summarisePurchases } from '../eval/protocols/value-bgnbd';
import { expectedTransactions, fitBgNbd } from '../ml/clv/bgnbd';
import { conditionalExpectedValue, fitGammaGamma } from '../ml/clv/gamma-gamma';

interface Check {
  name: string;
  got: number;
  want: number;
  ok: boolean;
}

const checks: Check[] = [];
const within = (name: string, got: number, want: number, rel: number): void => {
  checks.push({ name, got, want, ok: Math.abs(got / want - 1) < rel });
};
const near = (name: string, got: number, want: number, abs: number): void => {
  checks.push({ name, got, want, ok: Math.abs(got - want) <= abs });
};

/** Rows of a numeric CSV with a header line, keyed by column name. */
function readCsv(file: string): Array<Record<string, number>> {
  const [head, ...rows] = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
  const names = head!.split(',');
  return rows.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, Number(v)])));
}

function bgnbd(dir: string): void {
  const rows = readCsv(join(dir, 'cdnow_customers_summary.csv'));
  const fit = fitBgNbd({ x: rows.map((r) => r.frequency!), tx: rows.map((r) => r.recency!), T: rows.map((r) => r.T!) });
  near('bgnbd customers', fit.customers, 2357, 0);
  near('bgnbd converged', fit.converged ? 1 : 0, 1, 0);
  within('bgnbd r', fit.params.r, 0.2426, 0.01);
  within('bgnbd alpha', fit.params.alpha, 4.4135, 0.01);
  within('bgnbd a', fit.params.a, 0.7929, 0.01);
  within('bgnbd b', fit.params.b, 2.4258, 0.01);
  near('bgnbd log-likelihood', fit.logLikelihood, -9582.43, 0.05);
  const want = new Map([
    [509, 0.424877],
    [841, 0.474738],
    [1981, 0.486526],
    [157, 0.662396],
    [1516, 0.710623],
  ]);
  for (const r of rows.filter((x) => want.has(x.ID!))) {
    near(`bgnbd E[X(1 week)] customer ${r.ID}`, expectedTransactions(fit.params, 1, r.frequency!, r.recency!, r.T!), want.get(r.ID!)!, 5e-6);
  }
}

function gammaGamma(dir: string): void {
  const rows = readCsv(join(dir, 'cdnow_customers_summary_with_transactions.csv'));
  const repeat = rows.filter((r) => r.x! > 0);
  const fit = fitGammaGamma({ x: repeat.map((r) => r.x!), zbar: repeat.map((r) => r.zbar!) });
  near('gamma-gamma customers', fit.customers, 946, 0);
  near('gamma-gamma converged', fit.converged ? 1 : 0, 1, 0);
  within('gamma-gamma p', fit.params.p, 6.25, 0.01);
  within('gamma-gamma q', fit.params.q, 3.74, 0.01);
  within('gamma-gamma v', fit.params.v, 15.45, 0.01);
  const head = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981];
  head.forEach((want, i) => near(`gamma-gamma E[profit] customer ${i + 1}`, conditionalExpectedValue(fit.params, rows[i]!.x!, rows[i]!.zbar!), want, 5e-4));
  const mean = rows.reduce((s, r) => s + conditionalExpectedValue(fit.params, r.x!, r.zbar!), 0) / rows.length;
  near('gamma-gamma mean E[profit] over 2357', mean, 35.2529588256, 5e-4);
}

function summary(dir: string): void {
  // `cust_id sample_id yyyymmdd n_cds dollars`; the summary's ID is the sample id; calibration ends 1997-09-30
  const byId = new Map<number, Array<{ ts: number; value: number }>>();
  for (const l of readFileSync(join(dir, 'CDNOW_sample.txt'), 'utf8').split('\n')) {
    if (l.trim() === '') continue;
    const [, id, date, , dollars] = l.trim().split(/\s+/) as [string, string, string, string, string];
    if (Number(date) >= 19971001) continue;
    const ts = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
    const list = byId.get(Number(id)) ?? [];
    list.push({ ts, value: Number(dollars) });
    byId.set(Number(id), list);
  }
  const published = readCsv(join(dir, 'cdnow_customers_summary_with_transactions.csv'));
  near('summary customers', byId.size, published.length, 0);
  let off = 0;
  for (const r of published) {
    const s = summarisePurchases(byId.get(r.ID!) ?? [], Date.UTC(1997, 8, 30));
    const tol = 0.005 + 1e-9; // published to 2 decimals
    if (!s || s.x !== r.x || Math.abs(s.tx - r.t_x!) > tol || Math.abs(s.T - r.T!) > tol || Math.abs(s.zbar - r.zbar!) > tol) off++;
  }
  near('summary customers off the published (x, t_x, T, zbar)', off, 0, 0);
}

function main(): void {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--cdnow');
  const dir = resolve(i >= 0 && argv[i + 1] ? argv[i + 1]! : '../shared/data/cdnow');
  if (!existsSync(join(dir, 'cdnow_customers_summary.csv'))) {
    console.error(`no CDNOW files in ${dir}: pass --cdnow <folder with cdnow_customers_summary.csv, its _with_transactions twin and CDNOW_sample.txt>`);
    process.exitCode = 2;
    return;
  }
  bgnbd(dir);
  gammaGamma(dir);
  summary(dir);
  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: got ${c.got}, published ${c.want}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main();
