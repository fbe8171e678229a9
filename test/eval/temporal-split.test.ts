/**
 * The events/temporal split on domain InteractionEvents (any source), the time/flag parsing and
 * the model selection: pure, no I/O.
 */
import type { InteractionEvent } from '../../domain/events';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { LogRow } from '../../eval/datasets/event-log';
import { logSpan } from '../../eval/datasets/event-log';
import { selectTemporalModels } from '../../eval/protocols/temporal-models';
import { parseInstant, parseWindow, sourceFromFlags } from '../../eval/protocols/temporal-source';
import { resolveCut, splitAtCut } from '../../eval/protocols/temporal-split';

const ev = (userId: string, itemId: string, type: InteractionEvent['type'], ts: number): LogRow => ({
  event: { eventId: `${userId}:${itemId}:${type}:${ts}`, userId, itemId, type, ts, value: 0, dwellMs: null, session: null, referrer: null, query: null },
  item: null,
  line: ts,
});

/** The coded error a call throws (fails the test when it throws nothing or something else). */
function codedError(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CodedError) return err;
    throw err;
  }
  throw new Error('expected a CodedError');
}

describe('splitAtCut on InteractionEvents', () => {
  const rows = [
    ev('b', 'x', 'view', 5),
    ev('a', 'x', 'purchase', 1),
    ev('a', 'y', 'view', 10),
    ev('a', 'z', 'click', 11),
    ev('a', 'w', 'purchase', 12),
    ev('c', 'x', 'add_to_cart', 13),
    ev('b', 'y', 'view', 20),
  ];
  const s = splitAtCut(rows, 10, 20);

  it('trains on the events before the cut, in source order', () => {
    expect(s.train.map((r) => r.event.eventId)).toEqual(['b:x:view:5', 'a:x:purchase:1']);
    expect([...s.trainItems].sort()).toEqual(['x']);
    expect(s.trainEvents.get('a')).toBe(1);
  });

  it('labels [cut, end): click = click or view, purchase = purchase; the end is exclusive', () => {
    expect([...s.windows.keys()]).toEqual(['a', 'c']);
    const a = s.windows.get('a')!;
    expect([...a.clicked].sort()).toEqual(['y', 'z']);
    expect([...a.purchased]).toEqual(['w']);
    expect([...a.touched].sort()).toEqual(['w', 'y', 'z']);
    expect(s.windows.get('c')!.clicked.size).toBe(0);
    expect(s.evalEvents).toBe(4);
    expect(s.afterEnd).toBe(1);
  });

  it('spans a log from its first event to its last + 1 ms', () => {
    expect(logSpan(rows)).toEqual({ start: 1, end: 21 });
    expect(logSpan([])).toBeNull();
  });
});

describe('time arguments', () => {
  it('reads ISO-8601 (no offset = UTC) and epoch ms', () => {
    expect(parseInstant('2024-01-03', '--cut')).toBe(Date.UTC(2024, 0, 3));
    expect(parseInstant('2024-01-03T12:00', '--cut')).toBe(Date.UTC(2024, 0, 3, 12));
    expect(parseInstant('2017-12-02T00:00:00+08:00', '--cut')).toBe(Date.UTC(2017, 11, 1, 16));
    expect(parseInstant('1512144000000', '--cut')).toBe(1512144000000);
    expect(parseWindow('2024-01-01..2024-01-11')).toEqual({ start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 11) });
  });

  it.each([
    ['yesterday', '--cut'],
    ['2024-13-45T99:00', '--cut'],
  ])('rejects the instant %s naming the flag', (text, flag) => {
    const e = codedError(() => parseInstant(text, flag));
    expect(e.code).toBe(ErrorCode.EVAL_ARGUMENT_INVALID);
    expect(e.details.flag).toBe(flag);
    expect(e.message).toMatch(/^--cut: /);
  });

  it.each(['2024-01-01', '2024-01-01..', '..2024-01-02', '2024-01-02..2024-01-01', '2024-01-01..2024-01-02..2024-01-03', 'a..b'])('rejects the window %s naming --window', (text) => {
    const e = codedError(() => parseWindow(text));
    expect(e.code).toBe(ErrorCode.EVAL_ARGUMENT_INVALID);
    expect(e.details.flag).toBe('--window');
  });

  it('rejects a cut outside the window or a bad length, naming the flag that set it', () => {
    const w = { start: 0, end: 10 * 24 * 3600 * 1000 };
    expect(codedError(() => resolveCut(w, { cutTs: w.end })).details.flag).toBe('--cut');
    expect(codedError(() => resolveCut(w, { cutTs: -5 })).details.flag).toBe('--cut');
    expect(codedError(() => resolveCut(w, { evalDays: 0 })).details.flag).toBe('--eval-days');
    expect(codedError(() => resolveCut(w, { evalDays: 10 })).details.flag).toBe('--eval-days');
    expect(codedError(() => resolveCut(w, { evalFraction: 1 })).details.flag).toBe('--eval-fraction');
    expect(resolveCut(w, { cutTs: 5 })).toBe(5);
  });
});

describe('data source flags', () => {
  it('defaults to the taobao preset and takes --file/--mapping or --db', () => {
    expect(sourceFromFlags({})).toEqual({ kind: 'preset', preset: 'taobao' });
    expect(sourceFromFlags({ file: 'a.csv', mapping: 'm.json' })).toEqual({ kind: 'csv', file: 'a.csv', mapping: 'm.json' });
    expect(sourceFromFlags({ db: 's.db' })).toEqual({ kind: 'db', path: 's.db' });
  });
  it.each([
    [{ db: 's.db', file: 'a.csv' }, '--db'],
    [{ mapping: 'm.json' }, '--mapping'],
    [{ mapping: 'm.json', file: 'a.csv', preset: 'taobao' }, '--mapping'],
    [{ preset: 'nope', file: 'a.csv' }, '--preset'],
  ])('rejects %j naming %s', (flags, flag) => {
    expect(codedError(() => sourceFromFlags(flags)).details.flag).toBe(flag);
  });
});

describe('model selection', () => {
  const scorerIds = ['baseline/commercial', 'baseline/item-knn', 'baseline/affinity', 'baseline/popularity'];
  it('keeps the default list, with strategy:default the candidate', () => {
    const ms = selectTemporalModels({ scorerIds });
    expect(ms.map((m) => [m.id, m.role])).toEqual([
      ['strategy:default', 'candidate'],
      ['strategy:commercial-only', 'baseline'],
      ['strategy:item-knn-only', 'baseline'],
      ['strategy:affinity-only', 'baseline'],
      ['strategy:popularity-only', 'baseline'],
    ]);
  });
  it('turns every registered scorer id into a <scorer>-only strategy', () => {
    const ms = selectTemporalModels({ models: ['default', 'baseline/popularity'], scorerIds });
    expect(ms.map((m) => m.id)).toEqual(['strategy:default', 'strategy:popularity-only']);
    expect(ms[1]!.strategy.scorers).toEqual([{ id: 'baseline/popularity', weight: 1 }]);
  });
  it('rejects an unknown id naming --models, and a clash naming --strategy', () => {
    expect(codedError(() => selectTemporalModels({ models: ['mf/bpr'], scorerIds })).details.flag).toBe('--models');
    expect(codedError(() => selectTemporalModels({ strategyFiles: ['/nonexistent/x.json'], scorerIds })).details.flag).toBe('--strategy');
  });
});
