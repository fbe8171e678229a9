/**
 * Hashed random projection of an item id: a deterministic vector with entries ±1/√dims (unit
 * norm), computed on the fly from the id and a seed, with no table and no training. Two items
 * share a vector only by a hash collision (FNV-1a 32-bit, then a mulberry32 stream of sign bits),
 * so a sum of such vectors keeps which items a user touched, and how often, up to noise that
 * shrinks as 1/√dims (Johnson-Lindenstrauss).
 */

// Module-level aliases: global lookups are slow inside jest's vm contexts and these run per event.
const imul = Math.imul;
const sqrt = Math.sqrt;

/** 32-bit hash of an id under a seed: FNV-1a over the UTF-16 code units, then murmur3's finaliser. */
export function hashItemId(itemId: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < itemId.length; i++) {
    h ^= itemId.charCodeAt(i);
    h = imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * out[off + j] += weight · v(item)[j] for j < dims, where v(item)[j] = ±1/√dims with the sign
 * from bit j of a mulberry32 stream seeded by `hashItemId(itemId, seed)` (32 signs per draw).
 * Allocates nothing.
 */
export function addItemVector(itemId: string, seed: number, dims: number, weight: number, out: Float64Array, off: number): void {
  const s = weight / sqrt(dims);
  let a = hashItemId(itemId, seed);
  for (let base = 0; base < dims; base += 32) {
    // One mulberry32 step (ml/random.ts), inlined to avoid a closure per event.
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    const bits = (t ^ (t >>> 14)) >>> 0;
    const end = dims - base < 32 ? dims - base : 32;
    for (let b = 0; b < end; b++) out[off + base + b] = out[off + base + b]! + ((bits >>> b) & 1 ? s : -s);
  }
}

/** v(item) as a new array (for tests and for callers that want the vector itself). */
export function itemVector(itemId: string, seed: number, dims: number): Float64Array {
  const out = new Float64Array(dims);
  addItemVector(itemId, seed, dims, 1, out, 0);
  return out;
}
