/**
 * Versioned actor snapshots of the DDPG fusion policy, shared by every gateway instance: a port
 * (async, so a Redis adapter can sit beside this one) and its SQLite adapter, the embedded default
 * (`DPGCN_POLICY_DB_PATH`-style path, or ':memory:' in tests).
 *
 * `publish` appends a version and makes it live; `rollback` makes the version live before the
 * current one live again in one transaction (the live history is a stack: a rollback pops it).
 * The `frozen` switch lives here too, so freezing reaches every instance.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode } from '../../../errors/codes';
import { CodedError } from '../../../errors/errors';
import type { ActorSnapshot } from '../../../ml/ddpg/snapshot';

export interface PolicyVersion {
  readonly version: number;
  readonly actor: ActorSnapshot;
  /** The state layout the actor was trained on (state.ts POLICY_STATE_VERSION). */
  readonly stateVersion: string;
  readonly createdAt: number;
  /** Where it came from: `pretrain`, `online` (with the update count), ... */
  readonly source: string;
  readonly updates: number;
}

export type NewPolicyVersion = Omit<PolicyVersion, 'version'>;

export interface PolicySnapshotStore {
  readonly kind: 'sqlite';
  /** Append a version and serve it; returns its number. */
  publish(v: NewPolicyVersion): Promise<number>;
  /** The live version, or null before the first publish (or after rolling back the first). */
  live(): Promise<PolicyVersion | null>;
  /** The live version's number only (cheap: what instances poll). */
  liveVersion(): Promise<number | null>;
  /** Serve the version live before the current one; LIFECYCLE_CONFLICT when there is none. Returns it. */
  rollback(): Promise<PolicyVersion>;
  /** A version by number, or null when there is none. */
  get(version: number): Promise<PolicyVersion | null>;
  /** Versions published so far. */
  count(): Promise<number>;
  frozen(): Promise<boolean>;
  setFrozen(frozen: boolean): Promise<void>;
  close(): void;
}

interface Row {
  version: number;
  body: string;
}

export function openSqlitePolicySnapshots(path: string): PolicySnapshotStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS policy_versions (version INTEGER PRIMARY KEY, body TEXT NOT NULL);
           CREATE TABLE IF NOT EXISTS policy_live (seq INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL);
           CREATE TABLE IF NOT EXISTS policy_flags (name TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  const liveRow = db.prepare('SELECT v.version, v.body FROM policy_live l JOIN policy_versions v ON v.version = l.version ORDER BY l.seq DESC LIMIT 1');
  const liveNo = db.prepare('SELECT version FROM policy_live ORDER BY seq DESC LIMIT 1').pluck();
  const toVersion = (r: Row): PolicyVersion => ({ ...(JSON.parse(r.body) as NewPolicyVersion), version: r.version });
  const publish = db.transaction((v: NewPolicyVersion): number => {
    const next = ((db.prepare('SELECT MAX(version) FROM policy_versions').pluck().get() as number | null) ?? 0) + 1;
    db.prepare('INSERT INTO policy_versions (version, body) VALUES (?, ?)').run(next, JSON.stringify(v));
    db.prepare('INSERT INTO policy_live (version) VALUES (?)').run(next);
    return next;
  });
  const rollback = db.transaction((): PolicyVersion => {
    const top = db.prepare('SELECT seq FROM policy_live ORDER BY seq DESC LIMIT 2').pluck().all() as number[];
    if (top.length < 2) throw new CodedError(ErrorCode.LIFECYCLE_CONFLICT, 'the DDPG policy has no previous version to roll back to');
    db.prepare('DELETE FROM policy_live WHERE seq = ?').run(top[0]);
    return toVersion(liveRow.get() as Row);
  });
  return {
    kind: 'sqlite',
    publish: async (v) => publish.immediate(v),
    live: async () => {
      const r = liveRow.get() as Row | undefined;
      return r === undefined ? null : toVersion(r);
    },
    liveVersion: async () => (liveNo.get() as number | undefined) ?? null,
    rollback: async () => rollback.immediate(),
    get: async (version) => {
      const r = db.prepare('SELECT version, body FROM policy_versions WHERE version = ?').get(version) as Row | undefined;
      return r === undefined ? null : toVersion(r);
    },
    count: async () => db.prepare('SELECT COUNT(*) FROM policy_versions').pluck().get() as number,
    frozen: async () => db.prepare("SELECT value FROM policy_flags WHERE name = 'frozen'").pluck().get() === 'true',
    setFrozen: async (frozen) => void db.prepare("INSERT INTO policy_flags (name, value) VALUES ('frozen', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value").run(String(frozen)),
    close: () => db.close(),
  };
}
