/**
 * A feature-vector layout: named columns, each a function of one row (a candidate's features),
 * that both declares an ONNX input's columns and builds its float32 [rows, columns] tensor, so
 * the declared width and the featuriser cannot drift apart.
 *
 * ```ts
 * const layout = defineLayout<ItemStats | null>({
 *   log_views: (s) => Math.log1p(eventCount(s, 'view')),
 *   log_purchases: (s) => Math.log1p(eventCount(s, 'purchase')),
 * });
 * model: { uri, inputs: [{ name: 'item_features', columns: layout.columns }] },
 * ...
 * await session.run({ item_features: layout.tensor(features['item.stats']) });
 * ```
 */
import type { DenseTensor } from './model';

/** One column: its value for a row (the row's index is given too). Must be finite. */
export type ColumnFn<R> = (row: R, index: number) => number;

export interface FeatureLayout<R> {
  /** Column names, in order: the ONNX input's declared `columns`. */
  readonly columns: readonly string[];
  /** The float32 [rows.length, columns.length] tensor of `rows`, row-major. Throws a RangeError naming the row and column of a non-finite value. */
  tensor(rows: ArrayLike<R>): DenseTensor;
}

/** A layout of the given columns, in the object's key order (at least one). */
export function defineLayout<R>(columns: Readonly<Record<string, ColumnFn<R>>>): FeatureLayout<R> {
  const names = Object.freeze(Object.keys(columns));
  if (names.length === 0) throw new RangeError('a feature layout needs at least one column');
  const fns = names.map((n) => columns[n]!);
  const w = fns.length;
  return {
    columns: names,
    tensor(rows) {
      const n = rows.length;
      const data = new Float32Array(n * w);
      for (let i = 0; i < n; i++) {
        const row = rows[i]!;
        for (let j = 0; j < w; j++) {
          const v = fns[j]!(row, i);
          if (!Number.isFinite(v)) throw new RangeError(`feature column "${names[j]}" is ${v} for row ${i}`);
          data[i * w + j] = v;
        }
      }
      return { data, dims: [n, w] };
    },
  };
}
