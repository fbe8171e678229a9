import { ErrorCode } from '../../errors/codes';
import { parseMapping, resolveColumns } from './mapping';
import { TAOBAO_MAPPING } from './presets';
import { buildEventId, createRowConverter, type RowOutcome } from './row';
import { parseTs } from './timestamp';

const NOW = Date.UTC(2024, 0, 1);
const taobao = createRowConverter(TAOBAO_MAPPING, resolveColumns(TAOBAO_MAPPING, null), NOW);

function event(out: RowOutcome) {
  if (out.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(out)}`);
  return out;
}
function error(out: RowOutcome) {
  if (out.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(out)}`);
  return out.error;
}

describe('taobao preset rows', () => {
  it('maps a row to a prefixed event and an item category', () => {
    const out = event(taobao.convert(['1', '2268318', '2520377', 'buy', '1511544070'], 7));
    expect(out.event).toEqual({
      eventId: 'taobao:1:2268318:buy:1511544070',
      userId: 'taobao:1',
      itemId: 'taobao:2268318',
      type: 'purchase',
      ts: 1511544070000,
      value: 0,
      dwellMs: null,
      session: null,
      referrer: null,
      query: null,
    });
    expect(out.item).toEqual({ id: 'taobao:2268318', categories: ['taobao:2520377'], title: null, price: null, brand: null });
  });

  it.each([
    ['pv', 'view'],
    ['cart', 'add_to_cart'],
    ['fav', 'wishlist'],
  ])('maps %s to %s', (name, type) => {
    expect(event(taobao.convert(['1', '2', '3', name, '1511544070'], 1)).event.type).toBe(type);
  });

  it('keeps rows outside the official window (they are valid events)', () => {
    expect(event(taobao.convert(['1', '2', '3', 'pv', '1211544070'], 1)).event.ts).toBe(1211544070000);
  });

  it('gives the same eventId for the same row and different ids for different rows', () => {
    const a = event(taobao.convert(['5', '6', '7', 'pv', '1511544070'], 1)).event.eventId;
    const b = event(taobao.convert(['5', '6', '7', 'pv', '1511544070'], 99)).event.eventId;
    const c = event(taobao.convert(['5', '6', '7', 'pv', '1511544071'], 1)).event.eventId;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('honours an idPrefix override', () => {
    const conv = createRowConverter(TAOBAO_MAPPING, resolveColumns(TAOBAO_MAPPING, null), NOW, 'tb/');
    const out = event(conv.convert(['1', '2', '3', 'pv', '1511544070'], 1));
    expect([out.event.eventId, out.event.userId, out.event.itemId, out.item?.categories]).toEqual(['tb/1:2:pv:1511544070', 'tb/1', 'tb/2', ['tb/3']]);
  });

  it.each([
    [['1', '2', '3', 'pv'], 'row', /expected 5 columns, got 4/],
    [['1', '2', '3', 'pv', '15115x', 'extra'], 'row', /expected 5 columns, got 6/],
    [['1', '2', '3', 'pv', '15115x'], 'ts', /not a timestamp/],
    [['1', '2', '3', 'click', '1511544070'], 'type', /unmapped event name "click"/],
    [['', '2', '3', 'pv', '1511544070'], 'userId', /required/],
    [['1', '', '3', 'pv', '1511544070'], 'itemId', /required/],
    [['1', '2', '3', 'pv', '4102444800'], 'ts', /future/],
    [['1', '2', '3', 'pv', '100'], 'ts', /before 1990/],
  ])('reports %j as a row error on %s', (record, field, message) => {
    const e = error(taobao.convert(record, 42));
    expect(e).toMatchObject({ code: ErrorCode.IMPORT_ROW_INVALID, line: 42, field });
    expect(e.message).toMatch(message);
  });
});

describe('generic mappings', () => {
  const shop = parseMapping({
    name: 'shop',
    fields: {
      userId: 'uid',
      itemId: 'sku',
      type: 'ev',
      ts: 'when',
      value: 'amount',
      dwellMs: 'dwell',
      query: 'q',
      category: 'cats',
      price: 'price',
      title: 'name',
      session: 'sid',
    },
    constants: { referrer: 'newsletter' },
    tsUnit: 'iso',
    eventTypes: { buy: 'purchase', look: 'view', find: 'search' },
    ignore: ['heartbeat'],
    categorySeparator: '|',
    eventId: { hash: ['uid', 'sku', 'ev', 'when'] },
  });
  const header = ['uid', 'sku', 'ev', 'when', 'amount', 'dwell', 'q', 'cats', 'price', 'name', 'sid'];
  const conv = createRowConverter(shop, resolveColumns(shop, header), NOW);
  const row = (over: Partial<Record<string, string>>): string[] =>
    header.map(
      (h) => over[h] ?? { uid: 'u1', sku: 's1', ev: 'buy', when: '2023-05-01T10:00:00Z', amount: '19.5', dwell: '', q: '', cats: 'shoes| red ', price: '9.75', name: 'Red shoe', sid: 'x' }[h] ?? '',
    );

  it('maps every kind of field', () => {
    const out = event(conv.convert(row({}), 2));
    expect(out.event).toMatchObject({
      userId: 'u1',
      itemId: 's1',
      type: 'purchase',
      ts: Date.parse('2023-05-01T10:00:00Z'),
      value: 19.5,
      dwellMs: null,
      session: 'x',
      referrer: 'newsletter',
      query: null,
    });
    expect(out.event.eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(out.item).toEqual({ id: 's1', categories: ['shoes', 'red'], title: 'Red shoe', price: 9.75, brand: null });
  });

  it('a blank id with a prefix is still missing (trim off)', () => {
    const m = parseMapping({ ...JSON.parse(JSON.stringify(shop)), trim: false, idPrefix: 'shop:' });
    const c = createRowConverter(m, resolveColumns(m, header), NOW);
    expect(error(c.convert(row({ uid: '   ' }), 2))).toMatchObject({ field: 'userId', message: 'is required' });
  });

  it('hash ids are deterministic and sensitive to every chosen column', () => {
    const a = event(conv.convert(row({}), 2)).event.eventId;
    expect(event(conv.convert(row({ amount: '1' }), 3)).event.eventId).toBe(a);
    expect(event(conv.convert(row({ sku: 's2' }), 2)).event.eventId).not.toBe(a);
  });

  it('ignores listed event names and rejects unmapped ones', () => {
    expect(conv.convert(row({ ev: 'heartbeat' }), 2)).toEqual({ kind: 'ignored' });
    expect(error(conv.convert(row({ ev: 'view' }), 2)).field).toBe('type');
  });

  it('normalises search queries and allows itemless searches', () => {
    const out = event(conv.convert(row({ ev: 'find', sku: '', q: '  Red   SHOES ' }), 2));
    expect(out.event).toMatchObject({ type: 'search', itemId: null, query: 'red shoes' });
    expect(out.item).toBeNull();
    expect(error(conv.convert(row({ ev: 'find', sku: '' }), 2)).field).toBe('query');
  });

  it.each([
    [{ amount: 'abc' }, 'value'],
    [{ amount: '-1' }, 'value'],
    [{ dwell: '1.2.3' }, 'dwellMs'],
    [{ price: 'cheap' }, 'price'],
    [{ price: '-2' }, 'price'],
    [{ when: 'yesterday' }, 'ts'],
  ])('reports %j on %s', (over, field) => {
    expect(error(conv.convert(row(over), 5)).field).toBe(field);
  });
});

describe('helpers', () => {
  it('parseTs reads s, ms and iso', () => {
    expect(parseTs('1511544070', 's')).toBe(1511544070000);
    expect(parseTs('1511544070.5', 's')).toBe(1511544070500);
    expect(parseTs(' 1511544070000 ', 'ms')).toBe(1511544070000);
    expect(parseTs('2017-11-25T00:00:00Z', 'iso')).toBe(Date.UTC(2017, 10, 25));
    expect(parseTs('2017-11-25 08:30:00+08:00', 'iso')).toBe(Date.UTC(2017, 10, 25, 0, 30));
    expect(parseTs('2017-11-25 08:30', 'iso')).toBe(Date.UTC(2017, 10, 25, 8, 30));
    expect(parseTs('bad-1', 'iso')).toBeNaN();
    expect(parseTs('', 's')).toBeNaN();
    expect(parseTs('12a', 'ms')).toBeNaN();
  });

  it('buildEventId separates parts unambiguously when hashing', () => {
    expect(buildEventId(['a', 'bc'], 'concat', '-')).toBe('a-bc');
    expect(buildEventId(['a', 'bc'], 'hash')).not.toBe(buildEventId(['ab', 'c'], 'hash'));
    expect(buildEventId(['a', 'bc'], 'hash')).toBe(buildEventId(['a', 'bc'], 'hash'));
  });
});
