/**
 * ExperimentStore on a SQLite file (WAL, synchronous=FULL): a write resolves only after its
 * transaction committed, so an acknowledged exposure survives a crash.
 */
import Database from 'better-sqlite3';
import type { Experiment } from './model';
import type { Exposure, ExperimentStore } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS experiments (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exposures (
  exposure_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, ts REAL NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exposure_assignments (
  experiment_id TEXT NOT NULL, exposure_id TEXT NOT NULL, variant_key TEXT NOT NULL, ts REAL NOT NULL,
  PRIMARY KEY (experiment_id, exposure_id)
);
CREATE INDEX IF NOT EXISTS exposure_assignments_ts ON exposure_assignments (experiment_id, ts);
`;

/**
 * Additive migrations: columns added after the table was first created, each nullable so rows
 * written before read as null. `policy` and `decision_id` mirror the body's fields of a
 * policy-served feed (Contract B) so the decision log can be joined without parsing bodies.
 */
const ADDED_COLUMNS: ReadonlyArray<readonly [table: string, column: string, type: string]> = [
  ['exposures', 'policy', 'TEXT'],
  ['exposures', 'decision_id', 'TEXT'],
];

function migrate(db: Database.Database): void {
  for (const [table, column, type] of ADDED_COLUMNS) {
    const have = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some((c) => c.name === column);
    if (!have) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
  db.exec('CREATE INDEX IF NOT EXISTS exposures_decision ON exposures (decision_id) WHERE decision_id IS NOT NULL');
}

/** A stored exposure body; the policy fields of rows written before they existed read as null. */
export function readExposure(body: string): Exposure {
  const e = JSON.parse(body) as Exposure;
  return { ...e, propensities: e.propensities ?? null, policy: e.policy ?? null, decisionId: e.decisionId ?? null };
}

export function createSqliteExperimentStore(path: string): ExperimentStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  migrate(db);
  const putStmt = db.prepare('INSERT INTO experiments (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body');
  const getStmt = db.prepare('SELECT body FROM experiments WHERE id = ?').pluck();
  const listStmt = db.prepare('SELECT body FROM experiments ORDER BY id').pluck();
  const insExposure = db.prepare('INSERT OR IGNORE INTO exposures (exposure_id, user_id, ts, body, policy, decision_id) VALUES (?, ?, ?, ?, ?, ?)');
  const insAssign = db.prepare('INSERT OR IGNORE INTO exposure_assignments (experiment_id, exposure_id, variant_key, ts) VALUES (?, ?, ?, ?)');
  const onSurface = db.prepare("SELECT body FROM exposures WHERE ts >= ? AND ts < ? AND json_extract(body, '$.surface') = ? ORDER BY ts, exposure_id").pluck();
  const byExperiment = db.prepare('SELECT e.body FROM exposure_assignments a JOIN exposures e ON e.exposure_id = a.exposure_id WHERE a.experiment_id = ? ORDER BY a.ts, a.exposure_id').pluck();
  const appendTx = db.transaction((rows: readonly Exposure[]) => {
    let n = 0;
    for (const r of rows) {
      const res = insExposure.run(r.exposureId, r.userId, r.ts, JSON.stringify(r), r.policy ?? null, r.decisionId ?? null);
      if (res.changes === 0) continue;
      n++;
      for (const a of r.assignments) insAssign.run(a.experimentId, r.exposureId, a.variantKey, r.ts);
    }
    return n;
  });
  let closed = false;
  const open = (): void => {
    if (closed) throw new Error('experiment store is closed');
  };
  return {
    async put(e) {
      open();
      putStmt.run(e.id, JSON.stringify(e));
    },
    async get(id) {
      open();
      const body = getStmt.get(id) as string | undefined;
      return body === undefined ? null : (JSON.parse(body) as Experiment);
    },
    async list() {
      open();
      return (listStmt.all() as string[]).map((b) => JSON.parse(b) as Experiment);
    },
    async appendExposures(rows) {
      open();
      return rows.length === 0 ? 0 : appendTx(rows);
    },
    async exposures(experimentId) {
      open();
      return (byExperiment.all(experimentId) as string[]).map(readExposure);
    },
    async exposuresOnSurface(surface, o = {}) {
      open();
      return (onSurface.all(o.from ?? -Number.MAX_VALUE, o.to ?? Number.MAX_VALUE, surface) as string[]).map((b) => JSON.parse(b) as Exposure);
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
