/**
 * The catalog on a real Redis: the conformance suite (a private `redis-server` for this file, a
 * fresh key prefix per test), plus what only Redis shows: the key layout, a Redis that is down
 * or goes away (CATALOG_UNAVAILABLE, fast), and a write the script refuses half-way.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { ErrorCode } from '../../errors/codes';
import { describeCatalogConformance, sampleChange, sampleDoc } from '../../publishing/catalog/conformance';
import { openCatalog } from '../../publishing/catalog/factory';
import { openRedisCatalog } from '../../publishing/catalog/redis';
import { startRedis, useRedisForThisFile } from '../support/redis';

const redisUrl = useRedisForThisFile();
const prefixFor = (namespace: string): string => `recgate-test:${namespace}:catalog`;
const quiet = (): void => undefined;

describeCatalogConformance('redis', (namespace) => openRedisCatalog({ url: redisUrl(), prefix: prefixFor(namespace), onError: quiet }));

/** A loopback port nothing listens on (bound, then released). */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

describe('Redis catalog (adapter-specific)', () => {
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(redisUrl());
  });
  afterAll(async () => {
    await raw.quit();
  });

  it('is what the factory opens when a Redis URL is set, and keeps the documented key layout', async () => {
    const prefix = prefixFor(randomUUID());
    const s = await openCatalog({ redisUrl: redisUrl(), sqlitePath: '/nonexistent/never-opened.db', redisPrefix: prefix, onError: quiet });
    expect(s.kind).toBe('redis');
    await s.write(0, sampleDoc(1), sampleChange(1));
    await s.write(1, sampleDoc(2), sampleChange(2));
    const blob = await s.putBlob(new Uint8Array([7, 8, 9]));
    await s.putBlob(Buffer.from([7, 8, 9]));
    expect(await raw.type(`${prefix}:doc`)).toBe('hash');
    expect(await raw.hget(`${prefix}:doc`, 'revision')).toBe('2');
    expect(JSON.parse((await raw.hget(`${prefix}:doc`, 'json'))!)).toEqual(sampleDoc(2));
    const entries = await raw.xrange(`${prefix}:changes`, '-', '+');
    expect(entries.map(([id, fields]) => [id, fields[0], JSON.parse(fields[1]!)])).toEqual([
      ['1-0', 'c', sampleChange(1)],
      ['2-0', 'c', sampleChange(2)],
    ]);
    expect(await raw.keys(`${prefix}:blob:*`)).toEqual([`${prefix}:blob:${blob.sha256}`]);
    expect([...(await raw.getBuffer(`${prefix}:blob:${blob.sha256}`))!]).toEqual([7, 8, 9]);
    expect(await raw.ttl(`${prefix}:blob:${blob.sha256}`)).toBe(-1);
    await s.close();
  });

  it('fails to open with CATALOG_UNAVAILABLE within 5 s when nothing listens on the port', async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const t0 = Date.now();
    await expect(openCatalog({ redisUrl: url, sqlitePath: '/nonexistent/never-opened.db', onError: quiet })).rejects.toMatchObject({
      code: ErrorCode.CATALOG_UNAVAILABLE,
      details: { operation: 'connect' },
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('fails each call with CATALOG_UNAVAILABLE within 3 s once Redis goes away, and reports the outage once', async () => {
    const own = await startRedis();
    const errors: Error[] = [];
    const s = await openRedisCatalog({ url: own.url, prefix: prefixFor(randomUUID()), onError: (e) => errors.push(e) });
    try {
      expect(await s.write(0, sampleDoc(1), sampleChange(1))).toBe(true);
      await own.stop();
      for (const [operation, call] of [
        ['read', () => s.read()],
        ['write', () => s.write(1, sampleDoc(2), sampleChange(2))],
        ['changesSince', () => s.changesSince(0)],
        ['putBlob', () => s.putBlob(new Uint8Array([1]))],
        ['getBlob', () => s.getBlob('0'.repeat(64))],
      ] as const) {
        const t0 = Date.now();
        await expect(call()).rejects.toMatchObject({ code: ErrorCode.CATALOG_UNAVAILABLE, details: { operation } });
        // About 1.5 s each (three reconnection attempts at most 0.5 s apart); 3 s leaves room for a loaded machine.
        expect(Date.now() - t0).toBeLessThan(3_000);
      }
      expect(errors.length).toBe(1);
    } finally {
      await s.close();
      await own.stop();
    }
  });

  it('answers CATALOG_UNAVAILABLE for a malformed stored document, and writes nothing when the log refuses the next revision', async () => {
    const prefix = prefixFor(randomUUID());
    const s = await openRedisCatalog({ url: redisUrl(), prefix, onError: quiet });
    try {
      expect(await s.write(0, sampleDoc(1), sampleChange(1))).toBe(true);
      // The document lost (say, deleted by hand) while the log still holds revision 1: the script's
      // XADD of 1-0 fails before the document is touched, so the catalog stays as it was.
      await raw.del(`${prefix}:doc`);
      await expect(s.write(0, sampleDoc(2), sampleChange(2))).rejects.toMatchObject({ code: ErrorCode.CATALOG_UNAVAILABLE, details: { operation: 'write' } });
      expect(await raw.exists(`${prefix}:doc`)).toBe(0);
      expect(await raw.xlen(`${prefix}:changes`)).toBe(1);
      await raw.hset(`${prefix}:doc`, 'revision', '1', 'json', '{not json');
      await expect(s.read()).rejects.toMatchObject({ code: ErrorCode.CATALOG_UNAVAILABLE, details: { operation: 'read' } });
    } finally {
      await s.close();
    }
  });
});
