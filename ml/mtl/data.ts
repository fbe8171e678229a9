/**
 * The training rows of a multi-task model: per row one category index per field, the dense
 * inputs, and one label per task (NaN when the row has no label for that task, e.g. a row of the
 * auxiliary data only).
 */
export interface MtlData {
  readonly n: number;
  /** Categorical fields per row. */
  readonly fields: number;
  /** n × fields category indices (0 = missing or unseen, by convention). */
  readonly cat: Int32Array;
  readonly denseDim: number;
  /** n × denseDim dense inputs. */
  readonly dense: Float32Array;
  /** Per task: n labels in {0, 1}, or NaN for "no label". */
  readonly labels: readonly Float32Array[];
}

/** Throws a RangeError naming the first inconsistency. */
export function checkMtlData(d: MtlData): void {
  if (d.cat.length !== d.n * d.fields) throw new RangeError(`mtl data: cat has ${d.cat.length} entries, expected ${d.n}×${d.fields}`);
  if (d.dense.length !== d.n * d.denseDim) throw new RangeError(`mtl data: dense has ${d.dense.length} entries, expected ${d.n}×${d.denseDim}`);
  d.labels.forEach((y, t) => {
    if (y.length !== d.n) throw new RangeError(`mtl data: task ${t} has ${y.length} labels, expected ${d.n}`);
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (v !== 0 && v !== 1 && !Number.isNaN(v)) throw new RangeError(`mtl data: task ${t} row ${i} label ${v}`);
    }
  });
}

/** The rows `which` of `d`, in that order. */
export function selectRows(d: MtlData, which: ArrayLike<number>): MtlData {
  const n = which.length;
  const cat = new Int32Array(n * d.fields);
  const dense = new Float32Array(n * d.denseDim);
  const labels = d.labels.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const r = which[i]!;
    cat.set(d.cat.subarray(r * d.fields, (r + 1) * d.fields), i * d.fields);
    dense.set(d.dense.subarray(r * d.denseDim, (r + 1) * d.denseDim), i * d.denseDim);
    d.labels.forEach((y, t) => (labels[t]![i] = y[r]!));
  }
  return { n, fields: d.fields, cat, denseDim: d.denseDim, dense, labels };
}
