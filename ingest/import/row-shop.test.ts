/** Row conversion with the shop-export features: null tokens, fallbacks, value types, category paths, trailing cells. */
import { parseMapping, resolveColumns } from './mapping';
import { createRowConverter, type RowOutcome } from './row';
import shopExample from './examples/shop-export.mapping.json';

const NOW = Date.UTC(2024, 0, 1);
const HEADER = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session'];
const shop = parseMapping(shopExample);
const conv = createRowConverter(shop, resolveColumns(shop, HEADER), NOW);
const row = (over: Partial<Record<string, string>> = {}): string[] =>
  HEADER.map(
    (h) =>
      over[h] ??
      ({
        event_time: '2019-10-01 00:00:00 UTC',
        event_type: 'purchase',
        product_id: '44600062',
        category_id: '2103807459595387724',
        category_code: 'appliances.kitchen.washer',
        brand: 'shiseido',
        price: '35.79',
        user_id: '541312140',
        user_session: '72d76fde-8bb3-4e00-8c23-a032dfb5f8a0',
      }[h] as string),
  );

function event(out: RowOutcome) {
  if (out.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(out)}`);
  return out;
}

describe('shop-export rows', () => {
  it('reads the REES46 example row: UTC time, prefixed ids, item facts, the hierarchy', () => {
    const out = event(conv.convert(row(), 2));
    expect(out.event).toMatchObject({
      userId: 'shop:541312140',
      itemId: 'shop:44600062',
      type: 'purchase',
      ts: Date.UTC(2019, 9, 1),
      value: 35.79,
      session: '72d76fde-8bb3-4e00-8c23-a032dfb5f8a0',
    });
    expect(out.item).toEqual({
      id: 'shop:44600062',
      categories: ['shop:appliances.kitchen.washer', 'shop:2103807459595387724'],
      title: null,
      price: 35.79,
      brand: 'shiseido',
    });
    expect(out.categories).toEqual([
      { id: 'shop:appliances', parent: null, name: 'appliances' },
      { id: 'shop:appliances.kitchen', parent: 'shop:appliances', name: 'kitchen' },
      { id: 'shop:appliances.kitchen.washer', parent: 'shop:appliances.kitchen', name: 'washer' },
      { id: 'shop:2103807459595387724', parent: null, name: '2103807459595387724' },
    ]);
  });

  it('views and carts carry no value; their price stays an item fact', () => {
    for (const type of ['view', 'cart']) {
      const out = event(conv.convert(row({ event_type: type, price: '12.5' }), 2));
      expect(out.event.value).toBe(0);
      expect(out.item?.price).toBe(12.5);
    }
  });

  it('a null user id falls back to the session; without a session the row fails on userId', () => {
    for (const na of ['NA', 'null', '', ' N/A ']) {
      expect(event(conv.convert(row({ user_id: na }), 2)).event.userId).toBe('shop:72d76fde-8bb3-4e00-8c23-a032dfb5f8a0');
    }
    const out = conv.convert(row({ user_id: 'NA', user_session: 'NA' }), 9);
    expect(out).toMatchObject({ kind: 'error', error: { line: 9, field: 'userId' } });
  });

  it('empty category code and brand: the item gets the category id only, no brand', () => {
    const out = event(conv.convert(row({ category_code: '', brand: '' }), 2));
    expect(out.item).toMatchObject({ categories: ['shop:2103807459595387724'], brand: null });
    expect(out.categories).toEqual([{ id: 'shop:2103807459595387724', parent: null, name: '2103807459595387724' }]);
  });

  it('ignores remove_from_cart, accepts empty trailing cells, rejects other extra cells', () => {
    expect(conv.convert(row({ event_type: 'remove_from_cart' }), 2)).toEqual({ kind: 'ignored' });
    expect(event(conv.convert([...row(), '', ' '], 2)).event.type).toBe('purchase');
    expect(conv.convert([...row(), 'x'], 4)).toMatchObject({ kind: 'error', error: { field: 'row', message: 'expected 9 columns, got 10' } });
  });

  it('a null token list of its own replaces the defaults', () => {
    const m = parseMapping({ ...shopExample, nullValues: ['-'] });
    const c = createRowConverter(m, resolveColumns(m, HEADER), NOW);
    expect(event(c.convert(row({ user_id: '-' }), 2)).event.userId).toBe('shop:72d76fde-8bb3-4e00-8c23-a032dfb5f8a0');
    expect(event(c.convert(row({ user_id: 'NA' }), 2)).event.userId).toBe('shop:NA');
  });

  it('tsZone applies to zone-less times; epoch seconds and ms are detected', () => {
    const m = parseMapping({ ...shopExample, tsZone: '+08:00' });
    const c = createRowConverter(m, resolveColumns(m, HEADER), NOW);
    expect(event(c.convert(row({ event_time: '2019-10-01 08:00:00' }), 2)).event.ts).toBe(Date.UTC(2019, 9, 1));
    expect(event(c.convert(row({ event_time: '2019-10-01 08:00:00 UTC' }), 2)).event.ts).toBe(Date.UTC(2019, 9, 1, 8));
    expect(event(conv.convert(row({ event_time: '1569888000' }), 2)).event.ts).toBe(Date.UTC(2019, 9, 1));
    expect(event(conv.convert(row({ event_time: '1569888000000' }), 2)).event.ts).toBe(Date.UTC(2019, 9, 1));
  });
});
