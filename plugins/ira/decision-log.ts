/**
 * The persistent IRA decision log (Contract C): every recorded decision with its features, the
 * behaviour Q, the shown slate and its propensities, and, once its window closed, the per-slot
 * rewards and v_long after. Offline pre-training (pretrain.ts) and off-policy evaluation read it.
 * SQLite (the IRA_DB_PATH file), bounded: beyond `maxRows` the oldest decisions (by ts) are pruned,
 * checked every min(256, maxRows) appends. Float arrays are stored as little-endian float32 (rewards float64) blobs.
 */
import { encodeParams } from '../../ml/ddpg/snapshot';
import { openIraDb, type IraDb } from './db';
import type { IraDecision, IraExplore, LoggedIraDecision } from './types';

export interface IraDecisionLog {
  append(d: IraDecision): void;
  /** Record a closed decision's rewards (per shown slot) and v_long after. */
  setOutcome(decisionId: string, rewards: Float64Array, valueAfter: number | null): void;
  /** Decisions with from ≤ ts < to of a line (all when omitted), oldest first. */
  read(o?: { readonly from?: number; readonly to?: number; readonly line?: string }): LoggedIraDecision[];
  count(): number;
  close(): void;
}

interface Row {
  id: string;
  line: string;
  user_id: string;
  ts: number;
  surface: string;
  version: number;
  gamma1: number;
  gamma2: number;
  explore: string;
  pool: string;
  features: Buffer;
  q: Buffer;
  shown: string;
  propensities: string;
  value_before: number | null;
  extra: string;
  rewards: Buffer | null;
  value_after: number | null;
}

const f32 = (b: Buffer): Float32Array => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Float32Array.from({ length: b.byteLength / 4 }, (_, i) => v.getFloat32(i * 4, true));
};
const f64bytes = (xs: Float64Array): Buffer => {
  const b = Buffer.alloc(xs.length * 8);
  xs.forEach((x, i) => b.writeDoubleLE(x, i * 8));
  return b;
};
const f64 = (b: Buffer): Float64Array => Float64Array.from({ length: b.byteLength / 8 }, (_, i) => b.readDoubleLE(i * 8));

/** Open the log in an IRA SQLite file (a path, or a handle shared with the snapshots). */
export function openIraDecisionLog(at: string | IraDb, o: { readonly maxRows?: number } = {}): IraDecisionLog {
  const own = typeof at === 'string';
  const db = typeof at === 'string' ? openIraDb(at) : at;
  const maxRows = o.maxRows ?? 200_000;
  if (!(Number.isInteger(maxRows) && maxRows > 0)) throw new RangeError(`ira decision log: maxRows must be a positive integer, got ${maxRows}`);
  db.exec(`CREATE TABLE IF NOT EXISTS ira_decisions (id TEXT PRIMARY KEY, line TEXT NOT NULL, user_id TEXT NOT NULL, ts INTEGER NOT NULL, surface TEXT NOT NULL,
             version INTEGER NOT NULL, gamma1 REAL NOT NULL, gamma2 REAL NOT NULL, explore TEXT NOT NULL, pool TEXT NOT NULL, features BLOB NOT NULL, q BLOB NOT NULL,
             shown TEXT NOT NULL, propensities TEXT NOT NULL, value_before REAL, extra TEXT NOT NULL, rewards BLOB, value_after REAL);
           CREATE INDEX IF NOT EXISTS ira_decisions_ts ON ira_decisions (ts);
           CREATE INDEX IF NOT EXISTS ira_decisions_line_ts ON ira_decisions (line, ts);`);
  const insert = db.prepare(`INSERT OR REPLACE INTO ira_decisions (id, line, user_id, ts, surface, version, gamma1, gamma2, explore, pool, features, q, shown, propensities, value_before, extra)
                             VALUES (@id, @line, @user_id, @ts, @surface, @version, @gamma1, @gamma2, @explore, @pool, @features, @q, @shown, @propensities, @value_before, @extra)`);
  const outcome = db.prepare('UPDATE ira_decisions SET rewards = ?, value_after = ? WHERE id = ?');
  const count = db.prepare('SELECT COUNT(*) FROM ira_decisions').pluck();
  const prune = db.prepare('DELETE FROM ira_decisions WHERE id IN (SELECT id FROM ira_decisions ORDER BY ts ASC, rowid ASC LIMIT ?)');
  let appended = 0;
  const toDecision = (r: Row): LoggedIraDecision => {
    const extra = JSON.parse(r.extra) as { valueSource?: string; refreshMinutes?: number };
    return {
      decisionId: r.id,
      line: r.line,
      userId: r.user_id,
      ts: r.ts,
      surface: r.surface,
      version: r.version,
      gamma1: r.gamma1,
      gamma2: r.gamma2,
      explore: JSON.parse(r.explore) as IraExplore,
      pool: JSON.parse(r.pool) as string[],
      features: f32(r.features),
      q: f32(r.q),
      shown: JSON.parse(r.shown) as number[],
      propensities: JSON.parse(r.propensities) as number[],
      valueBefore: r.value_before,
      ...(extra.valueSource !== undefined ? { valueSource: extra.valueSource } : {}),
      ...(extra.refreshMinutes !== undefined ? { refreshMinutes: extra.refreshMinutes } : {}),
      rewards: r.rewards === null ? null : f64(r.rewards),
      valueAfter: r.value_after,
    };
  };
  return {
    append(d) {
      insert.run({
        id: d.decisionId,
        line: d.line,
        user_id: d.userId,
        ts: d.ts,
        surface: d.surface,
        version: d.version,
        gamma1: d.gamma1,
        gamma2: d.gamma2,
        explore: JSON.stringify(d.explore),
        pool: JSON.stringify(d.pool),
        features: Buffer.from(encodeParams(d.features)),
        q: Buffer.from(encodeParams(d.q)),
        shown: JSON.stringify(d.shown),
        propensities: JSON.stringify(d.propensities),
        value_before: d.valueBefore,
        extra: JSON.stringify({ valueSource: d.valueSource, refreshMinutes: d.refreshMinutes }),
      });
      if (++appended % Math.min(256, maxRows) === 0) {
        const over = (count.get() as number) - maxRows;
        if (over > 0) prune.run(over);
      }
    },
    setOutcome(id, rewards, valueAfter) {
      outcome.run(f64bytes(rewards), valueAfter, id);
    },
    read(q = {}) {
      const rows = db
        .prepare(`SELECT * FROM ira_decisions WHERE ts >= ? AND ts < ?${q.line !== undefined ? ' AND line = ?' : ''} ORDER BY ts ASC, rowid ASC`)
        .all(...[q.from ?? -8.64e15, q.to ?? 8.64e15, ...(q.line !== undefined ? [q.line] : [])]) as Row[];
      return rows.map(toDecision);
    },
    count: () => count.get() as number,
    close() {
      if (own) db.close();
    },
  };
}
