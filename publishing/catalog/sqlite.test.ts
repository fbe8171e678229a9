/**
 * The catalog on SQLite: the conformance suite on temp files (one per test, in a temp folder
 * removed afterwards), plus what only the file shows: the folder and schema it creates, a write
 * lock held by another connection, corruption, and the factory's choice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode } from '../../errors/codes';
import { describeCatalogConformance, sampleChange, sampleDoc } from './conformance';
import { openCatalog } from './factory';
import { EMPTY_CATALOG } from './port';
import { openSqliteCatalog } from './sqlite';

const dir = mkdtempSync(join(tmpdir(), 'recgate-catalog-'));
const fileFor = (name: string): string => join(dir, `${name}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeCatalogConformance('sqlite', async (namespace) => openSqliteCatalog(fileFor(namespace)));

describe('SQLite catalog (adapter-specific)', () => {
  let n = 0;
  const freshPath = (): string => fileFor(`specific-${++n}`);

  it('creates the parent folders and the schema (version 1), and keeps what it stored across reopening', async () => {
    const path = join(dir, 'nested', 'deeper', 'published.db');
    const s = openSqliteCatalog(path);
    expect(await s.write(0, sampleDoc(1), sampleChange(1))).toBe(true);
    await s.close();
    const raw = new Database(path, { readonly: true });
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect([raw.pragma('user_version', { simple: true }), raw.pragma('journal_mode', { simple: true }), tables]).toEqual([1, 'wal', ['catalog_blobs', 'catalog_changes', 'catalog_doc']]);
    raw.close();
    const again = openSqliteCatalog(path);
    expect(await again.read()).toEqual({ revision: 1, doc: sampleDoc(1) });
    await again.close();
  });

  it('refuses to open a file a newer schema wrote, or a path that is a folder, with CATALOG_UNAVAILABLE', () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.pragma('user_version = 7');
    raw.close();
    expect(() => openSqliteCatalog(path)).toThrow(expect.objectContaining({ code: ErrorCode.CATALOG_UNAVAILABLE, message: expect.stringContaining('version 7') }));
    expect(() => openSqliteCatalog(dir)).toThrow(expect.objectContaining({ code: ErrorCode.CATALOG_UNAVAILABLE }));
  });

  it('fails a write with CATALOG_UNAVAILABLE while another connection holds the write lock past the busy timeout, then succeeds', async () => {
    const path = freshPath();
    const s = openSqliteCatalog(path, { busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const t0 = Date.now();
    await expect(s.write(0, sampleDoc(1), sampleChange(1))).rejects.toMatchObject({ code: ErrorCode.CATALOG_UNAVAILABLE, details: { operation: 'write' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(await s.read()).toEqual({ revision: 0, doc: EMPTY_CATALOG });
    other.exec('ROLLBACK');
    other.close();
    expect(await s.write(0, sampleDoc(1), sampleChange(1))).toBe(true);
    await s.close();
  });

  it('stores one row for the same bytes put twice, and refuses a blob whose bytes no longer match its hash', async () => {
    const path = freshPath();
    const s = openSqliteCatalog(path);
    const ref = await s.putBlob(new Uint8Array([1, 2, 3]));
    await s.putBlob(Buffer.from([1, 2, 3]));
    const raw = new Database(path);
    expect(raw.prepare('SELECT COUNT(*) FROM catalog_blobs').pluck().get()).toBe(1);
    raw.prepare('UPDATE catalog_blobs SET bytes = ? WHERE sha256 = ?').run(Buffer.from([1, 2, 4]), ref.sha256);
    raw.close();
    await expect(s.getBlob(ref.sha256)).rejects.toMatchObject({ code: ErrorCode.CATALOG_UNAVAILABLE, message: expect.stringContaining('corrupted') });
    await s.close();
  });

  it('answers CATALOG_UNAVAILABLE naming the operation when the stored document is not JSON', async () => {
    const path = freshPath();
    const s = openSqliteCatalog(path);
    await s.write(0, sampleDoc(1), sampleChange(1));
    const raw = new Database(path);
    raw.prepare("UPDATE catalog_doc SET json = '{not json'").run();
    raw.close();
    await expect(s.read()).rejects.toMatchObject({ code: ErrorCode.CATALOG_UNAVAILABLE, details: { operation: 'read' } });
    await s.close();
  });

  it('is what the factory opens when no Redis URL is set', async () => {
    for (const redisUrl of [undefined, '']) {
      const s = await openCatalog({ redisUrl, sqlitePath: freshPath() });
      expect(s.kind).toBe('sqlite');
      expect(await s.write(0, sampleDoc(1), sampleChange(1))).toBe(true);
      await s.close();
    }
  });
});
