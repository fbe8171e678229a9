/**
 * Fully connected layers for one example at a time: y = act(W·x + b), W row-major (out × in).
 * The backward pass takes ∂loss/∂y, adds ∂loss/∂W and ∂loss/∂b into the gradient vector and
 * returns ∂loss/∂x. Activations are kept per layer between forward and backward, so a layer
 * object serves one example at a time (the trainer loops over the batch).
 */
import { glorot, type ParamLayout, type Params, type Slot } from './params';

export type Activation = 'relu' | 'linear';

export interface Dense {
  readonly inputs: number;
  readonly outputs: number;
  /** y for input x (the returned array is reused by the next call). */
  forward(p: Params, x: ArrayLike<number>): Float64Array;
  /** Given ∂loss/∂y of the last forward, accumulate parameter gradients; returns ∂loss/∂x. */
  backward(p: Params, dy: ArrayLike<number>): Float64Array;
}

export function createDense(layout: ParamLayout, inputs: number, outputs: number, activation: Activation): Dense {
  const w: Slot = layout.add(inputs * outputs, glorot(inputs, outputs));
  const b: Slot = layout.add(outputs, { uniform: 0 });
  const x = new Float64Array(inputs);
  const y = new Float64Array(outputs);
  const dx = new Float64Array(inputs);
  const dz = new Float64Array(outputs);
  return {
    inputs,
    outputs,
    forward(p, input) {
      if (input.length !== inputs) throw new RangeError(`dense: ${input.length} inputs, expected ${inputs}`);
      const v = p.values;
      for (let i = 0; i < inputs; i++) x[i] = input[i]!;
      for (let o = 0; o < outputs; o++) {
        let s = v[b.offset + o]!;
        const row = w.offset + o * inputs;
        for (let i = 0; i < inputs; i++) s += v[row + i]! * x[i]!;
        y[o] = activation === 'relu' && s < 0 ? 0 : s;
      }
      return y;
    },
    backward(p, dy) {
      const v = p.values;
      const g = p.grads;
      dx.fill(0);
      for (let o = 0; o < outputs; o++) {
        dz[o] = activation === 'relu' && y[o]! <= 0 ? 0 : dy[o]!;
      }
      for (let o = 0; o < outputs; o++) {
        const d = dz[o]!;
        if (d === 0) continue;
        g[b.offset + o] = g[b.offset + o]! + d;
        const row = w.offset + o * inputs;
        for (let i = 0; i < inputs; i++) {
          g[row + i] = g[row + i]! + d * x[i]!;
          dx[i] = dx[i]! + d * v[row + i]!;
        }
      }
      return dx;
    },
  };
}

/** A stack of dense layers; hidden layers use ReLU, the last one `last`. */
export interface Mlp {
  readonly inputs: number;
  readonly outputs: number;
  forward(p: Params, x: ArrayLike<number>): Float64Array;
  backward(p: Params, dy: ArrayLike<number>): Float64Array;
}

/** `sizes` = [inputs, hidden..., outputs]; at least one layer. */
export function createMlp(layout: ParamLayout, sizes: readonly number[], last: Activation): Mlp {
  if (sizes.length < 2) throw new RangeError('mlp: need at least [inputs, outputs]');
  const layers: Dense[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) layers.push(createDense(layout, sizes[l]!, sizes[l + 1]!, l + 2 === sizes.length ? last : 'relu'));
  return {
    inputs: sizes[0]!,
    outputs: sizes[sizes.length - 1]!,
    forward(p, x) {
      let h: ArrayLike<number> = x;
      for (const layer of layers) h = layer.forward(p, h);
      return h as Float64Array;
    },
    backward(p, dy) {
      let d: ArrayLike<number> = dy;
      for (let l = layers.length - 1; l >= 0; l--) d = layers[l]!.backward(p, d);
      return d as Float64Array;
    },
  };
}
