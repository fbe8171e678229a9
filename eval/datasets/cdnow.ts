/**
 * CDNOW master file (Fader & Hardie): whitespace-separated `customer_id date number_of_cds
 * dollar_value`, an optional header line, dates as yyyymmdd. The customers are the cohort that
 * first bought in 1997-Q1, followed to 1998-06-30.
 *
 * As in the CLV literature, a transaction is a customer-day: rows of one customer on one date
 * are merged (CDs and dollars summed).
 */
import { readFile } from 'node:fs/promises';

export interface CdnowRow {
  readonly customerId: string;
  /** The purchase date at 00:00 UTC, in ms. */
  readonly day: number;
  readonly cds: number;
  readonly dollars: number;
}

/** One customer-day. */
export interface CdnowTransaction extends CdnowRow {
  /** File rows merged into this transaction. */
  readonly rows: number;
}

export interface CdnowProblem {
  readonly line: number;
  readonly message: string;
}

export interface CdnowData {
  readonly rows: readonly CdnowRow[];
  /** Customer-days, sorted by customer id then day. */
  readonly transactions: readonly CdnowTransaction[];
  /** Malformed lines (skipped). */
  readonly problems: readonly CdnowProblem[];
}

const DATE = /^(\d{4})(\d{2})(\d{2})$/;

/** yyyymmdd -> ms at 00:00 UTC, or NaN when it is not a real calendar date. */
export function parseYyyymmdd(text: string): number {
  const m = DATE.exec(text);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : Number.NaN;
}

/** Parse the file's text. The first line is skipped when it is a header (non-numeric id). */
export function parseCdnowText(text: string): CdnowData {
  const rows: CdnowRow[] = [];
  const problems: CdnowProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, idx) => {
    const line = idx + 1;
    const t = raw.trim();
    if (t === '') return;
    const f = t.split(/\s+/);
    if (idx === 0 && !/^\d+$/.test(f[0] ?? '')) return;
    if (f.length !== 4) return void problems.push({ line, message: `expected 4 fields, got ${f.length}` });
    const [id, date, cdsText, dollarsText] = f as [string, string, string, string];
    if (!/^\d+$/.test(id)) return void problems.push({ line, message: `customer id "${id}" is not a number` });
    const day = parseYyyymmdd(date);
    if (Number.isNaN(day)) return void problems.push({ line, message: `date "${date}" is not yyyymmdd` });
    const cds = Number(cdsText);
    const dollars = Number(dollarsText);
    if (!Number.isInteger(cds) || cds < 0) return void problems.push({ line, message: `number_of_cds "${cdsText}" is not a count` });
    if (!Number.isFinite(dollars) || dollars < 0) return void problems.push({ line, message: `dollar_value "${dollarsText}" is not an amount` });
    rows.push({ customerId: id, day, cds, dollars });
  });
  return { rows, transactions: mergeTransactions(rows), problems };
}

/** Merge rows into customer-days, sorted by customer id (numerically) then day. */
export function mergeTransactions(rows: readonly CdnowRow[]): CdnowTransaction[] {
  const byKey = new Map<string, { customerId: string; day: number; cds: number; dollars: number; rows: number }>();
  for (const r of rows) {
    const key = `${r.customerId}\u0000${r.day}`;
    const t = byKey.get(key);
    if (t === undefined) byKey.set(key, { ...r, rows: 1 });
    else {
      t.cds += r.cds;
      t.dollars += r.dollars;
      t.rows += 1;
    }
  }
  return [...byKey.values()].sort((a, b) => Number(a.customerId) - Number(b.customerId) || a.customerId.localeCompare(b.customerId) || a.day - b.day);
}

/** Read and parse a CDNOW master file. */
export async function loadCdnow(file: string): Promise<CdnowData> {
  return parseCdnowText(await readFile(file, 'utf8'));
}

/** yyyy-mm-dd of a ms timestamp (UTC). */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
