/**
 * The end of an import: a one-line human summary, and the verdict the CLI turns into its exit code
 * (an import whose rows all failed, or too many of them, is a failure even though it stored some).
 */
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { ImportSummary } from './types';

/** Largest share of failed rows (row errors / data rows) an import may have and still succeed. */
export const DEFAULT_MAX_ERROR_RATE = 0.05;

/** Row errors / data rows read; 0 for a file without data rows. */
export function errorRate(s: ImportSummary): number {
  return s.lines === 0 ? 0 : s.rowErrorCount / s.lines;
}

const pct = (x: number): string => `${(100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

/** One line: rows, events (new / duplicates), ignored, row errors (share), items, categories, time. */
export function formatSummary(s: ImportSummary): string {
  return (
    `[import ${s.source}] done: ${s.lines} rows -> ${s.events} events (${s.inserted} new, ${s.duplicates} duplicates), ` +
    `${s.ignored} ignored, ${s.rowErrorCount} row errors (${pct(errorRate(s))}), ${s.itemsUpserted} items and ` +
    `${s.categoriesUpserted} categories written, ${(s.ms / 1000).toFixed(1)} s`
  );
}

/**
 * Throw IMPORT_TOO_MANY_ERRORS when every data row failed, or when the failed share exceeds
 * `maxErrorRate` (default DEFAULT_MAX_ERROR_RATE). Rows on the mapping's `ignore` list are not failures.
 */
export function checkErrorRate(s: ImportSummary, maxErrorRate = DEFAULT_MAX_ERROR_RATE): void {
  const rate = errorRate(s);
  const details = { rowErrors: s.rowErrorCount, lines: s.lines, rate, maxErrorRate };
  if (s.lines > 0 && s.rowErrorCount === s.lines) {
    throw new CodedError(ErrorCode.IMPORT_TOO_MANY_ERRORS, `every one of the ${s.lines} rows of ${s.file} failed: check the mapping against the file`, details);
  }
  if (rate > maxErrorRate) {
    throw new CodedError(
      ErrorCode.IMPORT_TOO_MANY_ERRORS,
      `${s.rowErrorCount} of ${s.lines} rows of ${s.file} failed (${pct(rate)} > --max-error-rate ${maxErrorRate}); the valid rows were stored`,
      details,
    );
  }
}
