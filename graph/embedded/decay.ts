/**
 * Exponentially decayed accumulators, O(1) per event.
 *
 * Each row (an item) keeps `cols` accumulators that share one reference time `ref` (the newest
 * event ts the row has seen). A value x observed at `ts` contributes x * 2^(-(asOf - ts) / halfLife)
 * as of `asOf`. Stored values are "as of ref": an event newer than ref first rescales the row by
 * 2^(-(ts - ref) / halfLife) and moves ref to ts; an older event adds x * 2^(-(ref - ts) / halfLife).
 * Reading as of a later time multiplies by 2^(-(asOf - ref) / halfLife).
 */

/** 2^(-dtMs / halfLifeMs): the weight of something `dtMs` old (1 when dtMs <= 0). */
export function decayFactor(dtMs: number, halfLifeMs: number): number {
  return dtMs <= 0 ? 1 : Math.exp((-Math.LN2 * dtMs) / halfLifeMs);
}

/** Rows x cols decayed sums with a shared reference time per row. Grows as rows are added. */
export class DecayedTable {
  private values: Float64Array;
  private refs: Float64Array;
  private capacity: number;

  /** `cols` accumulators per row; `halfLifeMs` > 0. */
  constructor(
    readonly cols: number,
    readonly halfLifeMs: number,
    initialRows = 1024,
  ) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${halfLifeMs}`);
    this.capacity = Math.max(1, initialRows);
    this.values = new Float64Array(this.capacity * cols);
    this.refs = new Float64Array(this.capacity).fill(-Infinity);
  }

  /** Make room for rows [0, rows). */
  ensureRows(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = this.capacity;
    while (cap < rows) cap *= 2;
    const values = new Float64Array(cap * this.cols);
    values.set(this.values);
    const refs = new Float64Array(cap).fill(-Infinity);
    refs.set(this.refs);
    this.values = values;
    this.refs = refs;
    this.capacity = cap;
  }

  /** Reference time of a row (-Infinity before its first event). */
  ref(row: number): number {
    return this.refs[row] ?? -Infinity;
  }

  /**
   * Move the row's reference to `ts` if `ts` is newer, and return the weight of an event at `ts`
   * relative to the (possibly new) reference. Call once per event, then `addWeighted` per column.
   */
  advance(row: number, ts: number): number {
    const ref = this.refs[row] as number;
    if (ts >= ref) {
      if (ts > ref && ref !== -Infinity) {
        const f = decayFactor(ts - ref, this.halfLifeMs);
        const base = row * this.cols;
        for (let c = 0; c < this.cols; c++) this.values[base + c] = (this.values[base + c] as number) * f;
      }
      this.refs[row] = ts;
      return 1;
    }
    return decayFactor(ref - ts, this.halfLifeMs);
  }

  /** Add x * weight to column `col` of `row` (weight from `advance`). */
  addWeighted(row: number, col: number, x: number, weight: number): void {
    const i = row * this.cols + col;
    this.values[i] = (this.values[i] as number) + x * weight;
  }

  /** Add x observed at ts to one column (advance + addWeighted). */
  add(row: number, col: number, ts: number, x: number): void {
    this.addWeighted(row, col, x, this.advance(row, ts));
  }

  /** Value of a column as of `asOf` (>= the row's ref for exact results). */
  valueAt(row: number, col: number, asOf: number): number {
    const ref = this.refs[row] as number;
    if (ref === -Infinity) return 0;
    return (this.values[row * this.cols + col] as number) * decayFactor(asOf - ref, this.halfLifeMs);
  }

  /** Columns [0, n) of a row as of `asOf`, written to `out`: the values valueAt gives, with one decay factor for the row. */
  rowAt(row: number, asOf: number, out: Float64Array, n: number = this.cols): void {
    const ref = this.refs[row] as number;
    if (ref === -Infinity) {
      out.fill(0, 0, n);
      return;
    }
    const f = decayFactor(asOf - ref, this.halfLifeMs);
    const base = row * this.cols;
    for (let c = 0; c < n; c++) out[c] = (this.values[base + c] as number) * f;
  }

  /**
   * log of a column's value as of time 0 shifted by a constant: ln(v) + ln2 * ref / halfLife.
   * Orders rows exactly like `valueAt` at any common asOf, without underflow. -Infinity when 0.
   */
  rankKey(row: number, col: number): number {
    const v = this.values[row * this.cols + col] as number;
    if (!(v > 0)) return -Infinity;
    return Math.log(v) + (Math.LN2 * (this.refs[row] as number)) / this.halfLifeMs;
  }
}
