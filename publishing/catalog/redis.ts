/**
 * The published-scorer catalog on Redis (REDIS_URL; Redis >= 5): every gateway instance reads
 * and writes the same catalog.
 *
 * Keys, under a prefix (default `recgate:catalog`):
 * - `<prefix>:doc`: a hash, `revision` and `json` (the CatalogDoc). Absent: revision 0, empty.
 * - `<prefix>:changes`: a stream, one entry per accepted write with the explicit id
 *   `<revision>-0` and one field `c` (the change's JSON), so `changesSince(after)` is
 *   `XRANGE <after+1>-0 + COUNT <limit>`. The stream is never trimmed: the catalog changes a few
 *   times a day and the log is its audit trail (about 300 bytes an entry).
 * - `<prefix>:blob:<sha256>`: the blob's bytes, written with SET NX (content-addressed: a second
 *   put of the same bytes writes nothing).
 *
 * `write` is one Lua script (atomic on the server): it compares the stored revision with the
 * expected one, appends the change (XADD first: if the stream refuses the id, nothing was
 * written), then replaces the document. The doc and stream keys are not hash-tagged, so the
 * script needs a single Redis (not a cluster), as the rest of the gateway does.
 *
 * Fail fast: while Redis is down a command waits for at most three reconnection attempts, 0.5 s
 * apart at most (measured: every call failed within 1.52 s when the port refused), with a 3 s
 * connect timeout and a 5 s command timeout. Every Redis failure is CATALOG_UNAVAILABLE naming
 * the operation. ioredis keeps reconnecting in the background: the next call works once Redis is back.
 */
import Redis from 'ioredis';
import { changeRecord, checkBytes, checkLimit, checkRevision, checkSha256, guard, sha256Hex, toJson, verifiedBlob } from './common';
import { EMPTY_CATALOG, type CatalogChange, type CatalogChangeRecord, type CatalogDoc, type CatalogStore } from './port';

export interface RedisCatalogOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379/0`. Required. */
  readonly url: string;
  /** Key prefix; one per deployment (and per test). Default 'recgate:catalog'. */
  readonly prefix?: string;
  /** The first connection error of each outage (ioredis reconnects by itself). Default: `console.error`. */
  readonly onError?: (err: Error) => void;
}

export const DEFAULT_CATALOG_PREFIX = 'recgate:catalog';

const WRITE_LUA = `
local current = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
local revision = current + 1
redis.call('XADD', KEYS[2], string.format('%d-0', revision), 'c', ARGV[3])
redis.call('HSET', KEYS[1], 'revision', string.format('%d', revision), 'json', ARGV[2])
return 1`;

interface WithWrite {
  recgateCatalogWrite(docKey: string, changesKey: string, expected: number, docJson: string, changeJson: string): Promise<number>;
}

type StreamEntry = [id: string, fields: string[]];

function toRecord([id, fields]: StreamEntry): CatalogChangeRecord {
  const m = /^(\d+)-0$/.exec(id);
  const i = fields.indexOf('c');
  const json = i >= 0 ? fields[i + 1] : undefined;
  if (!m || json === undefined) throw new Error(`malformed catalog change entry ${id}`);
  return changeRecord(JSON.parse(json) as CatalogChange, Number(m[1]));
}

/** Connect to Redis (failing with CATALOG_UNAVAILABLE when it does not answer a PING) and open the catalog. */
export async function openRedisCatalog(opts: RedisCatalogOptions): Promise<CatalogStore> {
  const prefix = opts.prefix ?? DEFAULT_CATALOG_PREFIX;
  if (prefix === '') throw new RangeError('prefix must not be empty');
  const docKey = `${prefix}:doc`;
  const changesKey = `${prefix}:changes`;
  const blobKey = (sha256: string): string => `${prefix}:blob:${sha256}`;
  const onError = opts.onError ?? ((err: Error) => console.error(`[catalog] redis: ${err.message}`));

  // Reconnect delays capped at 0.5 s (ioredis's default grows to 2 s): a command waits for at most
  // three attempts, so during an outage every call fails within about 1.5 s instead of 6.
  // disconnectTimeout: ioredis arms a timer to destroy a socket that does not close after
  // `disconnect()`; on a socket that already failed it never fires early, holding the process 2 s.
  const redis = new Redis(opts.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(times * 50, 500),
    connectTimeout: 3_000,
    commandTimeout: 5_000,
    disconnectTimeout: 500,
  });
  redis.defineCommand('recgateCatalogWrite', { numberOfKeys: 2, lua: WRITE_LUA });
  // One report per outage: ioredis emits an error on every failed reconnection attempt.
  let reported = false;
  redis.on('error', (err: Error) => {
    if (reported) return;
    reported = true;
    onError(err);
  });
  redis.on('ready', () => {
    reported = false;
  });
  try {
    await guard('connect', () => redis.ping());
  } catch (err) {
    redis.disconnect();
    throw err;
  }

  let closed = false;
  const run = <T>(operation: string, fn: () => Promise<T>): Promise<T> =>
    guard(operation, () => {
      if (closed) throw new Error('the catalog store is closed');
      return fn();
    });

  return {
    kind: 'redis',
    read: () =>
      run('read', async () => {
        const [revision, json] = await redis.hmget(docKey, 'revision', 'json');
        if (revision === null || revision === undefined) return { revision: 0, doc: EMPTY_CATALOG };
        if (json === null || json === undefined || !/^\d+$/.test(revision)) throw new Error(`malformed catalog document under ${docKey}`);
        return { revision: Number(revision), doc: JSON.parse(json) as CatalogDoc };
      }),
    async write(expected, doc, change) {
      checkRevision('expected', expected);
      const docJson = toJson('doc', doc);
      const changeJson = toJson('change', change);
      return run('write', async () => (await (redis as unknown as WithWrite).recgateCatalogWrite(docKey, changesKey, expected, docJson, changeJson)) === 1);
    },
    async changesSince(after, limit) {
      checkRevision('after', after);
      const max = checkLimit(limit);
      return run('changesSince', async () => ((await redis.xrange(changesKey, `${after + 1}-0`, '+', 'COUNT', max)) as StreamEntry[]).map(toRecord));
    },
    async putBlob(bytes) {
      const sha256 = sha256Hex(checkBytes(bytes));
      return run('putBlob', async () => {
        await redis.set(blobKey(sha256), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'NX');
        return { sha256, bytes: bytes.byteLength };
      });
    },
    async getBlob(sha256) {
      checkSha256(sha256);
      return run('getBlob', async () => {
        const stored = await redis.getBuffer(blobKey(sha256));
        return stored === null ? null : verifiedBlob(sha256, stored);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
