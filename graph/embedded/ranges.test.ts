import { createRowRanges } from './ranges';

describe('RowRanges', () => {
  it('covers exactly the rows added, merging adjacent ranges', () => {
    const r = createRowRanges();
    r.add(0, 3); // rows 1..3
    r.add(3, 5); // adjacent: one range 1..5
    r.add(9, 9); // empty: ignored
    r.add(10, 12); // rows 11..12
    expect(r.size).toBe(2);
    expect(r.top()).toBe(12);
    const covered = [];
    for (let id = 1; id <= 14; id++) if (r.covers(id)) covered.push(id);
    expect(covered).toEqual([1, 2, 3, 4, 5, 11, 12]);
    // Asking past a range drops it.
    expect(r.size).toBe(0);
  });

  it('refuses a range below the previous one, and clear forgets everything', () => {
    const r = createRowRanges();
    r.add(5, 8);
    expect(() => r.add(6, 9)).toThrow(RangeError);
    r.clear();
    expect(r.top()).toBe(0);
    expect(r.covers(7)).toBe(false);
    r.add(1, 2);
    expect(r.covers(2)).toBe(true);
  });

  it('keeps answering across many ranges (compaction)', () => {
    const r = createRowRanges();
    for (let k = 0; k < 1000; k++) r.add(10 * k, 10 * k + 5);
    let hits = 0;
    for (let id = 1; id <= 10_000; id++) if (r.covers(id)) hits++;
    expect(hits).toBe(5000);
    expect(r.size).toBe(0);
  });
});
