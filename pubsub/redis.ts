/**
 * Redis Streams value-change log (REDIS_URL; Redis >= 7.0): one stream that every gateway
 * appends to and reads from, so a change computed on instance A reaches partners on instance B.
 *
 * - Cursor = stream entry id (`<ms>-<seq>`, Redis's clock): monotonic across all gateways.
 * - append: one Lua script per batch (atomic, contiguous): `XADD key MINID ~ <now - retention> *`.
 *   Trimming is approximate (whole radix-tree nodes), so entries may outlive the window a little;
 *   they are never dropped early. The script reads Redis's own TIME, so gateway clocks don't matter.
 * - Expiry: the time rule uses Redis TIME; the floor is XINFO's `max-deleted-entry-id` (exact
 *   record of trimming), the newest issued cursor its `last-generated-id`.
 * - Live delivery: one blocking XREAD loop per log on a dedicated connection, fanned out in
 *   memory (pubsub/fanout.ts) to this gateway's subscribers: 1,000 subscribers cost one reader.
 * - Replay: XRANGE pages, each in a MULTI with XINFO, so a page that raced a trim is detected.
 * - If the reader loses Redis for longer than the retention (its position was trimmed) or the
 *   stream was reset, every subscription ends with CURSOR_EXPIRED rather than skip silently.
 * - Reset detection: the append script records the first entry id of every new incarnation of the
 *   stream under `<key>:first` (set when XADD creates the key: after a FLUSHALL, a replaced Redis,
 *   or a deleted stream). Everything before that id is the floor: a cursor from an older
 *   incarnation answers CURSOR_EXPIRED, even once new changes were appended after it.
 * - Commands fail fast when Redis is down (one retry per command, `commandTimeoutMs`): callers
 *   (the outbox, pubsub/outbox.ts) retry; nothing waits on ioredis's offline queue for long.
 */
import Redis from 'ioredis';
import type { ValueChange } from '../domain/user-value';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { checkResumable, compareCursors, formatCursor, ORIGIN, parseAfter, parseCursor, type Cursor, type LogBounds } from './cursor';
import { createFanout, type Entry } from './fanout';
import { DEFAULT_RETENTION_MS, type ValueChangeLog, type ValueChangeLogOptions } from './port';

export interface RedisLogOptions extends ValueChangeLogOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379/0`. Required. */
  readonly url: string;
  /** Stream key; one per deployment (and per test). Default 'recgate:value-changes'. */
  readonly key?: string;
  /** Connection and reader errors (ioredis reconnects by itself). Default: `console.error`. */
  readonly onError?: (err: Error) => void;
  /** XREAD BLOCK timeout, ms. Default 5,000. */
  readonly blockMs?: number;
  /** Deadline of one command on the command connection (append, snapshots), ms. Default 5,000. */
  readonly commandTimeoutMs?: number;
}

const PAGE = 500;

const APPEND_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local minid = string.format('%d-0', math.max(0, now - tonumber(ARGV[1])))
local fresh = redis.call('EXISTS', KEYS[1]) == 0
local ids = {}
for i = 2, #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*', 'c', ARGV[i])
end
if fresh then redis.call('SET', KEYS[2], ids[1]) end
return ids`;

type StreamEntry = [id: string, fields: string[]];
interface WithAppend {
  recgateValueAppend(key: string, firstKey: string, retentionMs: number, ...changes: string[]): Promise<string[]>;
}

function toEntry([id, fields]: StreamEntry): Entry {
  const at = parseCursor(id);
  const i = fields.indexOf('c');
  if (!at || i < 0 || fields[i + 1] === undefined) throw new Error(`malformed value-change entry ${id}`);
  return { at, c: { cursor: id, loggedAt: at.ms, change: JSON.parse(fields[i + 1]!) as ValueChange } };
}

/** The cursor just before `c`. */
const before = (c: Cursor): Cursor => (c.seq > 0 ? { ms: c.ms, seq: c.seq - 1 } : { ms: c.ms - 1, seq: Number.MAX_SAFE_INTEGER });

/**
 * XINFO STREAM's flat reply (and the incarnation's first id) -> floor/newest. Trimming does not move `max-deleted-entry-id` (only
 * XDEL does), so the floor is also derived from the first entry still held: if the stream ever
 * dropped an entry, everything before that first entry may be gone. A missing stream has issued
 * nothing and dropped nothing.
 */
function streamBounds(info: unknown, first: unknown): { floor: Cursor; newest: Cursor } {
  if (!Array.isArray(info)) return { floor: ORIGIN, newest: ORIGIN };
  const born = typeof first === 'string' ? parseCursor(first) : undefined;
  const value = (name: string): unknown => {
    const i = info.indexOf(name);
    return i >= 0 ? info[i + 1] : undefined;
  };
  const cursor = (name: string): Cursor => (typeof value(name) === 'string' ? parseCursor(value(name) as string) : undefined) ?? ORIGIN;
  const newest = cursor('last-generated-id');
  let floor = cursor('max-deleted-entry-id');
  const length = Number(value('length'));
  const added = Number(value('entries-added'));
  if (added > length) {
    // Something was trimmed: the floor is just before the first held entry (all if none is held).
    const beforeFirst = length === 0 ? newest : before(cursor('recorded-first-entry-id'));
    if (compareCursors(beforeFirst, floor) > 0) floor = beforeFirst;
  }
  // This incarnation of the stream began at `born`: whatever came before it is gone.
  if (born && compareCursors(before(born), floor) > 0) floor = before(born);
  return { floor, newest };
}

const isNoSuchKey = (err: Error | null): boolean => err !== null && /no such key/i.test(err.message);

export function createRedisValueChangeLog(opts: RedisLogOptions): ValueChangeLog {
  const key = opts.key ?? 'recgate:value-changes';
  const retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
  const blockMs = opts.blockMs ?? 5_000;
  const firstKey = `${key}:first`;
  const onError = opts.onError ?? ((err: Error) => console.error(`[value-change log] ${err.message}`));
  if (!(retentionMs > 0)) throw new RangeError(`retentionMs must be > 0 (got ${retentionMs})`);

  const cmd = new Redis(opts.url, { lazyConnect: false, maxRetriesPerRequest: 1, commandTimeout: opts.commandTimeoutMs ?? 5_000 });
  cmd.defineCommand('recgateValueAppend', { numberOfKeys: 2, lua: APPEND_LUA });
  cmd.on('error', onError);
  let reader: Redis | undefined;
  let readerStarted: Promise<void> | undefined;
  let readerDone: Promise<void> = Promise.resolve();
  let readerPos: Cursor = ORIGIN;
  const fanout = createFanout();
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'value-change log is closed');
  };

  /** One atomic snapshot: Redis TIME, the stream's bounds and (optionally) a page after `from`. */
  async function snapshot(from?: Cursor): Promise<LogBounds & { page: Entry[] }> {
    const m = cmd.multi().time().xinfo('STREAM', key).get(firstKey);
    if (from) m.xrange(key, `(${formatCursor(from)}`, '+', 'COUNT', PAGE);
    const res = (await m.exec()) ?? [];
    const [timeRes, infoRes, firstRes, pageRes] = res;
    if (!timeRes || timeRes[0]) throw timeRes?.[0] ?? new Error('MULTI was aborted');
    if (infoRes?.[0] && !isNoSuchKey(infoRes[0])) throw infoRes[0];
    if (firstRes?.[0]) throw firstRes[0];
    if (pageRes?.[0]) throw pageRes[0];
    const [sec, usec] = timeRes[1] as [string, string];
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    const bounds = streamBounds(infoRes?.[0] ? undefined : infoRes?.[1], firstRes?.[1]);
    const page = ((pageRes?.[1] as StreamEntry[] | undefined) ?? []).map(toEntry);
    return { now, retentionMs, ...bounds, page };
  }

  // Set when the reader's connection dropped: on its return, the stream may have been reset.
  let failed = false;
  async function readLoop(conn: Redis): Promise<void> {
    while (!closed) {
      try {
        if (failed) {
          // Back from an outage: were changes owed to subscribers trimmed, or the stream reset?
          const b = await snapshot();
          if (compareCursors(readerPos, b.floor) < 0 || compareCursors(readerPos, b.newest) > 0) {
            fanout.endAll(new CodedError(ErrorCode.CURSOR_EXPIRED, 'the value-change log lost changes while this gateway was cut off from Redis; re-sync and subscribe again', { field: 'after' }));
            readerPos = b.newest;
          }
          failed = false;
        }
        const res = (await conn.xread('COUNT', PAGE, 'BLOCK', blockMs, 'STREAMS', key, formatCursor(readerPos))) as [string, StreamEntry[]][] | null;
        for (const [, entries] of res ?? []) {
          for (const raw of entries) {
            let e: Entry;
            try {
              e = toEntry(raw);
            } catch (err) {
              onError(err as Error);
              readerPos = parseCursor(raw[0]) ?? readerPos;
              continue;
            }
            readerPos = e.at;
            fanout.publish(e);
          }
        }
      } catch (err) {
        if (closed) return;
        onError(err as Error);
        failed = true;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  function ensureReader(): Promise<void> {
    readerStarted ??= (async () => {
      // Fix the reader's start before any subscriber registers: nothing appended later is missed.
      readerPos = (await snapshot()).newest;
      if (closed) return;
      // A dropped connection rejects the blocked XREAD (no silent resend after the reconnect): the
      // loop then checks whether the stream was reset before reading on.
      const conn = new Redis(opts.url, { maxRetriesPerRequest: 0, lazyConnect: true, autoResendUnfulfilledCommands: false });
      conn.on('error', (err: Error) => {
        if (!closed) onError(err);
      });
      conn.on('close', () => {
        failed = true;
      });
      reader = conn;
      // Connected before the loop starts: ioredis disconnected mid-connect holds the process ~2 s.
      await conn.connect();
      readerDone = readLoop(conn);
    })().catch((err: unknown) => {
      // Redis unreachable: this subscribe fails, the next one tries again.
      reader?.disconnect();
      reader = undefined;
      readerStarted = undefined;
      throw err;
    });
    return readerStarted;
  }

  return {
    kind: 'redis',
    retentionMs,
    connection: () => (cmd.status === 'ready' ? 'up' : 'down'),
    async append(changes: readonly ValueChange[]): Promise<string[]> {
      assertOpen();
      if (changes.length === 0) return [];
      const script = cmd as unknown as WithAppend;
      return script.recgateValueAppend(key, firstKey, retentionMs, ...changes.map((c) => JSON.stringify(c)));
    },
    async subscribe(afterText, onChange, onEnd) {
      assertOpen();
      const after = afterText === undefined ? undefined : parseAfter(afterText);
      await ensureReader();
      const first = await snapshot();
      if (after) checkResumable(after, first);
      const position = after ?? first.newest;
      const sub = fanout.add(position, onChange, onEnd);
      try {
        let last = position;
        for (;;) {
          const { page, floor } = await snapshot(last);
          if (compareCursors(last, floor) < 0) checkResumable(after ?? position, { ...first, floor });
          for (const e of page) fanout.replay(sub, e);
          if (page.length < PAGE) break;
          last = page[page.length - 1]!.at;
        }
        fanout.goLive(sub);
      } catch (err) {
        fanout.remove(sub);
        throw err;
      }
      return () => fanout.remove(sub);
    },
    async close() {
      if (closed) return;
      closed = true;
      fanout.endAll();
      await readerStarted?.catch(() => undefined);
      reader?.disconnect();
      await readerDone;
      await cmd.quit().catch(() => cmd.disconnect());
    },
  };
}
