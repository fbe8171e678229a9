import { ErrorCode } from '../errors/codes';
import { MAX_SETTINGS_BYTES, MAX_SETTINGS_DEPTH, parseScorerSettings } from './scorer-settings';
import { parseStrategy } from './strategy';

const field = 'strategy.scorers[0].settings';

function errorOf(fn: () => unknown): { code?: string; message: string; details?: { field?: string } } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a throw');
}

describe('scorer settings in a strategy entry', () => {
  it('keeps plain JSON as a frozen deep copy', () => {
    const input = { boost: 1.5, pick: 'i4', on: true, none: null, list: [1, { a: 'b' }], nested: { k: [0] } };
    const out = parseScorerSettings(input, field)!;
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(Object.isFrozen(out)).toBe(true);
    expect(Object.isFrozen(out.list)).toBe(true);
    expect(Object.isFrozen((out.list as unknown[])[1])).toBe(true);
    input.nested.k.push(1);
    expect(out.nested).toEqual({ k: [0] });
  });

  it('leaves an absent entry absent', () => {
    expect(parseScorerSettings(undefined, field)).toBeUndefined();
  });

  it.each([
    ['an array', [1, 2], field, 'must be an object'],
    ['a string', 'fast', field, 'must be an object'],
    ['null', null, field, 'must be an object'],
    ['a NaN inside', { a: [1, Number.NaN] }, `${field}.a[1]`, 'finite number'],
    ['an Infinity', { a: Number.POSITIVE_INFINITY }, `${field}.a`, 'finite number'],
    ['a Date', { when: new Date(0) }, `${field}.when`, 'must be JSON'],
    ['a Map', { m: new Map() }, `${field}.m`, 'must be JSON'],
    ['a function', { f: () => 1 }, `${field}.f`, 'must be JSON'],
    ['undefined inside', { u: undefined }, `${field}.u`, 'must be JSON'],
  ])('refuses %s with INVALID_STRATEGY naming the path', (_name, value, path, problem) => {
    const err = errorOf(() => parseScorerSettings(value, field));
    expect(err.code).toBe(ErrorCode.INVALID_STRATEGY);
    expect(err.details?.field).toBe(path);
    expect(err.message).toContain(problem);
  });

  it(`refuses nesting deeper than ${MAX_SETTINGS_DEPTH} levels and accepts exactly that deep`, () => {
    const nest = (levels: number): Record<string, unknown> => (levels === 1 ? { leaf: 1 } : { x: nest(levels - 1) });
    expect(parseScorerSettings(nest(MAX_SETTINGS_DEPTH), field)).toBeDefined();
    const err = errorOf(() => parseScorerSettings(nest(MAX_SETTINGS_DEPTH + 1), field));
    expect(err.message).toMatch(/nests deeper than 8 levels/);
  });

  it(`refuses more than ${MAX_SETTINGS_BYTES} bytes of JSON`, () => {
    expect(parseScorerSettings({ s: 'x'.repeat(MAX_SETTINGS_BYTES - 20) }, field)).toBeDefined();
    const err = errorOf(() => parseScorerSettings({ s: 'x'.repeat(MAX_SETTINGS_BYTES) }, field));
    expect(err.code).toBe(ErrorCode.INVALID_STRATEGY);
    expect(err.message).toContain(`at most ${MAX_SETTINGS_BYTES}`);
  });

  it('parseStrategy carries them on the entry and names the entry in errors', () => {
    const s = parseStrategy({
      scorers: [
        { id: 'a/b', weight: 1 },
        { id: 'c/d', weight: 1, settings: { pick: 'x' } },
      ],
    });
    expect(s.scorers[0]!.settings).toBeUndefined();
    expect(s.scorers[1]!.settings).toEqual({ pick: 'x' });
    expect(() =>
      parseStrategy({
        scorers: [
          { id: 'a/b', weight: 1 },
          { id: 'c/d', weight: 1, settings: { k: [Number.NaN] } },
        ],
      }),
    ).toThrow(/strategy\.scorers\[1\]\.settings\.k\[0\]: must be a finite number/);
  });
});
