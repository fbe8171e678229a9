import type { Logger } from 'pino';
import type { Principal } from '../services/access/access';
import { createRateLimiter } from '../services/access/rate-limit';
import { DEFAULT_RATE_LIMITS } from '../services/access/rate-limit-config';
import { ROLE_SCOPES, SCOPES } from '../services/access/scopes';
import { createRateLimitGate } from './rate-limit';

const principal = (keyId: string, role: Principal['role'] = 'analyst'): Principal => ({
  keyId,
  keyName: `name-${keyId}`,
  role,
  scopes: role === 'development' ? new Set(SCOPES) : ROLE_SCOPES[role],
  partner: null,
});

function setup() {
  let now = 0;
  let logNow = 0;
  const warn = jest.fn();
  const observeRateLimited = jest.fn();
  const gate = createRateLimitGate({
    limiter: createRateLimiter({ limits: { ...DEFAULT_RATE_LIMITS, analyst: { ratePerSec: 0.4, burst: 2 } }, clock: () => now }),
    metrics: { observeRateLimited },
    logger: { warn } as unknown as Logger,
    clock: () => logNow,
    logEveryMs: 60_000,
    logMaxKeys: 2,
  });
  return { gate, warn, observeRateLimited, advance: (ms: number) => void (now += ms), advanceLog: (ms: number) => void (logNow += ms) };
}

describe('rate-limit gate', () => {
  it('reports a refusal with Retry-After in whole seconds rounded up (2.5 s -> 3), the limit and the role', () => {
    const { gate, observeRateLimited } = setup();
    expect(gate.check(principal('a'))).toBeNull();
    expect(gate.check(principal('a'))).toBeNull();
    expect(gate.check(principal('a'))).toEqual({
      role: 'analyst',
      retryAfterMs: 2500,
      retryAfterSeconds: 3,
      limit: '0.4/s burst 2',
      message: 'This API key is over its rate limit (role analyst: 0.4/s burst 2); retry after 3 s',
    });
    expect(observeRateLimited).toHaveBeenCalledWith('analyst');
  });

  it('never says less than 1 s', () => {
    const { gate, advance } = setup();
    gate.check(principal('a'));
    gate.check(principal('a'));
    advance(2_499);
    expect(gate.check(principal('a'))).toMatchObject({ retryAfterMs: 1, retryAfterSeconds: 1 });
  });

  it("does not limit AUTH=off's development principal (there are no keys to tell apart)", () => {
    const { gate } = setup();
    for (let i = 0; i < 100; i++) expect(gate.check(principal('development', 'development'))).toBeNull();
  });

  it('logs the first refusal at once and sums later ones into at most one line per interval', () => {
    const { gate, warn, advanceLog } = setup();
    for (const k of ['a', 'b', 'c']) for (let i = 0; i < 2; i++) gate.check(principal(k));
    for (let i = 0; i < 500; i++) gate.check(principal('a'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatchObject({ refused: 1, keys: [{ keyId: 'a', keyName: 'name-a', role: 'analyst', refused: 1 }], otherKeys: 0 });
    for (let i = 0; i < 10; i++) gate.check(principal('b'));
    for (let i = 0; i < 5; i++) gate.check(principal('c'));
    advanceLog(59_999);
    gate.check(principal('a'));
    expect(warn).toHaveBeenCalledTimes(1);
    advanceLog(1);
    gate.check(principal('a'));
    expect(warn).toHaveBeenCalledTimes(2);
    // 499 + 2 more from a, 10 from b; c's 5 are counted but not named (logMaxKeys 2).
    expect(warn.mock.calls[1]![0]).toMatchObject({
      refused: 516,
      sinceMs: 60_000,
      keys: [
        { keyId: 'a', refused: 501 },
        { keyId: 'b', refused: 10 },
      ],
      otherKeys: 5,
    });
  });
});
