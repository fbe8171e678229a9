/**
 * `serve` on an empty access database (as `npm start` runs it): it creates an admin and a frontend
 * key, prints them once with a curl line that works, stores only their hashes, and prints no key on
 * the next start. Runs the built CLI (`npm test` builds dist/ before jest).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { sha256Hex } from '../services/access/keys';

async function serveOnce(dir: string, whileUp: (out: string) => Promise<void> = async () => undefined): Promise<string> {
  const child = spawn(process.execPath, [resolve(__dirname, '..', 'dist', 'cli', 'main.js'), 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      DB_PATH: join(dir, 'db.sqlite'),
      EXPERIMENTS_DB_PATH: join(dir, 'x.db'),
      PUBLISHED_DB_PATH: join(dir, 'published.db'),
      ACCESS_DB_PATH: join(dir, 'access.db'),
      DUVE_MODEL_DIR: join(dir, 'models'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      AUTH: 'on',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise((ok) => child.on('exit', ok));
  try {
    for (let i = 0; i < 150 && !out.includes("-d '"); i++) await new Promise((r) => setTimeout(r, 100));
    await whileUp(out);
    return out;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('first start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'first-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints an admin and a frontend key once, with a curl line that uses the frontend key, and stores only hashes', async () => {
    let feed: unknown = null;
    const out = await serveOnce(dir, async (printed) => {
      // Run the printed curl line's request: its URL, header and body.
      const url = /curl -s (\S+)/.exec(printed)![1]!;
      const auth = /-H "authorization: (Bearer [^"]+)"/.exec(printed)![1]!;
      const body = /-d '(.+)'$/m.exec(printed)![1]!;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body });
      feed = { status: res.status, body: await res.json() };
    });
    expect(feed).toMatchObject({ status: 200, body: { data: { feed: { coldStart: true } } } });
    const admin = /^ {2}admin +(k_[0-9a-f]{12}) +(rgk_[A-Za-z0-9_-]{43})$/m.exec(out);
    const frontend = /^ {2}frontend +(k_[0-9a-f]{12}) +(rgk_[A-Za-z0-9_-]{43})$/m.exec(out);
    expect({ admin: admin !== null, frontend: frontend !== null, out: admin && frontend ? '' : out }).toEqual({ admin: true, frontend: true, out: '' });
    // The curl line: the frontend key in a double-quoted header, the example feed query.
    expect(out).toContain(`-H "authorization: Bearer ${frontend![2]}"`);
    expect(out).toMatch(/feed\(userId:/);
    const db = new Database(join(dir, 'access.db'), { readonly: true });
    const rows = db.prepare('SELECT id, role, key_sha256 FROM api_keys ORDER BY role').all() as Array<{ id: string; role: string; key_sha256: string }>;
    db.close();
    expect(rows).toEqual([
      { id: admin![1], role: 'admin', key_sha256: sha256Hex(admin![2]!) },
      { id: frontend![1], role: 'frontend', key_sha256: sha256Hex(frontend![2]!) },
    ]);
    // No secret in any file the gateway wrote (the db, its WAL, the stores).
    for (const f of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, f)).toString('latin1');
      expect({ f, admin: bytes.includes(admin![2]!.slice(4)), frontend: bytes.includes(frontend![2]!.slice(4)) }).toEqual({ f, admin: false, frontend: false });
    }
  }, 60_000);

  it('prints no key on the next start, and the curl line asks for RECGATE_KEY', async () => {
    const out = await serveOnce(dir);
    expect(out).not.toMatch(/rgk_/);
    expect(out).toContain('-H "authorization: Bearer $RECGATE_KEY"');
  }, 60_000);
});
