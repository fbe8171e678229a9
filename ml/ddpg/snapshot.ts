/**
 * An actor as plain JSON (what the policy publishes and every gateway instance serves): layer
 * sizes, the action range and the float32 parameters base64-encoded (little-endian), so a
 * snapshot decodes to bit-identical weights.
 */
import { checkRange } from './agent';
import { mlpParamCount, type Mlp } from './mlp';

export interface ActorSnapshot {
  readonly sizes: readonly number[];
  readonly range: readonly [number, number];
  /** Float32 little-endian parameters, base64. */
  readonly params: string;
}

/** Float32 parameters as little-endian bytes (bit-identical on any host); shared with the IRA Q-network versions. */
export function encodeParams(params: Float32Array): Uint8Array {
  const bytes = new Uint8Array(params.length * 4);
  const view = new DataView(bytes.buffer);
  params.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

/** The parameters of `encodeParams` bytes; throws RangeError (naming `what`) on a wrong count or a non-finite weight. */
export function decodeParams(bytes: Uint8Array, count: number, what: string): Float32Array {
  if (bytes.length !== count * 4) throw new RangeError(`${what}: expected ${count} parameters, got ${bytes.length / 4}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const params = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    params[i] = view.getFloat32(i * 4, true);
    if (!Number.isFinite(params[i]!)) throw new RangeError(`${what}: parameter ${i} is not finite`);
  }
  return params;
}

export function encodeActor(actor: Mlp, range: readonly [number, number]): ActorSnapshot {
  return { sizes: [...actor.sizes], range: [range[0], range[1]], params: Buffer.from(encodeParams(actor.params)).toString('base64') };
}

/** The actor of a snapshot; throws RangeError when it is malformed (sizes, range, parameter count, non-finite weights). */
export function decodeActor(s: ActorSnapshot): { actor: Mlp; range: readonly [number, number] } {
  if (!Array.isArray(s.sizes) || s.sizes.length < 2 || s.sizes.some((n) => !Number.isInteger(n) || n < 1) || s.sizes[s.sizes.length - 1] !== 1) {
    throw new RangeError('actor snapshot: sizes must be positive integers ending in 1');
  }
  checkRange(s.range);
  const params = decodeParams(Buffer.from(s.params, 'base64'), mlpParamCount(s.sizes), 'actor snapshot');
  return { actor: { sizes: [...s.sizes], params }, range: [s.range[0], s.range[1]] };
}
