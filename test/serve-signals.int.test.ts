/**
 * `serve` (the built CLI, as `npm start` runs it) drains and exits 0 on SIGTERM and SIGINT, with
 * DUVE on: the CLI owns the signals (Apollo's own termination handlers are off), so the shutdown
 * cannot race a second stop. `npm test` builds dist/ before jest.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publishTestDuveModel } from './support/duve-model';

async function serveAndSignal(signal: NodeJS.Signals): Promise<{ code: number | null; healthy: boolean; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'serve-signal-'));
  try {
    const { modelDir } = await publishTestDuveModel(join(dir, 'models'));
    const child = spawn(process.execPath, [resolve(__dirname, '..', 'dist', 'cli', 'main.js'), 'serve'], {
      env: {
        ...process.env,
        PORT: '0',
        DB_PATH: join(dir, 'db.sqlite'),
        EXPERIMENTS_DB_PATH: join(dir, 'x.db'),
        PUBLISHED_DB_PATH: join(dir, 'published.db'),
        ACCESS_DB_PATH: join(dir, 'access.db'),
        DUVE_MODEL_DIR: modelDir,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const m = /GraphQL:\s+(http:\/\/\S+)\/graphql/.exec(out);
      if (m) healthy = (await fetch(`${m[1]}/healthz`).catch(() => null))?.ok === true;
    }
    child.kill(signal);
    const timeout = new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), 10_000));
    const code = await Promise.race([exited, timeout]);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      return { code: -1, healthy, out };
    }
    return { code, healthy, out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('serve and termination signals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('exits 0 on %s with a DUVE model loaded', async (signal) => {
    const r = await serveAndSignal(signal);
    expect(r.healthy).toBe(true);
    expect({ code: r.code, out: r.code === 0 ? '' : r.out }).toEqual({ code: 0, out: '' });
  });
});
