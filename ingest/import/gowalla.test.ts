import { GOWALLA_TS, gowallaLineEvents } from './gowalla';
import { progressLine } from './progress';

const o = { split: 'train' as const, type: 'click' as const, idPrefix: 'gowalla:', now: Date.UTC(2024, 0, 1) };

describe('gowallaLineEvents', () => {
  it('turns "user item item" into one event per item with documented ids and ts', () => {
    const out = gowallaLineEvents('12 345 6', 1, o);
    expect(out).toEqual({
      events: [
        { eventId: 'gowalla:train:12:345', userId: 'gowalla:12', itemId: 'gowalla:345', type: 'click', ts: GOWALLA_TS, value: 0, dwellMs: null, session: null, referrer: null, query: null },
        { eventId: 'gowalla:train:12:6', userId: 'gowalla:12', itemId: 'gowalla:6', type: 'click', ts: GOWALLA_TS, value: 0, dwellMs: null, session: null, referrer: null, query: null },
      ],
    });
    expect(new Date(GOWALLA_TS).toISOString()).toBe('2010-10-01T00:00:00.000Z');
  });

  it('uses the split, type and prefix options', () => {
    const out = gowallaLineEvents('3 4', 1, { ...o, split: 'test', type: 'view', idPrefix: '' });
    expect('events' in out && out.events[0]).toMatchObject({ eventId: 'test:3:4', userId: '3', itemId: '4', type: 'view' });
  });

  it('a user without items gives no events; an empty line neither', () => {
    expect(gowallaLineEvents('7', 1, o)).toEqual({ events: [] });
    expect(gowallaLineEvents('   ', 1, o)).toEqual({ events: [] });
  });

  it.each([
    ['x 1 2', 'userId'],
    ['1 2 b3', 'itemId'],
    ['1 -2', 'itemId'],
  ])('reports %j on %s with the line number', (line, field) => {
    expect(gowallaLineEvents(line, 9, o)).toEqual({ error: expect.objectContaining({ line: 9, field, code: 'IMPORT_ROW_INVALID' }) });
  });
});

describe('progressLine', () => {
  it('shows percentage, sizes, events, rate and ETA', () => {
    const line = progressLine('taobao', 1048576, 4194304, 5000, 2000);
    expect(line).toBe('[import taobao] 25.0% 1.0/4.0 MB, 5000 events, 2500 events/s, ETA 6s');
  });
});
