import { ErrorCode } from '../../errors/codes';
import { row } from './gowalla';
import { detectFormat, parseSplitFiles } from './interactions';

const items = (s: { itemIds: readonly string[] }, r: Int32Array): string[] => Array.from(r, (i) => s.itemIds[i]!);

function thrown(f: () => unknown): { code?: unknown; message: string; details?: unknown } {
  try {
    f();
  } catch (err) {
    return err as { code?: unknown; message: string; details?: unknown };
  }
  throw new Error('expected a throw');
}

describe('pair files', () => {
  it('maps string ids to dense indices shared by train and test, with a header and comma separators', () => {
    const train = 'user_id,item_id\r\nalice,sku-9\nbob, sku-1\nalice,sku-1\nalice,sku-9\n\n';
    const test = 'bob,sku-9\ncarol,sku-new\n';
    const { format, split } = parseSplitFiles(train, test);
    expect(format).toBe('pairs');
    expect(split.userIds).toEqual(['alice', 'bob', 'carol']);
    expect(split.itemIds).toEqual(['sku-9', 'sku-1', 'sku-new']);
    expect([split.numUsers, split.numItems]).toEqual([3, 3]);
    expect(items(split, row(split.train, 0))).toEqual(['sku-9', 'sku-1']); // duplicate pair counted once, rows in index order
    expect(items(split, row(split.train, 1))).toEqual(['sku-1']);
    expect(items(split, row(split.test, 1))).toEqual(['sku-9']);
    expect(items(split, row(split.test, 2))).toEqual(['sku-new']);
    expect(Array.from(row(split.train, 2))).toEqual([]);
  });

  it('reads whitespace-separated pairs without a header, and keeps the first maxUsers users', () => {
    const { format, split } = parseSplitFiles('u1 a\nu2\tb\nu1   c\nu3 a\n', 'u2 a\nu3 b\n', { maxUsers: 2 });
    expect(format).toBe('pairs');
    expect(split.userIds).toEqual(['u1', 'u2']);
    expect(split.itemIds).toEqual(['a', 'b', 'c']); // u3's lines are skipped, so they add no item
    expect(items(split, row(split.train, 0))).toEqual(['a', 'c']);
    expect(items(split, row(split.test, 1))).toEqual(['a']);
  });

  it('fails on a malformed line with EVAL_DATA_INVALID naming the file and line', () => {
    const e = thrown(() => parseSplitFiles('u1,a\nu2,b,7\n', 'u1,b\n', { trainName: 'data/train.csv' }));
    expect(e.code).toBe(ErrorCode.EVAL_DATA_INVALID);
    expect(e.message).toContain('data/train.csv:2: expected "user item"');
    expect(e.message).toContain('got 3 field(s)');
    expect(e.details).toEqual({ file: 'data/train.csv', line: 2 });
    const empty = thrown(() => parseSplitFiles('u1,a\n', 'u1,b\n,c\n', { testName: 'test.csv' }));
    expect([empty.code, empty.message.startsWith('test.csv:2:')]).toEqual([ErrorCode.EVAL_DATA_INVALID, true]);
    const forced = thrown(() => parseSplitFiles('u1 a b\n', '', { format: 'pairs' }));
    expect(forced.message).toContain('train:1:');
  });
});

describe('format detection', () => {
  it('tells pairs from LightGCN lists per file', () => {
    expect(detectFormat('0 1 2 3\n1 4\n')).toBe('lists');
    expect(detectFormat('user item\n0 1\n')).toBe('pairs');
    expect(detectFormat('0,1\n')).toBe('pairs');
    expect(detectFormat('0 1\n0 2\n')).toBe('pairs'); // a user on two lines
    expect(detectFormat('a 1\n')).toBe('pairs');
    expect(detectFormat('0 1\n1 2\n')).toBe('either');
  });

  it("gives an ambiguous file the other file's format, and reads LightGCN lists as before", () => {
    const lists = parseSplitFiles('0 5 1 3\n1 4\n', '0 2\n1 6\n');
    expect(lists.format).toBe('lists');
    expect(lists.split.itemIds[6]).toBe('gowalla:6');
    expect(Array.from(row(lists.split.test, 1))).toEqual([6]);
    expect(parseSplitFiles('u 1\nu 2\n', '0 2\n1 6\n').format).toBe('pairs');
    expect(parseSplitFiles('0 1\n1 2\n', '0 2\n').format).toBe('lists');
  });

  it('refuses files in different formats, and a list line with a non-integer id', () => {
    const mixed = thrown(() => parseSplitFiles('0 1 2\n', 'a,b\n', { trainName: 'tr', testName: 'te' }));
    expect(mixed.code).toBe(ErrorCode.EVAL_DATA_INVALID);
    expect(mixed.message).toContain('tr looks like lists and te like pairs');
    const bad = thrown(() => parseSplitFiles('0 1 2\n1 x 3\n', '', { trainName: 'train.txt' }));
    expect([bad.code, bad.details]).toEqual([ErrorCode.EVAL_DATA_INVALID, { file: 'train.txt', line: 2 }]);
  });
});
