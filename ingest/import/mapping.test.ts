import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { DEFAULT_NULL_VALUES, parseMapping, resolveColumns } from './mapping';
import { TAOBAO_MAPPING } from './presets';
import example from './examples/taobao.mapping.json';
import shopExample from './examples/shop-export.mapping.json';

const base = {
  fields: { userId: 'user', itemId: 'item', type: 'action', ts: 'time' },
  tsUnit: 'ms',
  eventId: { concat: ['user', 'item', 'time'] },
};

/** The key named by the IMPORT_MAPPING_INVALID error thrown by `fn`. */
function badKey(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CodedError);
    expect((err as CodedError).code).toBe(ErrorCode.IMPORT_MAPPING_INVALID);
    return String((err as CodedError).details.key);
  }
  throw new Error('expected IMPORT_MAPPING_INVALID');
}

describe('parseMapping', () => {
  it('applies defaults', () => {
    const m = parseMapping(base);
    expect(m).toMatchObject({ name: 'csv', delimiter: ',', quote: '"', header: true, trim: true, idPrefix: '', ignore: [] });
    expect(m.eventTypes).toBeNull();
    expect(m.eventId).toEqual({ concat: ['user', 'item', 'time'], separator: ':' });
  });

  it('is idempotent on its own output', () => {
    const m = parseMapping(base);
    expect(parseMapping(m)).toEqual(m);
    const shop = parseMapping(shopExample);
    expect(parseMapping(shop)).toEqual(shop);
  });

  it('defaults: tsUnit auto in UTC, the default null tokens, no fallbacks, value on every type, flat categories', () => {
    const { tsUnit: _unit, ...noUnit } = base;
    expect(parseMapping(noUnit)).toMatchObject({
      tsUnit: 'auto',
      tsZone: 'UTC',
      nullValues: [...DEFAULT_NULL_VALUES],
      fallbacks: {},
      valueTypes: null,
      categoryPath: null,
    });
    expect(DEFAULT_NULL_VALUES).toEqual(expect.arrayContaining(['NA', 'null']));
  });

  it('reads the shop example: several category columns, a fallback, value types, a path separator', () => {
    const m = parseMapping(shopExample);
    expect(m.fields.category).toEqual(['category_code', 'category_id']);
    expect(m).toMatchObject({ fallbacks: { userId: ['user_session'] }, valueTypes: ['purchase'], categoryPath: '.', tsUnit: 'auto' });
    const cols = resolveColumns(m, ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session']);
    expect(cols.categories).toEqual([4, 3]);
    expect(cols.fallbacks).toEqual({ userId: [8] });
    expect(cols.fields).toMatchObject({ userId: 7, value: 6, price: 6 });
  });

  it.each([
    [{ ...base, delimeter: ';' }, 'delimeter'],
    [{ ...base, fields: { ...base.fields, user: 'x' } }, 'fields.user'],
    [{ ...base, fields: { itemId: 'item', type: 'action', ts: 'time' } }, 'fields.userId'],
    [{ ...base, fields: { ...base.fields, ts: -1 } }, 'fields.ts'],
    [{ ...base, fields: { ...base.fields, userId: '$line' } }, 'fields.userId'],
    [{ ...base, tsUnit: 'seconds' }, 'tsUnit'],
    [{ ...base, eventTypes: { pv: 'pageview' } }, 'eventTypes.pv'],
    [{ ...base, eventTypes: { pv: 'view' }, ignore: ['pv'] }, 'ignore'],
    [{ ...base, constants: { type: 'click' } }, 'constants.type'],
    [{ ...base, fields: { userId: 'user', itemId: 'item', ts: 'time' }, constants: { type: 'tap' } }, 'constants.type'],
    [{ ...base, constants: { value: -3 } }, 'constants.value'],
    [{ ...base, eventId: undefined }, 'eventId'],
    [{ ...base, eventId: { column: 'id', hash: ['a'] } }, 'eventId'],
    [{ ...base, eventId: { hash: [] } }, 'eventId.hash'],
    [{ ...base, eventId: { hash: ['a'], separator: '-' } }, 'eventId.separator'],
    [{ ...base, eventId: { concat: ['a'], salt: 'x' } }, 'eventId.salt'],
    [{ ...base, quote: "''" }, 'quote'],
    [{ ...base, delimiter: '' }, 'delimiter'],
    [{ ...base, header: 'no' }, 'header'],
    [{ ...base, columns: ['a', 'b'] }, 'columns'],
    [{ ...base, header: false, columns: ['a', 'a'] }, 'columns'],
    [{ ...base, categorySeparator: '' }, 'categorySeparator'],
    [{ ...base, categoryPath: 3 }, 'categoryPath'],
    [{ ...base, categoryPath: '|', categorySeparator: '|' }, 'categoryPath'],
    [{ ...base, fields: { ...base.fields, category: [] } }, 'fields.category'],
    [{ ...base, fields: { ...base.fields, category: ['a', -1] } }, 'fields.category[1]'],
    [{ ...base, fields: { ...base.fields, title: ['a', 'b'] } }, 'fields.title'],
    [{ ...base, fallbacks: { userid: 'sid' } }, 'fallbacks.userid'],
    [{ ...base, fallbacks: { session: 'sid' } }, 'fallbacks.session'],
    [{ ...base, fallbacks: { userId: [] } }, 'fallbacks.userId'],
    [{ ...base, fallbacks: ['sid'] }, 'fallbacks'],
    [{ ...base, nullValues: 'NA' }, 'nullValues'],
    [{ ...base, valueTypes: ['buy'] }, 'valueTypes'],
    [{ ...base, valueTypes: [] }, 'valueTypes'],
    [{ ...base, tsZone: 'CET' }, 'tsZone'],
    [{ ...base, tsUnit: 'us' }, 'tsUnit'],
    [[], '(root)'],
  ])('rejects %j naming %s', (input, key) => {
    expect(badKey(() => parseMapping(input))).toBe(key);
  });

  it('accepts a constant type and $line in the eventId', () => {
    const m = parseMapping({
      fields: { userId: 0, itemId: 1, ts: 2 },
      header: false,
      constants: { type: 'click' },
      tsUnit: 'iso',
      eventId: { hash: [0, 1, '$line'] },
    });
    expect(m.constants.type).toBe('click');
    expect(m.eventId).toEqual({ hash: [0, 1, '$line'] });
  });
});

describe('resolveColumns', () => {
  it('resolves names against the header, $line to -1', () => {
    const m = parseMapping({ ...base, eventId: { concat: ['user', '$line'] } });
    const cols = resolveColumns(m, ['time', 'user', 'action', 'item']);
    expect(cols.fields).toEqual({ userId: 1, itemId: 3, type: 2, ts: 0 });
    expect(cols.eventId).toEqual([1, -1]);
    expect(cols.count).toBe(4);
  });

  it('names a missing column', () => {
    const m = parseMapping(base);
    expect(badKey(() => resolveColumns(m, ['user', 'item', 'action']))).toBe('fields.ts');
    const withFallback = parseMapping({ ...base, fallbacks: { userId: 'sid' } });
    expect(badKey(() => resolveColumns(withFallback, ['user', 'item', 'action', 'time']))).toBe('fallbacks.userId');
  });

  it('does not count unnamed trailing header columns (a delimiter at the end of every line)', () => {
    const m = parseMapping(base);
    expect(resolveColumns(m, ['user', 'item', 'action', 'time', '', '']).count).toBe(4);
  });

  it('rejects names on a header-less file without a columns list', () => {
    const m = parseMapping({ ...base, header: false });
    expect(badKey(() => resolveColumns(m, null))).toBe('fields.userId');
  });

  it('with indexes only, knows the minimum width but not the count', () => {
    const m = parseMapping({ ...base, header: false, fields: { userId: 0, itemId: 4, type: 1, ts: 2 }, eventId: { column: 6 } });
    const cols = resolveColumns(m, null);
    expect(cols.count).toBeNull();
    expect(cols.minCount).toBe(7);
  });
});

describe('taobao example mapping', () => {
  it('parses to the preset (description aside)', () => {
    const { description: _a, ...fromFile } = parseMapping(example);
    const { description: _b, ...preset } = TAOBAO_MAPPING;
    expect(fromFile).toEqual(preset);
  });
});
