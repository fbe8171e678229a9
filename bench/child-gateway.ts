/**
 * A real gateway in a child process for the acceptance benchmarks: its own temp files (store,
 * access, experiments, DUVE models), a free loopback port, API keys made with the `keys` CLI
 * before it starts, and a stop that is either graceful (SIGTERM) or a crash (SIGKILL).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitHealthy } from './http';

export const CLI = join(__dirname, '..', 'cli', 'main.js');

export interface ChildGateway {
  readonly base: string;
  readonly url: string;
  readonly env: NodeJS.ProcessEnv;
  readonly child: ChildProcess;
  /** SIGTERM (drain) or SIGKILL (crash); resolves when the process has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/**
 * RATE_LIMITS of the bench gateways: on (the bucket code runs on every request), at 10,000/s burst
 * 20,000 for every role, far above what these benches send from one key (keys-load ~350 req/s at
 * 50 connections on 2 cores, durability's writers, http-audit's burst), so no request is refused.
 * bench:attacks runs the production defaults instead.
 */
export const BENCH_RATE_LIMITS = 'frontend=10000/s:20000,ingest=10000/s:20000,analyst=10000/s:20000,admin=10000/s:20000,partner=10000/s:20000,monitor=10000/s:20000';

/** The environment of a gateway whose files all live in `dir` (created; rate limits at BENCH_RATE_LIMITS); `extra` overrides. */
export function gatewayEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  return {
    ...process.env,
    DB_PATH: join(dir, 'store.db'),
    ACCESS_DB_PATH: join(dir, 'access.db'),
    EXPERIMENTS_DB_PATH: join(dir, 'experiments.db'),
    PUBLISHED_DB_PATH: join(dir, 'published.db'),
    DUVE_MODEL_DIR: join(dir, 'duve'),
    LTR_MODEL_DIR: join(dir, 'ltr'),
    STRATEGIES_DIR: join(dir, 'strategies'),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMITS: BENCH_RATE_LIMITS,
    ...extra,
  };
}

/** A new API key of `role` in the env's ACCESS_DB_PATH, through the `keys create` CLI. */
export function createKey(env: NodeJS.ProcessEnv, role: string, name = `bench-${role}`): string {
  const out = execFileSync(process.execPath, [CLI, 'keys', 'create', '--role', role, '--name', name], { env, encoding: 'utf8' });
  const key = /\b(rgk_\S+)/.exec(out)?.[1];
  if (!key) throw new Error(`no key in: ${out}`);
  return key;
}

/** `node dist/cli/main.js serve [...args]` on a free loopback port; resolves once /healthz answers. */
export async function startChild(env: NodeJS.ProcessEnv, args: string[] = [], timeoutMs = 180_000): Promise<ChildGateway> {
  const port = await freePort();
  const fullEnv = { ...env, PORT: String(port) };
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: fullEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, child, timeoutMs);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const exited = new Promise<void>((ok) => (child.exitCode !== null || child.signalCode !== null ? ok() : child.once('exit', () => ok())));
  return {
    base,
    url: `${base}/graphql`,
    env: fullEnv,
    child,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** POST a GraphQL body (string, sent as is) with optional headers; status, parsed JSON (or null) and ms. */
export async function post(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<{ status: number; json: unknown; ms: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, json, ms, text };
}

export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
