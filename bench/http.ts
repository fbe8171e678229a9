/**
 * HTTP helpers of the benchmark scripts: a free loopback port, waiting for a child gateway's
 * /healthz, and an autocannon load run that records every response's latency.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { summarise, type LatencySummary } from './stats';

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export async function waitHealthy(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

export interface LoadResult {
  connections: number;
  latencyMs: LatencySummary;
  reqPerSec: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** POST `body()` to `url` for `duration` s over `connections` connections; `headers` go on every request. */
export async function load(url: string, connections: number, duration: number, body: () => string, headers: Record<string, string> = {}): Promise<LoadResult> {
  const times: number[] = [];
  let errors = 0;
  const opts = {
    url,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }),
        onResponse: (_status: number, resBody: string) => {
          if (resBody.includes('"errors"')) errors++;
        },
      },
    ],
  } as unknown as autocannon.Options;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err: Error | null, res: autocannon.Result) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_c: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
  return {
    connections,
    latencyMs: summarise(times),
    reqPerSec: Math.round((result.requests.total / duration) * 10) / 10,
    requests: result.requests.total,
    errors: errors + result.errors,
    non2xx: result.non2xx,
  };
}
