import { TAOBAO_WINDOW, parseTaobaoLines, taobaoLocalTime } from './taobao';

// The first rows of the public head file, plus two rows the importer rejects.
const SAMPLE = [
  '1,2268318,2520377,pv,1511544070',
  '1,2333346,2520771,pv,1511561733',
  '',
  '1,3830808,4181361,buy,1511593493',
  '1,4365585,2520377,cart,1511596146',
  '1,4365585,2520377,zz,1511596146',
  '2,5002615,2520377,fav',
  '2,5002615,2520377,fav,1511596146,extra',
];

describe('Taobao loader', () => {
  const log = parseTaobaoLines(SAMPLE, { now: Date.UTC(2024, 0, 1) });

  it('converts rows exactly as the importer does (prefix, type mapping, ms, category)', () => {
    expect(log.lines).toBe(7);
    expect(log.rows.map((r) => r.event.type)).toEqual(['view', 'view', 'purchase', 'add_to_cart']);
    const first = log.rows[0]!;
    expect(first.event).toMatchObject({
      eventId: 'taobao:1:2268318:pv:1511544070',
      userId: 'taobao:1',
      itemId: 'taobao:2268318',
      ts: 1511544070000,
      value: 0,
    });
    expect(first.item?.categories).toEqual(['taobao:2520377']);
    expect(first.line).toBe(1);
    expect(log.rows[2]!.line).toBe(4);
  });

  it('reports the rows the importer rejects, by line and field', () => {
    expect(log.rowErrors.map((e) => [e.line, e.field])).toEqual([
      [6, 'type'],
      [7, 'row'],
      [8, 'row'],
    ]);
  });

  it('stops after maxLines non-empty lines', () => {
    expect(parseTaobaoLines(SAMPLE, { maxLines: 3 }).rows).toHaveLength(3);
  });

  it('reads the official window in China Standard Time', () => {
    // 2017-11-25T00:00+08:00 = 2017-11-24T16:00Z = 1511539200 s
    expect(TAOBAO_WINDOW.start).toBe(1511539200000);
    expect(TAOBAO_WINDOW.end - TAOBAO_WINDOW.start).toBe(9 * 24 * 3600 * 1000);
    expect(taobaoLocalTime(1512144000000)).toBe('2017-12-02T00:00:00+08:00');
  });
});
