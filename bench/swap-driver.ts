/**
 * The admin side of bench:swap: publish a linear scorer version over the admin API (POST /blobs,
 * then the publishScorer and promoteScorer mutations), publish a strategy, and a driver that swaps
 * versions at even intervals while the load runs, timing each step and how long /healthz takes
 * to list the new version.
 */
import { scaffoldLinearScorer } from '../publishing/scaffold';
import { bearer, post } from './child-gateway';

/** Columns of the bench scorer: item statistics the Taobao import fills (views, carts, purchases, users). */
export const SWAP_COLUMNS = ['log1p(item.stats.view.decayed)', 'log1p(item.stats.add_to_cart.decayed)', 'log1p(item.stats.purchase)', 'log1p(item.stats.users)'] as const;

const PUBLISH = 'mutation($m:JSONObject!,$sha:String!){publishScorer(manifest:$m,model:$sha,shadow:false){id live versions{version}}}';
const PROMOTE = 'mutation($id:String!,$v:String){promoteScorer(id:$id,version:$v){id live}}';
const STRATEGY = 'mutation($s:JSONObject!){publishStrategy(strategy:$s){id live servedHere problem}}';

export interface AdminApi {
  /** Gateway base URL (`http://host:port`). */
  readonly base: string;
  /** An admin key (scorers:write, health:read). */
  readonly key: string;
}

/** Weights of version number `k` (1-based): in [0.1, 0.9], a different vector for every version. */
export function weightsOf(k: number): number[] {
  return SWAP_COLUMNS.map((_, j) => 0.5 + 0.4 * Math.sin(1.3 * k + 2.1 * j));
}

async function graphql(api: AdminApi, query: string, variables: Record<string, unknown>): Promise<{ data: Record<string, unknown>; ms: number }> {
  const r = await post(`${api.base}/graphql`, JSON.stringify({ query, variables }), bearer(api.key));
  const json = r.json as { data?: Record<string, unknown> | null; errors?: unknown } | null;
  if (r.status !== 200 || !json?.data || json.errors !== undefined) throw new Error(`admin call failed (${r.status}): ${r.text.slice(0, 500)}`);
  return { data: json.data, ms: r.ms };
}

export interface PublishTimings {
  readonly version: string;
  readonly uploadMs: number;
  readonly publishMs: number;
  readonly promoteMs: number;
}

/** Upload, publish (not shadowed) and promote `scorerId@1.0.<k - 1>` with the weights of `k`; the manifest's timeoutMs is `timeoutMs`. */
export async function publishAndPromote(api: AdminApi, scorerId: string, k: number, timeoutMs: number): Promise<PublishTimings> {
  const version = `1.0.${k - 1}`;
  const scaffold = scaffoldLinearScorer({ id: scorerId, columns: SWAP_COLUMNS, weights: weightsOf(k), version });
  const manifest = { ...scaffold.manifest, timeoutMs };
  const modelBytes = scaffold.modelBytes;
  const t0 = performance.now();
  const res = await fetch(`${api.base}/blobs`, { method: 'POST', headers: { ...bearer(api.key), 'content-type': 'application/octet-stream' }, body: modelBytes });
  const ref = (await res.json()) as { sha256?: string };
  const uploadMs = Math.round((performance.now() - t0) * 10) / 10;
  if (res.status !== 201 || typeof ref.sha256 !== 'string') throw new Error(`POST /blobs answered ${res.status}: ${JSON.stringify(ref)}`);
  const published = await graphql(api, PUBLISH, { m: manifest, sha: ref.sha256 });
  const promoted = await graphql(api, PROMOTE, { id: scorerId, v: version });
  const live = (promoted.data.promoteScorer as { live?: string } | undefined)?.live;
  if (live !== version) throw new Error(`promoteScorer left ${live} live, not ${version}`);
  return { version, uploadMs, publishMs: published.ms, promoteMs: promoted.ms };
}

/** Publish `strategy` (JSON as in strategies/*.json); throws unless this gateway serves it. */
export async function publishStrategy(api: AdminApi, strategy: unknown): Promise<void> {
  const r = await graphql(api, STRATEGY, { s: strategy });
  const s = r.data.publishStrategy as { servedHere?: boolean; problem?: string | null };
  if (s.servedHere !== true) throw new Error(`strategy published but not served: ${s.problem}`);
}

/**
 * Poll /healthz (every 5 ms, admin key) until `scorers` lists `id@version`: ms waited and polls
 * made (1: the first answer listed it, so the wait is that request's round trip under the load).
 */
export async function waitHealthzLists(api: AdminApi, idAtVersion: string, timeoutMs = 30_000): Promise<{ ms: number; polls: number }> {
  const t0 = performance.now();
  let polls = 0;
  while (performance.now() - t0 < timeoutMs) {
    polls++;
    const body = (await (await fetch(`${api.base}/healthz`, { headers: bearer(api.key) })).json()) as { scorers?: string[] };
    if (body.scorers?.includes(idAtVersion)) return { ms: Math.round((performance.now() - t0) * 10) / 10, polls };
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`/healthz did not list ${idAtVersion} within ${timeoutMs} ms`);
}

export interface SwapRecord extends PublishTimings {
  /** Seconds into the run at which the swap was due and at which it started. */
  readonly dueAtS: number;
  readonly startedAtS: number;
  /** Upload + publish + promote, ms. */
  readonly totalMs: number;
  /** Epoch ms when promoteScorer answered. */
  readonly promotedAt: number;
  /** From promoteScorer's answer until a /healthz answer listed the version, ms. */
  readonly healthzDelayMs: number;
  /** /healthz requests made until one listed it (1: listed at the first look). */
  readonly healthzPolls: number;
  /** Why the swap failed (the other figures are NaN then); null when it went through. */
  readonly error: string | null;
}

export interface SwapDriverOptions {
  readonly api: AdminApi;
  readonly scorerId: string;
  /** Swaps to make. */
  readonly swaps: number;
  /** Seconds the load runs; swap i is due at 0.5 + i * duration / swaps s, so the last one has time to be seen in feeds. */
  readonly duration: number;
  /** Version number of the first swap (`1.0.<firstK - 1>`); later swaps count up. */
  readonly firstK: number;
  /** The manifests' timeoutMs (admission's probe limit and the per-request scoring deadline). */
  readonly timeoutMs: number;
}

/** Make `swaps` swaps spread evenly over `duration` seconds, one after another. */
export async function driveSwaps(o: SwapDriverOptions): Promise<SwapRecord[]> {
  const t0 = performance.now();
  const out: SwapRecord[] = [];
  for (let i = 0; i < o.swaps; i++) {
    const dueAtS = 0.5 + (i * o.duration) / o.swaps;
    const wait = dueAtS * 1000 - (performance.now() - t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const startedAtS = Math.round(performance.now() - t0) / 1000;
    const s0 = performance.now();
    const due = Math.round(dueAtS * 1000) / 1000;
    try {
      const t = await publishAndPromote(o.api, o.scorerId, o.firstK + i, o.timeoutMs);
      const promotedAt = Date.now();
      const totalMs = Math.round((performance.now() - s0) * 10) / 10;
      const seen = await waitHealthzLists(o.api, `${o.scorerId}@${t.version}`);
      out.push({ ...t, dueAtS: due, startedAtS, totalMs, promotedAt, healthzDelayMs: seen.ms, healthzPolls: seen.polls, error: null });
    } catch (err) {
      // A failed swap is a finding, not a reason to stop the load: record it and go on.
      const nan = Number.NaN;
      out.push({
        version: `1.0.${o.firstK + i - 1}`,
        uploadMs: nan,
        publishMs: nan,
        promoteMs: nan,
        dueAtS: due,
        startedAtS,
        totalMs: nan,
        promotedAt: nan,
        healthzDelayMs: nan,
        healthzPolls: 0,
        error: (err as Error).message,
      });
    }
  }
  return out;
}
