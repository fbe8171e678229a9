/**
 * Rows of a standard-column dataset as text: CSV (a header, then one line per candidate) or JSON
 * Lines. Column values are written as the shortest decimal that reads back as the same float32,
 * so a trainer that casts to float32 sees exactly the tensor the gateway builds. Pure: no I/O.
 */

/** The leading columns of every row, before the standard columns. */
export const ROW_KEYS = ['user_id', 'item_id', 'cut', 'label'] as const;

/** Output formats. */
export type DatasetFormat = 'csv' | 'jsonl';
export const DATASET_FORMATS: readonly DatasetFormat[] = ['csv', 'jsonl'];

/** The shortest decimal text that parses back (through float32) to the float32 `v`. */
export function float32Text(v: number): string {
  const f = Math.fround(v);
  if (Number.isInteger(f)) return String(f);
  for (let p = 1; p < 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  // Nine significant digits always round-trip a float32.
  return String(Number(f.toPrecision(9)));
}

/** A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV header: the row keys, then the column names exactly as the layout lists them. */
export function csvHeader(columns: readonly string[]): string {
  return `${[...ROW_KEYS, ...columns].map(csvField).join(',')}\n`;
}

export interface RowText {
  readonly userId: string;
  readonly itemId: string;
  /** The cut, ISO-8601 (UTC). */
  readonly cut: string;
  readonly label: number;
  /** The row's column values (float32), in layout order. */
  readonly values: ArrayLike<number>;
}

/** One row as a line of the format (with its newline). `columns` names the values for JSON Lines. */
export function rowLine(format: DatasetFormat, columns: readonly string[], r: RowText): string {
  if (format === 'csv') {
    let line = `${csvField(r.userId)},${csvField(r.itemId)},${r.cut},${r.label}`;
    for (let j = 0; j < r.values.length; j++) line += `,${float32Text(r.values[j]!)}`;
    return `${line}\n`;
  }
  const obj: Record<string, string | number> = { user_id: r.userId, item_id: r.itemId, cut: r.cut, label: r.label };
  columns.forEach((c, j) => {
    obj[c] = Number(float32Text(r.values[j]!));
  });
  return `${JSON.stringify(obj)}\n`;
}
