/**
 * A throwaway Redis for integration tests: the Debian `redis-server` binary on a free loopback
 * port, no persistence, stopped by the test that started it. CI installs the package; a machine
 * without it fails the test with the install command instead of skipping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';

export interface RunningRedis {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGTERM, then wait for the process to exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

const BINARY = 'redis-server';
const READY_TIMEOUT_MS = 10_000;
const MISSING = `${BINARY} is not installed (or not on PATH): install it with \`apt-get install redis-server\` (CI installs it)`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * True when the server on `port` is up and is the process `pid` (INFO reports its process id):
 * a PING alone could be answered by another server that took the port first.
 */
function answers(port: number, pid: number | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.startsWith('-')) done(false); // e.g. -LOADING
      const m = /\r\nprocess_id:(\d+)\r\n/.exec(buf);
      if (m) done(Number(m[1]) === pid);
    });
    sock.once('connect', () => sock.write('INFO server\r\n'));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(port: number): Promise<RunningRedis> {
  // hz 100: Redis checks blocking-command timeouts on its event-loop tick (default 10 Hz, so
  // ~100 ms granularity); the tests measure 20 ms backoffs and delayed jobs wake blocked workers.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', tmpdir(), '--hz', '100'];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer): void => {
    if (output.length < 8_000) output += d.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Results are tagged rather than told apart with `instanceof Error`: errors from Node core come
  // from the host realm, which jest's sandbox does not share.
  type Early = { kind: 'spawn-error'; err: NodeJS.ErrnoException } | { kind: 'exited' } | { kind: 'ready' } | { kind: 'timeout' };
  let spawnFailed = false;
  const spawnError = new Promise<Early>((resolve) =>
    child.on('error', (err) => {
      spawnFailed = true;
      resolve({ kind: 'spawn-error', err });
    }),
  );
  const gone = (): boolean => spawnFailed || child.exitCode !== null || child.signalCode !== null;

  const stop = async (): Promise<void> => {
    if (gone()) return;
    const exit = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  const pollReady = async (): Promise<Early> => {
    while (Date.now() < deadline && !gone()) {
      if (await answers(port, child.pid)) return { kind: 'ready' };
      await new Promise((r) => setTimeout(r, 25));
    }
    return gone() ? { kind: 'exited' } : { kind: 'timeout' };
  };
  const first = await Promise.race([spawnError, exited(child).then((): Early => ({ kind: 'exited' })), pollReady()]);
  if (first.kind === 'spawn-error') {
    throw first.err.code === 'ENOENT' ? new Error(MISSING) : new Error(`${BINARY} failed to start: ${first.err.message}`);
  }
  if (first.kind === 'exited') throw new Error(`${BINARY} exited before answering on 127.0.0.1:${port}:\n${output}`);
  if (first.kind === 'timeout') {
    await stop();
    throw new Error(`${BINARY} did not answer on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/**
 * Start a private `redis-server` on 127.0.0.1 and wait until it answers (INFO, which also proves
 * the answering server is the one started here). Retries on another
 * port if the chosen one was taken between probing and binding.
 */
export async function startRedis(): Promise<RunningRedis> {
  let last: Error | undefined;
  for (let i = 0; i < 3; i++) {
    try {
      return await startOnce(await freePort());
    } catch (err) {
      if ((err as Error).message === MISSING) throw err;
      last = err as Error;
    }
  }
  throw last ?? new Error(`${BINARY} failed to start`);
}

/**
 * Stop `r` and start an empty `redis-server` on the same port (no persistence: what a flushed or
 * replaced Redis looks like to clients, which reconnect to the same URL). Stop the returned one.
 */
export async function restartRedis(r: RunningRedis): Promise<RunningRedis> {
  await r.stop();
  return startOnce(Number(new URL(r.url).port));
}

/**
 * Start one Redis for the calling test file (beforeAll) and stop it after (afterAll). Returns the
 * URL getter; calling it before the server is up throws, pointing at the beforeAll error.
 */
export function useRedisForThisFile(): () => string {
  let redis: RunningRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return () => {
    if (!redis) throw new Error('Redis did not start (see the beforeAll error above)');
    return redis.url;
  };
}
