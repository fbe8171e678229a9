/**
 * The input layer: one embedding table per categorical field (stored as one slot, rows offset per
 * field), concatenated with the dense inputs: x = [Em_1(c_1) … Em_F(c_F), dense]. Index 0 of each
 * field is conventionally "missing or unseen"; the layer itself only checks the range.
 */
import type { ParamLayout, Params, Slot } from './params';

export interface EmbeddingInput {
  /** Width of x: fields × dim + dense. */
  readonly outputs: number;
  /** x for one example: `cat` = one index per field, `dense` = the dense inputs. */
  forward(p: Params, cat: ArrayLike<number>, dense: ArrayLike<number>): Float64Array;
  /** Accumulate ∂loss/∂(embedding rows used by the last forward) from ∂loss/∂x. */
  backward(p: Params, dx: ArrayLike<number>): void;
}

export interface EmbeddingShape {
  /** Categories per field (index 0..cardinality−1). */
  readonly cardinalities: readonly number[];
  /** Embedding width, the same for every field. */
  readonly dim: number;
  /** Dense inputs appended after the embeddings. */
  readonly denseDim: number;
}

/** Initial embedding values are uniform in ±EMBEDDING_INIT. */
export const EMBEDDING_INIT = 0.05;

export function createEmbeddingInput(layout: ParamLayout, shape: EmbeddingShape): EmbeddingInput {
  const { cardinalities, dim, denseDim } = shape;
  const fields = cardinalities.length;
  if (fields > 0 && !(Number.isInteger(dim) && dim >= 1)) throw new RangeError(`embedding: dim ${dim}`);
  if (!Number.isInteger(denseDim) || denseDim < 0) throw new RangeError(`embedding: denseDim ${denseDim}`);
  const fieldRow: number[] = [];
  let rows = 0;
  for (const c of cardinalities) {
    if (!Number.isInteger(c) || c < 1) throw new RangeError(`embedding: cardinality ${c}`);
    fieldRow.push(rows);
    rows += c;
  }
  const table: Slot | null = rows > 0 && dim > 0 ? layout.add(rows * dim, { uniform: EMBEDDING_INIT }) : null;
  const outputs = fields * dim + denseDim;
  const x = new Float64Array(outputs);
  const used = new Int32Array(fields);
  return {
    outputs,
    forward(p, cat, dense) {
      if (cat.length !== fields || dense.length !== denseDim) throw new RangeError(`embedding: got ${cat.length} fields + ${dense.length} dense, expected ${fields} + ${denseDim}`);
      const v = p.values;
      for (let f = 0; f < fields; f++) {
        const c = cat[f]!;
        if (!Number.isInteger(c) || c < 0 || c >= cardinalities[f]!) throw new RangeError(`embedding: field ${f} index ${c} outside 0..${cardinalities[f]! - 1}`);
        const base = table!.offset + (fieldRow[f]! + c) * dim;
        used[f] = base;
        for (let k = 0; k < dim; k++) x[f * dim + k] = v[base + k]!;
      }
      for (let j = 0; j < denseDim; j++) x[fields * dim + j] = dense[j]!;
      return x;
    },
    backward(p, dx) {
      const g = p.grads;
      for (let f = 0; f < fields; f++) {
        const base = used[f]!;
        for (let k = 0; k < dim; k++) g[base + k] = g[base + k]! + dx[f * dim + k]!;
      }
    },
  };
}
