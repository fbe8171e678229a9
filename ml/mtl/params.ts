/**
 * One flat parameter vector per network (so one Adam state covers it), laid out in two phases:
 * layers reserve slots while the network is built, then `build` allocates the values (seeded
 * initialisation) and a gradient vector of the same shape. Slots are offsets, not views, so a
 * snapshot or a restored copy of `values` needs no rewiring.
 */
import { mulberry32 } from '../random';

/** A reserved range of the parameter vector. */
export interface Slot {
  readonly offset: number;
  readonly size: number;
}

/** How a slot starts: uniform in ±limit (0 gives zeros). */
export interface SlotInit {
  readonly uniform: number;
}

export interface Params {
  /** All parameters of the network. */
  readonly values: Float32Array;
  /** ∂loss/∂values, accumulated by the backward passes; zero it between steps. */
  readonly grads: Float32Array;
}

export interface ParamLayout {
  /** Reserve `size` parameters initialised by `init`. */
  add(size: number, init: SlotInit): Slot;
  /** Parameters reserved so far. */
  readonly size: () => number;
  /** Allocate and initialise (mulberry32(seed), in reservation order). */
  build(seed: number): Params;
}

export function createParamLayout(): ParamLayout {
  const slots: Array<{ slot: Slot; init: SlotInit }> = [];
  let next = 0;
  return {
    size: () => next,
    add(size, init) {
      if (!Number.isInteger(size) || size <= 0) throw new RangeError(`params: slot size ${size}`);
      const slot = { offset: next, size };
      slots.push({ slot, init });
      next += size;
      return slot;
    },
    build(seed) {
      const rnd = mulberry32(seed);
      const values = new Float32Array(next);
      for (const { slot, init } of slots) {
        if (init.uniform === 0) continue;
        for (let i = 0; i < slot.size; i++) values[slot.offset + i] = (2 * rnd() - 1) * init.uniform;
      }
      return { values, grads: new Float32Array(next) };
    },
  };
}

/** Glorot/Xavier uniform limit of a fan-in × fan-out weight matrix. */
export function glorot(fanIn: number, fanOut: number): SlotInit {
  return { uniform: Math.sqrt(6 / (fanIn + fanOut)) };
}
