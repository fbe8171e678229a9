/**
 * The `scorer` commands that talk to a running gateway with an admin key: publish a folder
 * (manifest.json + model.onnx), show the catalog with shadow agreement, promote, roll back,
 * shadow. They use only the public API (POST /blobs and GraphQL), so they work against any
 * instance: every instance of a deployment sees the same catalog.
 *
 *   scorer publish <dir> [--no-shadow] [--promote]
 *   scorer status [id] [--json]
 *   scorer promote <id> [version] | scorer rollback <id> | scorer shadow <id> [version] [--off]
 *
 * Connection: --url (or RECGATE_URL, default http://127.0.0.1:4000) and --key (or RECGATE_KEY).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { MANIFEST_FILE, MODEL_FILE } from './scorer-command';

export type Out = (text: string) => void;

export interface Connection {
  /** Base URL of the gateway (no path). */
  readonly url: string;
  readonly key: string;
}

/** A refusal from the gateway: its code, the field or problem, the message. */
export class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
  describe(): string {
    const where = typeof this.details.field === 'string' ? ` field=${this.details.field}` : typeof this.details.problem === 'string' ? ` problem=${this.details.problem}` : '';
    return `FAILED ${this.code}${where}: ${this.message}\n`;
  }
}

interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const codeOf = (ext: Record<string, unknown> | undefined, fallback: string): string => (typeof ext?.code === 'string' ? ext.code : fallback);

async function request(conn: Connection, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(new URL(path, conn.url), { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${conn.key}` } });
  } catch (err) {
    throw new RemoteError('UNREACHABLE', `cannot reach ${conn.url}: ${(err as Error).message} (is the gateway running? set --url or RECGATE_URL)`);
  }
}

async function failure(res: Response): Promise<RemoteError> {
  const text = await res.text();
  try {
    const e = (JSON.parse(text) as GqlBody).errors?.[0];
    if (e) return new RemoteError(codeOf(e.extensions, String(res.status)), e.message, e.extensions ?? {});
  } catch {
    // not JSON: reported with the status below
  }
  return new RemoteError(String(res.status), `${res.status} ${res.statusText}: ${text.slice(0, 300)}`);
}

export async function graphql<T>(conn: Connection, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await request(conn, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  if (!res.ok && res.headers.get('content-type')?.includes('json') !== true) throw await failure(res);
  const body = (await res.json()) as GqlBody;
  const e = body.errors?.[0];
  if (e) throw new RemoteError(codeOf(e.extensions, 'ERROR'), e.message, e.extensions ?? {});
  return body.data as T;
}

export async function uploadBlob(conn: Connection, bytes: Uint8Array): Promise<{ sha256: string; bytes: number }> {
  const res = await request(conn, '/blobs', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
  if (res.status !== 201) throw await failure(res);
  return (await res.json()) as { sha256: string; bytes: number };
}

const SCORER_FIELDS = `id live shadow liveHistory
  versions { version description timeoutMs modelSha256 modelBytes publishedAt publishedBy loadedHere problem inputs { name columns } output { name meaning } }
  agreement { version strategyId requests failures meanRankCorrelation meanTopNOverlap p50Ms p95Ms }`;

export interface ScorerStatus {
  id: string;
  live: string | null;
  shadow: string | null;
  liveHistory: string[];
  versions: Array<{
    version: string;
    description: string;
    timeoutMs: number;
    modelSha256: string;
    modelBytes: number;
    publishedAt: string;
    publishedBy: string;
    loadedHere: boolean;
    problem: string | null;
  }>;
  agreement: Array<{
    version: string;
    strategyId: string;
    requests: number;
    failures: number;
    meanRankCorrelation: number | null;
    meanTopNOverlap: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
  }>;
}

/** Upload `<dir>/model.onnx`, publish it with `<dir>/manifest.json`; optionally promote. */
export async function publishDir(conn: Connection, dir: string, opts: { shadow: boolean; promote: boolean }): Promise<ScorerStatus> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (err) {
    throw new RemoteError('INVALID_MANIFEST', `cannot read ${join(dir, MANIFEST_FILE)}: ${(err as Error).message}`, { field: MANIFEST_FILE });
  }
  let model: Uint8Array;
  try {
    model = readFileSync(join(dir, MODEL_FILE));
  } catch (err) {
    throw new RemoteError('MODEL_PROBE_FAILED', `cannot read ${join(dir, MODEL_FILE)}: ${(err as Error).message}`, { problem: 'unreadable' });
  }
  const blob = await uploadBlob(conn, model);
  const published = await graphql<{ publishScorer: ScorerStatus }>(
    conn,
    `mutation($m: JSONObject!, $b: String!, $s: Boolean!) { publishScorer(manifest: $m, model: $b, shadow: $s) { ${SCORER_FIELDS} } }`,
    {
      m: manifest,
      b: blob.sha256,
      s: opts.shadow,
    },
  );
  if (!opts.promote) return published.publishScorer;
  const version = published.publishScorer.versions.at(-1)!.version;
  return (
    await graphql<{ promoteScorer: ScorerStatus }>(conn, `mutation($id: String!, $v: String) { promoteScorer(id: $id, version: $v) { ${SCORER_FIELDS} } }`, {
      id: published.publishScorer.id,
      v: version,
    })
  ).promoteScorer;
}

const fmt = (x: number | null, digits = 3): string => (x === null ? '-' : x.toFixed(digits));

/** A human summary of one published scorer: versions, lifecycle, shadow agreement. */
export function describeScorer(s: ScorerStatus): string {
  const lines = [`${s.id}  live: ${s.live ?? '-'}  shadow: ${s.shadow ?? '-'}  earlier live: ${s.liveHistory.join(', ') || '-'}`];
  for (const v of s.versions) {
    const role = [v.version === s.live ? 'LIVE' : '', v.version === s.shadow ? 'SHADOW' : ''].filter(Boolean).join('+') || '-';
    lines.push(
      `  ${v.version.padEnd(10)} ${role.padEnd(12)} ${v.loadedHere ? 'loaded' : 'not loaded'}  ${v.modelBytes} B  by ${v.publishedBy} at ${v.publishedAt}${v.problem ? `  PROBLEM: ${v.problem}` : ''}`,
    );
  }
  if (s.agreement.length > 0) {
    lines.push('  shadow agreement (this instance):  version  strategy  requests  failures  rank-corr  top-N overlap  p50 ms  p95 ms');
    for (const a of s.agreement) {
      lines.push(`    ${a.version}  ${a.strategyId}  ${a.requests}  ${a.failures}  ${fmt(a.meanRankCorrelation)}  ${fmt(a.meanTopNOverlap)}  ${fmt(a.p50Ms, 2)}  ${fmt(a.p95Ms, 2)}`);
    }
  } else if (s.shadow) {
    lines.push('  shadow agreement: no shadowed request yet on this instance (send feed traffic; SHADOW_SAMPLE_RATE sets the share)');
  }
  return `${lines.join('\n')}\n`;
}

export interface ConnOptions {
  url?: string;
  key?: string;
}

export function connection(o: ConnOptions): Connection {
  const key = o.key ?? process.env.RECGATE_KEY;
  if (!key) throw new RemoteError('UNAUTHENTICATED', 'an admin API key is needed: pass --key or set RECGATE_KEY (create one with `keys create --role admin`)');
  return { url: o.url ?? process.env.RECGATE_URL ?? 'http://127.0.0.1:4000', key };
}

/** What every remote command shares: the connection flags, and printing its result or its coded refusal (exit code 1). */
export function remoteCommandKit(out: Out, err: Out) {
  return {
    withConn: (c: Command): Command => c.option('--url <url>', 'gateway base URL (default RECGATE_URL or http://127.0.0.1:4000)').option('--key <key>', 'admin API key (default RECGATE_KEY)'),
    run:
      <A extends unknown[]>(work: (...args: A) => Promise<string>) =>
      async (...args: A): Promise<void> => {
        try {
          out(await work(...args));
        } catch (e) {
          if (!(e instanceof RemoteError)) throw e;
          err(e.describe());
          process.exitCode = 1;
        }
      },
  };
}

/** Add publish, status, promote, rollback and shadow to the `scorer` group. */
export function addRemoteScorerCommands(group: Command, out: Out = (t) => process.stdout.write(t), err: Out = (t) => process.stderr.write(t)): void {
  const { withConn, run } = remoteCommandKit(out, err);
  const mutateOne = async (o: ConnOptions, field: string, args: string, vars: Record<string, unknown>): Promise<string> => {
    const data = await graphql<Record<string, ScorerStatus>>(connection(o), `mutation(${args}) { ${field} { ${SCORER_FIELDS} } }`, vars);
    return describeScorer(data[field.split('(')[0]!]!);
  };
  withConn(group.command('publish').description('upload <dir>/model.onnx and publish it with <dir>/manifest.json (checked by the gateway first); shadowed by default'))
    .argument('<dir>', 'folder holding manifest.json and model.onnx (`scorer init` writes one)')
    .option('--no-shadow', 'do not start shadowing the new version')
    .option('--promote', 'serve it at once to strategies naming the id', false)
    .action(run(async (dir: string, o: ConnOptions & { shadow: boolean; promote: boolean }) => `published\n${describeScorer(await publishDir(connection(o), resolve(dir), o))}`));
  withConn(group.command('status').description('published scorers: versions, lifecycle, shadow agreement on the instance that answers'))
    .argument('[id]', 'only this scorer id')
    .option('--json', 'print the raw answer as JSON', false)
    .action(
      run(async (id: string | undefined, o: ConnOptions & { json: boolean }) => {
        const data = await graphql<{ publishedScorers: ScorerStatus[] }>(connection(o), `query($id: String) { publishedScorers(id: $id) { ${SCORER_FIELDS} } }`, { id: id ?? null });
        if (o.json) return `${JSON.stringify(data.publishedScorers, null, 2)}\n`;
        return data.publishedScorers.length === 0 ? 'no scorer has been published\n' : data.publishedScorers.map(describeScorer).join('\n');
      }),
    );
  withConn(group.command('promote').description('serve a version (default: the shadowed one, else the highest) to strategies naming the id'))
    .argument('<id>')
    .argument('[version]')
    .action(run((id: string, version: string | undefined, o: ConnOptions) => mutateOne(o, 'promoteScorer(id: $id, version: $v)', '$id: String!, $v: String', { id, v: version ?? null })));
  withConn(group.command('rollback').description('serve the version that was live before the current one'))
    .argument('<id>')
    .action(run((id: string, o: ConnOptions) => mutateOne(o, 'rollbackScorer(id: $id)', '$id: String!', { id })));
  withConn(group.command('shadow').description('shadow a version (scored on live requests, never blended), or stop with --off'))
    .argument('<id>')
    .argument('[version]')
    .option('--off', 'stop shadowing', false)
    .action(
      run((id: string, version: string | undefined, o: ConnOptions & { off: boolean }) => {
        if (!o.off && version === undefined) throw new RemoteError('BAD_USER_INPUT', 'give the version to shadow, or --off to stop shadowing', { field: 'version' });
        return mutateOne(o, 'shadowScorer(id: $id, version: $v)', '$id: String!, $v: String', { id, v: o.off ? null : version });
      }),
    );
}
