/**
 * Timestamps of imported rows: epoch numbers in seconds or milliseconds (declared, or told apart by
 * magnitude) and date-times in the shapes real exports use: ISO 8601 (`2019-10-01T00:00:00Z`,
 * `2019-10-01T08:00:00.5+08:00`), and `YYYY-MM-DD HH:mm[:ss[.fff]]` with a zone word (`UTC`,
 * `GMT`, `Z`), an offset (`+08:00`, `+0800`, `+08`, `UTC+8`) or nothing (then `tsZone`).
 * Parsed by hand with range checks: `Date.parse` accepts too much ("bad-1" is 2001-01-01).
 */

/** How a timestamp column is read: declared epoch unit, date-time text, or detected per value. */
export type TsUnit = 's' | 'ms' | 'iso' | 'auto';
export const TS_UNITS: readonly TsUnit[] = ['s', 'ms', 'iso', 'auto'];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_TIME = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(.*)$/i;
const OFFSET = /^(?:(?:UTC|GMT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * Auto-detection bounds for epoch numbers: below 1e11 is seconds (up to year 5138), below 1e14
 * milliseconds (from 1973), below 1e17 microseconds, else nanoseconds.
 */
const EPOCH_BOUNDS: readonly (readonly [number, number])[] = [
  [1e11, 1000],
  [1e14, 1],
  [1e17, 1e-3],
  [Number.POSITIVE_INFINITY, 1e-6],
];

/** Minutes east of UTC for a zone text (`UTC`, `GMT`, `Z`, `+08:00`, `+0800`, `-05`, `UTC+8`); null when not a zone. */
export function parseZone(text: string): number | null {
  const t = text.trim();
  if (/^(?:Z|UTC|GMT)$/i.test(t)) return 0;
  const m = OFFSET.exec(t);
  if (m === null) return null;
  const h = Number(m[2]);
  const min = Number(m[3] ?? '0');
  if (h > 23 || min > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

const daysIn = (y: number, month: number): number => new Date(Date.UTC(y, month, 0)).getUTCDate();

/** A date-time text to ms; NaN when it is not one of the accepted shapes or out of range. */
export function parseDateTime(text: string, defaultZoneMinutes = 0): number {
  const m = DATE_TIME.exec(text.trim());
  if (m === null) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
  const [h, mi, s] = [Number(m[5] ?? '0'), Number(m[6] ?? '0'), Number(m[7] ?? '0')];
  const ms = Number((m[8] ?? '').padEnd(3, '0').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return Number.NaN;
  const zoneText = m[9] ?? '';
  const zone = zoneText === '' ? defaultZoneMinutes : parseZone(zoneText);
  if (zone === null) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - zone * 60_000;
}

/**
 * Parse a timestamp to ms since the epoch; NaN when unparsable. `s` and `ms` read epoch numbers,
 * `iso` date-time text, `auto` either (numbers by magnitude, see EPOCH_BOUNDS). Date-times
 * without a zone are in `defaultZoneMinutes` (minutes east of UTC, default 0 = UTC).
 */
export function parseTs(value: string | number, unit: TsUnit, defaultZoneMinutes = 0): number {
  const t = typeof value === 'number' ? value : value.trim();
  if (t === '') return Number.NaN;
  const isNumber = typeof t === 'number' || NUMBER.test(t);
  if (unit === 'iso' || (unit === 'auto' && !isNumber)) return typeof t === 'number' ? Number.NaN : parseDateTime(t, defaultZoneMinutes);
  if (!isNumber) return Number.NaN;
  const n = Number(t);
  if (!Number.isFinite(n)) return Number.NaN;
  if (unit === 's') return Math.round(n * 1000);
  if (unit === 'ms') return n;
  const scale = EPOCH_BOUNDS.find(([bound]) => Math.abs(n) < bound)?.[1] ?? 1;
  return Math.round(n * scale);
}
