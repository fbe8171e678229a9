import { gowallaIds, itemDegrees, parseSplit, row, rowHas, splitStats } from './gowalla';

// user 0: train 5 1 3 (unsorted), test 2; user 1: train 4 4 (duplicate), test 0 6;
// user 2: train 1, no test line; blank and CRLF lines are ignored.
const TRAIN = '0 5 1 3\r\n1 4 4\n\n2 1\n';
const TEST = '0 2\n1 6 0\n';

describe('parseSplit', () => {
  it('builds sorted, de-duplicated CSR rows with LightGCN id ranges', () => {
    const s = parseSplit(TRAIN, TEST);
    expect(s.numUsers).toBe(3);
    expect(s.numItems).toBe(7); // largest item id 6 (test of user 1) + 1
    expect(Array.from(row(s.train, 0))).toEqual([1, 3, 5]);
    expect(Array.from(row(s.train, 1))).toEqual([4]);
    expect(Array.from(row(s.train, 2))).toEqual([1]);
    expect(Array.from(row(s.test, 1))).toEqual([0, 6]);
    expect(Array.from(row(s.test, 2))).toEqual([]);
    expect(Array.from(s.train.indptr)).toEqual([0, 3, 4, 5]);
  });

  it('keeps only users below maxUsers', () => {
    const s = parseSplit(TRAIN, TEST, { maxUsers: 1 });
    expect(s.numUsers).toBe(1);
    expect(s.numItems).toBe(6); // items 1, 3, 5, 2 -> largest 5
    expect(Array.from(s.test.items)).toEqual([2]);
  });

  it('rejects a bad token with its file and line, and a repeated user', () => {
    expect(() => parseSplit('0 1\n1 x\n', '')).toThrow('train:2: "x"');
    expect(() => parseSplit('0 1\n0 2\n', '')).toThrow('user 0 appears on two lines');
    expect(() => parseSplit('', '', { maxUsers: 0 })).toThrow(RangeError);
  });

  it('answers membership, degrees, ids and stats', () => {
    const s = parseSplit(TRAIN, TEST);
    expect(rowHas(s.train, 0, 3)).toBe(true);
    expect(rowHas(s.train, 0, 2)).toBe(false);
    expect(rowHas(s.train, 2, 1)).toBe(true);
    // item 1 is in users 0 and 2; item 4 in user 1 (once after de-duplication).
    expect(Array.from(itemDegrees(s.train, s.numItems))).toEqual([0, 2, 0, 1, 1, 1, 0]);
    expect(gowallaIds(2)).toEqual(['gowalla:0', 'gowalla:1']);
    expect(splitStats(s)).toEqual({
      users: 3,
      items: 7,
      trainInteractions: 5,
      testInteractions: 3,
      trainUsers: 3,
      testUsers: 2,
      density: 5 / 21,
    });
  });
});
