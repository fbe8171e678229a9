/**
 * Set of (a, b) pairs of non-negative int32s: open addressing with linear probing on two
 * Int32Arrays (about 16 bytes per pair at the maximum load of 1/2). Used to know whether a
 * (user, item) interaction is the first one, which drives distinct-user degrees.
 */
export class PairSet {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keysA = new Int32Array(cap);
    this.keysB = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Add (a, b); true when it was not present. */
  add(a: number, b: number): boolean {
    if ((this.count + 1) * 2 > this.keysA.length) this.grow();
    const slot = this.find(a, b);
    if (this.keysA[slot] !== 0) return false;
    this.keysA[slot] = a + 1;
    this.keysB[slot] = b;
    this.count++;
    return true;
  }

  has(a: number, b: number): boolean {
    return this.keysA[this.find(a, b)] !== 0;
  }

  /** Slot holding (a, b), or the empty slot where it would go. */
  private find(a: number, b: number): number {
    const ka = a + 1;
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x27d4eb2f);
    h ^= h >>> 13;
    let slot = h & this.mask;
    for (;;) {
      const cur = this.keysA[slot] as number;
      if (cur === 0 || (cur === ka && this.keysB[slot] === b)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldA = this.keysA;
    const oldB = this.keysB;
    this.keysA = new Int32Array(oldA.length * 2);
    this.keysB = new Int32Array(oldB.length * 2);
    this.mask = this.keysA.length - 1;
    for (let i = 0; i < oldA.length; i++) {
      const ka = oldA[i] as number;
      if (ka === 0) continue;
      const slot = this.find(ka - 1, oldB[i] as number);
      this.keysA[slot] = ka;
      this.keysB[slot] = oldB[i] as number;
    }
  }
}
