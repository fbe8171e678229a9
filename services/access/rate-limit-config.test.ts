import { loadConfig } from '../../config/config';
import { CodedError } from '../../errors/errors';
import { DEFAULT_RATE_LIMITS, describeRateLimit, formatRateLimits, parseRateLimits } from './rate-limit-config';
import { ROLES } from './scopes';

describe('RATE_LIMITS grammar', () => {
  it('is the defaults when empty, and merges entries over them', () => {
    expect(parseRateLimits('')).toEqual(DEFAULT_RATE_LIMITS);
    const limits = parseRateLimits(' partner=50/s:100 , frontend=0.5/s:1');
    expect(limits).toEqual({ ...DEFAULT_RATE_LIMITS, partner: { ratePerSec: 50, burst: 100 }, frontend: { ratePerSec: 0.5, burst: 1 } });
  });

  it('has a default for every role, and the formatted defaults parse back to themselves', () => {
    expect(Object.keys(DEFAULT_RATE_LIMITS).sort()).toEqual([...ROLES].sort());
    const text = formatRateLimits(DEFAULT_RATE_LIMITS);
    expect(text).toBe('frontend=500/s:1000,ingest=100/s:200,analyst=20/s:40,admin=20/s:40,partner=5/s:10,monitor=10/s:20');
    expect(parseRateLimits(text)).toEqual(DEFAULT_RATE_LIMITS);
    expect(describeRateLimit({ ratePerSec: 500, burst: 1000 })).toBe('500/s burst 1000');
  });

  it('reads `off`', () => {
    expect(parseRateLimits('off')).toBe('off');
    expect(formatRateLimits('off')).toBe('off');
  });

  it.each([
    ['frontend=500:1000', /"frontend=500:1000" is not <role>=<rate>\/s:<burst>/],
    ['frontend=500/m:1000', /"frontend=500\/m:1000" is not/],
    ['frontend=500/s', /"frontend=500\/s" is not/],
    ['frontend=500/s:1000,', /"" is not/],
    ['visitor=5/s:10', /unknown role "visitor"/],
    ['frontend=5/s:10,frontend=6/s:12', /role frontend is given twice/],
    ['frontend=0/s:10', /rate must be > 0/],
    ['frontend=2000000/s:10', /rate must be > 0 and ≤ 1000000/],
    ['frontend=5/s:0', /burst must be a whole number in \[1, 1000000\]/],
    ['frontend=5/s:1.5', /is not/],
    ['frontend=-5/s:10', /is not/],
    ['OFF', /"OFF" is not/],
  ])('refuses %j naming the bad part', (raw, message) => {
    expect(() => parseRateLimits(raw)).toThrow(message);
  });
});

describe('RATE_LIMITS in the config', () => {
  it('defaults to the per-role defaults (on)', () => {
    expect(loadConfig({}).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
  });

  it('refuses to start on a bad value with CONFIG_INVALID naming the variable and the entry', () => {
    let caught: unknown;
    try {
      loadConfig({ RATE_LIMITS: 'frontend=500/s:1000,ingest=fast' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CodedError);
    expect(caught).toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'RATE_LIMITS' } });
    expect((caught as Error).message).toMatch(/^RATE_LIMITS="frontend=500\/s:1000,ingest=fast": "ingest=fast" is not <role>=<rate>\/s:<burst>/);
  });

  it('honours `off` only with NODE_ENV=development, like AUTH=off', () => {
    expect(() => loadConfig({ RATE_LIMITS: 'off' })).toThrow(/RATE_LIMITS=off is honoured only with NODE_ENV=development/);
    expect(() => loadConfig({ RATE_LIMITS: 'off', NODE_ENV: 'production' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', details: { field: 'RATE_LIMITS' } }));
    expect(loadConfig({ RATE_LIMITS: 'off', NODE_ENV: 'development' }).rateLimits).toBe('off');
  });
});
