/**
 * Durable outbox of value changes: the request path writes changes here (one SQLite transaction,
 * no network) and returns; one drainer appends them to the value-change log in order, oldest
 * first, and deletes a batch only after the log acknowledged it. With Redis down, changes wait
 * here (and survive a restart of the gateway); when it returns they are published in order.
 *
 * Why its own SQLite file (`<DB_PATH>.value-outbox`, next to the store) and not the store: the
 * store may be Neo4j (no file), the embedded store's file has its own writers and size limits, and
 * a queue of inserts and deletes is a separate concern. better-sqlite3 writes synchronously in
 * WAL mode (`synchronous=FULL`: a committed change survives a crash of the process or the host).
 *
 * Delivery is at least once: if the log stored a batch but the acknowledgement was lost (Redis
 * died mid-reply), the batch is appended again. One outbox file per gateway process.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ValueChange } from '../domain/user-value';
import type { ValueChangeLog } from './port';

export interface OutboxOptions {
  /** SQLite file (created with its folder). Required. */
  readonly path: string;
  /** Where changes are published. Required. */
  readonly log: Pick<ValueChangeLog, 'append'>;
  /** Changes per append. Default 500. */
  readonly batch?: number;
  /** Wait before retrying a failed append, ms. Default 500. */
  readonly retryMs?: number;
  /** Append failures (the drainer retries by itself). Default: `console.error`. */
  readonly onError?: (err: Error) => void;
}

export interface OutboxStatus {
  /** Changes stored and not yet acknowledged by the log. */
  readonly backlog: number;
  /** Age of the oldest waiting change, ms (0 when empty). */
  readonly oldestAgeMs: number;
  /** The last append failed and the drainer is waiting to retry. */
  readonly failing: boolean;
}

export interface Outbox {
  /** Store changes durably (synchronous) and wake the drainer. */
  enqueue(changes: readonly ValueChange[]): void;
  status(): OutboxStatus;
  /** Resolves once everything enqueued before the call was published (waits through outages). */
  drained(): Promise<void>;
  /** Stop draining (waits for an append in flight); what is left stays in the file. Idempotent. */
  close(): Promise<void>;
}

interface Row {
  id: number;
  change: string;
}

export function openOutbox(o: OutboxOptions): Outbox {
  const batch = o.batch ?? 500;
  const retryMs = o.retryMs ?? 500;
  const onError = o.onError ?? ((err: Error) => console.error(`[value-change outbox] ${err.message}`));
  mkdirSync(dirname(o.path), { recursive: true });
  const db = new Database(o.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS value_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, change TEXT NOT NULL)');
  const insert = db.prepare<[number, string]>('INSERT INTO value_outbox (at, change) VALUES (?, ?)');
  const insertAll = db.transaction((changes: readonly ValueChange[], at: number) => {
    for (const c of changes) insert.run(at, JSON.stringify(c));
  });
  const head = db.prepare<[number], Row>('SELECT id, change FROM value_outbox ORDER BY id LIMIT ?');
  const remove = db.prepare<[number]>('DELETE FROM value_outbox WHERE id <= ?');
  const count = db.prepare<[], { n: number; oldest: number | null }>('SELECT COUNT(*) AS n, MIN(at) AS oldest FROM value_outbox');
  const maxId = db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM value_outbox');

  let closed = false;
  let failing = false;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let published = 0; // highest id acknowledged by the log
  const waiters: { id: number; resolve: () => void }[] = [];

  const settleWaiters = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.id <= published) waiters.splice(i, 1)[0]!.resolve();
    }
  };

  async function drain(): Promise<void> {
    while (!closed) {
      const rows = head.all(batch);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!.id;
      try {
        await o.log.append(rows.map((r) => JSON.parse(r.change) as ValueChange));
      } catch (err) {
        failing = true;
        onError(err as Error);
        await new Promise<void>((r) => {
          const t = setTimeout(r, retryMs);
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
        wake = undefined;
        continue;
      }
      failing = false;
      remove.run(last);
      published = last;
      settleWaiters();
    }
  }

  const kick = (): void => {
    if (closed || running) return;
    running = drain()
      .catch((err: unknown) => onError(err as Error))
      .finally(() => {
        running = undefined;
        // Rows enqueued while the last loop was finishing.
        if (!closed && head.all(1).length > 0) kick();
      });
  };

  kick(); // what a previous run of this gateway left behind
  return {
    enqueue(changes) {
      if (closed) throw new Error('value-change outbox is closed');
      if (changes.length === 0) return;
      insertAll(changes, Date.now());
      kick();
    },
    status() {
      const r = count.get() ?? { n: 0, oldest: null };
      return { backlog: r.n, oldestAgeMs: r.oldest === null ? 0 : Math.max(0, Date.now() - r.oldest), failing };
    },
    drained() {
      const id = maxId.get()?.id ?? 0;
      if (id <= published || id === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ id, resolve }));
    },
    async close() {
      if (closed) return;
      closed = true;
      wake?.();
      await running;
      db.close();
    },
  };
}
