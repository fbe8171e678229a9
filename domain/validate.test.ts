/** Per-event validation: ids, bounds, timestamps (pure). */
import { checkId, DEFAULT_EVENT_BOUNDS, validateEvent, type RawEvent } from './validate';

const NOW = Date.UTC(2026, 11, 1);
const base: RawEvent = { eventId: 'e1', userId: 'u1', type: 'purchase', itemId: 'i1', ts: NOW - 1000, value: 10 };
const problem = (patch: Partial<RawEvent>, bounds = DEFAULT_EVENT_BOUNDS): { field: string; message: string } | null => {
  const c = validateEvent({ ...base, ...patch }, NOW, bounds);
  return c.ok ? null : c.problem;
};

describe('checkId', () => {
  it('normalises to NFC and trims', () => {
    expect(checkId('userId', '  jose\u0301 ')).toEqual({ ok: true, value: 'jos\u00e9' });
  });

  it.each([
    ['NUL', 'a\u0000b', /control character \(U\+0000\)/],
    ['DEL', 'a\u007Fb', /control character \(U\+007F\)/],
    ['a C1 control', 'a\u0085b', /control character \(U\+0085\)/],
    ['a tab inside', 'a\tb', /control character \(U\+0009\)/],
    ['a lone high surrogate', 'a\uD83D', /lone surrogate/],
    ['a lone low surrogate', '\uDE00a', /lone surrogate/],
    ['RLO', 'a\u202Eb', /bidirectional.*U\+202E/],
    ['LRE', 'a\u202Ab', /bidirectional.*U\+202A/],
    ['FSI', 'a\u2068b', /bidirectional.*U\+2068/],
    ['PDI', 'a\u2069b', /bidirectional.*U\+2069/],
    ['ZWSP', 'a\u200Bb', /zero-width.*U\+200B/],
    ['ZWJ', 'a\u200Db', /zero-width.*U\+200D/],
    ['word joiner', 'a\u2060b', /zero-width.*U\+2060/],
    ['BOM inside', 'a\uFEFFb', /zero-width.*U\+FEFF/],
  ])('refuses %s', (_name, id, message) => {
    const c = checkId('userId', id);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.problem).toEqual({ field: 'userId', message: expect.stringMatching(message) });
  });

  it('keeps a valid surrogate pair (emoji) and other scripts', () => {
    expect(checkId('userId', 'u-\u{1F600}-\u4E2D')).toEqual({ ok: true, value: 'u-\u{1F600}-\u4E2D' });
  });

  it('refuses a non-string and an empty id', () => {
    expect(checkId('userId', 42)).toMatchObject({ ok: false, problem: { message: 'must be a string' } });
    expect(checkId('userId', ' ')).toMatchObject({ ok: false, problem: { message: 'must not be empty' } });
  });
});

describe('validateEvent bounds', () => {
  it('accepts values up to the bound and rejects past it, naming the field', () => {
    expect(problem({ value: 1_000_000 })).toBeNull();
    expect(problem({ value: 1_000_001 })).toEqual({ field: 'value', message: 'must be at most 1000000 (got 1000001)' });
    expect(problem({ value: 5 }, { ...DEFAULT_EVENT_BOUNDS, maxValue: 4 })?.field).toBe('value');
    expect(problem({ dwellMs: 86_400_001 })?.field).toBe('dwellMs');
  });

  it.each([
    ['NaN', Number.NaN, /finite/],
    ['Infinity', Number.POSITIVE_INFINITY, /finite/],
    ['text', '12', /must be a number \(got "12"\)/],
    ['an object', { x: 1 }, /must be a number/],
  ])('rejects a value of %s', (_name, value, message) => {
    expect(problem({ value })).toEqual({ field: 'value', message: expect.stringMatching(message) });
  });

  it('takes ts as a Date, ms, numeric text or ISO text; anything else names ts', () => {
    expect(problem({ ts: new Date(NOW - 5) })).toBeNull();
    expect(problem({ ts: String(NOW - 5) })).toBeNull();
    expect(problem({ ts: new Date(NOW - 5).toISOString() })).toBeNull();
    expect(problem({ ts: 'not a time' })?.field).toBe('ts');
    expect(problem({ ts: false })?.field).toBe('ts');
    expect(problem({ ts: 1e300 })).toEqual({ field: 'ts', message: 'is out of range' });
  });

  it('the future skew is configurable', () => {
    expect(problem({ ts: NOW + 60_000 })).toBeNull();
    expect(problem({ ts: NOW + 60_000 }, { ...DEFAULT_EVENT_BOUNDS, maxFutureSkewMs: 1000 })?.field).toBe('ts');
  });

  it('session and referrer follow the id rules', () => {
    expect(problem({ session: 's\u202E1' })?.field).toBe('session');
    expect(problem({ referrer: 'r\u0000' })?.field).toBe('referrer');
    expect(validateEvent({ ...base, session: ' s1 ' }, NOW)).toMatchObject({ ok: true, value: { session: 's1' } });
  });
});

describe('selling_point_click keyword', () => {
  const spc: Partial<RawEvent> = { type: 'selling_point_click', value: 0 };
  it('is required for a selling_point_click, naming keyword', () => {
    expect(problem(spc)).toEqual({ field: 'keyword', message: 'is required' });
    expect(problem({ ...spc, keyword: '   ' })).toEqual({ field: 'keyword', message: 'must not be empty' });
    expect(problem({ ...spc, keyword: 7 as unknown as string })).toEqual({ field: 'keyword', message: 'must be a string' });
  });

  it('is bounded and refuses control, bidi and zero-width characters', () => {
    expect(problem({ ...spc, keyword: 'x'.repeat(33) })).toEqual({ field: 'keyword', message: 'must be at most 32 characters (got 33)' });
    expect(problem({ ...spc, keyword: 'x'.repeat(32) })).toBeNull();
    expect(problem({ ...spc, keyword: 'free\u202Eship' })?.field).toBe('keyword');
    expect(problem({ ...spc, keyword: 'free\u0000' })?.field).toBe('keyword');
  });

  it('is stored normalised like a query, and null on other types', () => {
    expect(validateEvent({ ...base, ...spc, keyword: '  Free   SHIPPING ' }, NOW)).toMatchObject({ ok: true, value: { type: 'selling_point_click', keyword: 'free shipping' } });
    const ad = validateEvent({ ...base, type: 'ad_click', value: 0, keyword: 'free shipping', query: 'Lamp' }, NOW);
    expect(ad).toMatchObject({ ok: true, value: { type: 'ad_click', query: 'lamp' } });
    expect(ad.ok && ad.value).not.toHaveProperty('keyword');
  });
});
