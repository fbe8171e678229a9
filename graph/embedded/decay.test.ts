import { DecayedTable, decayFactor } from './decay';

const H = 1000;

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('decayFactor', () => {
  it('halves per half-life and is 1 for non-positive ages', () => {
    expect(decayFactor(H, H)).toBeCloseTo(0.5, 12);
    expect(decayFactor(3 * H, H)).toBeCloseTo(0.125, 12);
    expect(decayFactor(0, H)).toBe(1);
    expect(decayFactor(-5, H)).toBe(1);
  });
});

describe('DecayedTable', () => {
  it('matches the direct sum for events arriving in any order', () => {
    const rand = rng(7);
    const table = new DecayedTable(2, H, 1);
    const events: { row: number; col: number; ts: number; x: number }[] = [];
    for (let j = 0; j < 500; j++) {
      const e = { row: Math.floor(rand() * 5), col: Math.floor(rand() * 2), ts: Math.floor(rand() * 20 * H), x: 1 + rand() * 3 };
      events.push(e);
      table.ensureRows(e.row + 1);
      table.add(e.row, e.col, e.ts, e.x);
    }
    const asOf = 25 * H;
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 2; col++) {
        const expected = events.filter((e) => e.row === row && e.col === col).reduce((sum, e) => sum + e.x * Math.pow(2, -(asOf - e.ts) / H), 0);
        expect(table.valueAt(row, col, asOf)).toBeCloseTo(expected, 9);
      }
    }
  });

  it('reads a whole row exactly as valueAt reads each column, and zeros for an empty row', () => {
    const rand = rng(11);
    const table = new DecayedTable(4, H, 8);
    for (let j = 0; j < 200; j++) table.add(Math.floor(rand() * 6), Math.floor(rand() * 4), Math.floor(rand() * 10 * H), rand());
    const out = new Float64Array(4);
    for (let row = 0; row < 8; row++) {
      out.fill(7);
      table.rowAt(row, 12 * H, out, 3);
      for (let col = 0; col < 3; col++) expect(out[col]).toBe(table.valueAt(row, col, 12 * H));
      expect(out[3]).toBe(7);
    }
    table.rowAt(7, 12 * H, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it('keeps the reference at the newest event of the row and reads 0 for empty rows', () => {
    const table = new DecayedTable(1, H, 4);
    expect(table.ref(2)).toBe(-Infinity);
    expect(table.valueAt(2, 0, 10 * H)).toBe(0);
    table.add(2, 0, 5 * H, 1);
    table.add(2, 0, 3 * H, 1);
    expect(table.ref(2)).toBe(5 * H);
    expect(table.valueAt(2, 0, 5 * H)).toBeCloseTo(1.25, 12);
  });

  it('shares one weight across columns of the same event (advance + addWeighted)', () => {
    const table = new DecayedTable(2, H, 1);
    table.add(0, 0, 2 * H, 1);
    const w = table.advance(0, H);
    expect(w).toBeCloseTo(0.5, 12);
    table.addWeighted(0, 0, 1, w);
    table.addWeighted(0, 1, 4, w);
    expect(table.valueAt(0, 0, 2 * H)).toBeCloseTo(1.5, 12);
    expect(table.valueAt(0, 1, 3 * H)).toBeCloseTo(1, 12);
  });

  it('orders rows by rankKey exactly as by value, even when values underflow', () => {
    const table = new DecayedTable(1, H, 3);
    table.add(0, 0, 0, 1000);
    table.add(1, 0, 2000 * H, 1);
    table.add(2, 0, 2000 * H, 2);
    expect(table.valueAt(0, 0, 2000 * H)).toBe(0);
    expect(table.rankKey(2, 0)).toBeGreaterThan(table.rankKey(1, 0));
    expect(table.rankKey(1, 0)).toBeGreaterThan(table.rankKey(0, 0));
    expect(table.rankKey(0, 0)).toBeGreaterThan(-Infinity);
  });

  it('grows without losing values and rejects a non-positive half-life', () => {
    const table = new DecayedTable(3, H, 1);
    table.add(0, 2, 10, 7);
    table.ensureRows(100);
    table.add(99, 1, 10, 3);
    expect(table.valueAt(0, 2, 10)).toBe(7);
    expect(table.valueAt(99, 1, 10)).toBe(3);
    expect(() => new DecayedTable(1, 0)).toThrow(RangeError);
  });
});
