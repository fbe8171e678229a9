/**
 * Versioned Q-network weights per policy line, shared by every gateway instance through the IRA
 * SQLite file: a version holds the ONNX bytes the scorer serves (input `features` [N, dim] →
 * output `q` [N, 1]), the same weights as float32 parameters (the TS forward of OPE and the
 * learner's warm start) and metadata (layer sizes, feature layout, source, updates, the guardrail
 * estimate). Version numbers go up per line from 1; 0 is the heuristic (heuristic.ts) and is never stored.
 *
 * `publish` appends a version and makes it live; `rollback` pops the line's live stack (the version
 * live before the current one serves again), LIFECYCLE_CONFLICT when there is none. Old versions
 * are pruned on publish, keeping the newest `keepVersions` (and forgetting live-stack entries of
 * pruned ones, so a rollback never lands on a deleted version). Flags: `frozen` per line or for
 * every line (`*`), and `halted` per line (the guardrail's reason), so they reach every instance.
 */
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { decodeParams, encodeParams } from '../../ml/ddpg/snapshot';
import { mlpParamCount } from '../../ml/ddpg/mlp';
import type { IraDb } from './db';

export const ALL_LINES = '*';

export interface IraVersionMeta {
  /** Layer widths of the Q-network, input first, ending in 1. */
  readonly sizes: readonly number[];
  /** features.ts IRA_FEATURES_VERSION the weights were trained on. */
  readonly featuresVersion: string;
  /** `pretrain` (offline, fitted double-DQN) or `online` (the job-queue learner). */
  readonly source: string;
  readonly createdAt: number;
  /** Gradient updates behind these weights. */
  readonly updates: number;
  /** The guardrail's SNIPS estimate of this version and of version 0 when it was made (null: too few logged slots). */
  readonly guardrail: { readonly estimate: number; readonly baseline: number; readonly slots: number } | null;
}

export interface IraVersion extends IraVersionMeta {
  readonly line: string;
  readonly version: number;
  readonly params: Float32Array;
  readonly onnx: Uint8Array;
}

export interface NewIraVersion extends IraVersionMeta {
  readonly params: Float32Array;
  readonly onnx: Uint8Array;
}

export interface IraSnapshotStore {
  /** Append a version of `line` and serve it; returns its number. */
  publish(line: string, v: NewIraVersion): Promise<number>;
  /** The live version's number, or null (none yet, or the first rolled back). */
  liveVersion(line: string): Promise<number | null>;
  live(line: string): Promise<IraVersion | null>;
  get(line: string, version: number): Promise<IraVersion | null>;
  /** Serve the version live before the current one; LIFECYCLE_CONFLICT when there is none. */
  rollback(line: string): Promise<IraVersion>;
  /** Lines with at least one stored version or flag. */
  lines(): Promise<string[]>;
  /** Versions stored for the line (after pruning). */
  count(line: string): Promise<number>;
  /** Frozen for this line, or for every line. */
  frozen(line: string): Promise<boolean>;
  /** Freeze one line, or every line (line omitted: the `*` switch; unfreezing all also clears every line's own switch). */
  setFrozen(frozen: boolean, line?: string): Promise<void>;
  /** Why the line's online updates stopped (the guardrail), or null. */
  halted(line: string): Promise<string | null>;
  setHalted(line: string, reason: string | null): Promise<void>;
}

interface Row {
  line: string;
  version: number;
  meta: string;
  params: Buffer;
  onnx: Buffer;
}

export function createIraSnapshotStore(db: IraDb, o: { readonly keepVersions?: number } = {}): IraSnapshotStore {
  const keep = o.keepVersions ?? 20;
  if (!(Number.isInteger(keep) && keep >= 2)) throw new RangeError(`ira snapshots: keepVersions must be an integer ≥ 2, got ${keep}`);
  db.exec(`CREATE TABLE IF NOT EXISTS ira_versions (line TEXT NOT NULL, version INTEGER NOT NULL, meta TEXT NOT NULL, params BLOB NOT NULL, onnx BLOB NOT NULL, PRIMARY KEY (line, version));
           CREATE TABLE IF NOT EXISTS ira_live (seq INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT NOT NULL, version INTEGER NOT NULL);
           CREATE INDEX IF NOT EXISTS ira_live_line ON ira_live (line, seq);
           CREATE TABLE IF NOT EXISTS ira_flags (line TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (line, name));`);
  const liveNo = db.prepare('SELECT version FROM ira_live WHERE line = ? ORDER BY seq DESC LIMIT 1').pluck();
  const byNo = db.prepare('SELECT line, version, meta, params, onnx FROM ira_versions WHERE line = ? AND version = ?');
  const getFlag = db.prepare('SELECT value FROM ira_flags WHERE line = ? AND name = ?').pluck();
  const setFlag = db.prepare('INSERT INTO ira_flags (line, name, value) VALUES (?, ?, ?) ON CONFLICT(line, name) DO UPDATE SET value = excluded.value');
  const delFlag = db.prepare('DELETE FROM ira_flags WHERE line = ? AND name = ?');
  const toVersion = (r: Row): IraVersion => {
    const meta = JSON.parse(r.meta) as IraVersionMeta;
    return { ...meta, line: r.line, version: r.version, params: decodeParams(new Uint8Array(r.params), mlpParamCount(meta.sizes), `ira version ${r.line}@${r.version}`), onnx: new Uint8Array(r.onnx) };
  };
  const read = (line: string, version: number | null): IraVersion | null => {
    if (version === null) return null;
    const r = byNo.get(line, version) as Row | undefined;
    return r === undefined ? null : toVersion(r);
  };
  const publish = db.transaction((line: string, v: NewIraVersion): number => {
    const next = ((db.prepare('SELECT MAX(version) FROM ira_versions WHERE line = ?').pluck().get(line) as number | null) ?? 0) + 1;
    const { params, onnx, ...meta } = v;
    db.prepare('INSERT INTO ira_versions (line, version, meta, params, onnx) VALUES (?, ?, ?, ?, ?)').run(line, next, JSON.stringify(meta), Buffer.from(encodeParams(params)), Buffer.from(onnx));
    db.prepare('INSERT INTO ira_live (line, version) VALUES (?, ?)').run(line, next);
    const cut = next - keep;
    if (cut > 0) {
      db.prepare('DELETE FROM ira_versions WHERE line = ? AND version <= ?').run(line, cut);
      db.prepare('DELETE FROM ira_live WHERE line = ? AND version <= ?').run(line, cut);
    }
    return next;
  });
  const rollback = db.transaction((line: string): IraVersion => {
    const top = db.prepare('SELECT seq FROM ira_live WHERE line = ? ORDER BY seq DESC LIMIT 2').pluck().all(line) as number[];
    if (top.length < 2) throw new CodedError(ErrorCode.LIFECYCLE_CONFLICT, `the IRA policy line ${line} has no previous version to roll back to`);
    db.prepare('DELETE FROM ira_live WHERE seq = ?').run(top[0]);
    return read(line, liveNo.get(line) as number)!;
  });
  return {
    publish: async (line, v) => publish.immediate(line, v),
    liveVersion: async (line) => (liveNo.get(line) as number | undefined) ?? null,
    live: async (line) => read(line, (liveNo.get(line) as number | undefined) ?? null),
    get: async (line, version) => read(line, version),
    rollback: async (line) => rollback.immediate(line),
    lines: async () => db.prepare("SELECT line FROM ira_versions UNION SELECT line FROM ira_flags WHERE line <> '*' ORDER BY line").pluck().all() as string[],
    count: async (line) => db.prepare('SELECT COUNT(*) FROM ira_versions WHERE line = ?').pluck().get(line) as number,
    frozen: async (line) => getFlag.get(ALL_LINES, 'frozen') === 'true' || getFlag.get(line, 'frozen') === 'true',
    setFrozen: async (frozen, line) => {
      if (line === undefined) {
        db.transaction(() => {
          setFlag.run(ALL_LINES, 'frozen', String(frozen));
          if (!frozen) db.prepare("DELETE FROM ira_flags WHERE name = 'frozen'").run();
        }).immediate();
      } else setFlag.run(line, 'frozen', String(frozen));
    },
    halted: async (line) => (getFlag.get(line, 'halted') as string | undefined) ?? null,
    setHalted: async (line, reason) => void (reason === null ? delFlag.run(line, 'halted') : setFlag.run(line, 'halted', reason)),
  };
}
