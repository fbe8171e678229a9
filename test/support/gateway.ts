/**
 * Start a real gateway (HTTP on a free loopback port) over a fresh embedded SQLite file, and a
 * typed GraphQL client for it. Each call gets its own temp directory; `stop` removes it.
 * Auth is on, as in production: an admin key is created at start and sent with every request
 * unless a call passes `{ key: <another key> }` or `{ key: null }` (no key). Rate limits are on, at
 * TEST_RATE_LIMITS (high: tests send bursts from one key); a test of the limits passes RATE_LIMITS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../config/config';
import { createGraphStore } from '../../graph/factory';
import type { GraphStore } from '../../graph/port';
import type { Strategy } from '../../pipeline/strategy';
import { ROLES, type Role } from '../../services/access/scopes';
import type { ScorerPlugin } from '../../plugins/sdk/contract';
import { startGateway, type Gateway, type GatewayOptions } from '../../server/gateway';

/** Every role at 100,000/s burst 100,000: on, and never reached by a test's requests. */
export const TEST_RATE_LIMITS = ROLES.map((r) => `${r}=100000/s:100000`).join(',');

export interface GqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Which key a request sends: the admin key by default, another secret, or none (null). */
export interface KeyOption {
  readonly key?: string | null;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly store: GraphStore;
  readonly dir: string;
  /** The admin key created at start (sent by default). */
  readonly adminKey: string;
  gql<T, V>(doc: TypedDocumentNode<T, V>, variables?: V, opts?: KeyOption): Promise<GqlResponse<T>>;
  /** POST raw text (for hand-written queries). */
  raw(query: string, variables?: Record<string, unknown>, opts?: KeyOption): Promise<GqlResponse<Record<string, unknown>>>;
  get(path: string, opts?: KeyOption): Promise<Response>;
  /** Headers for a hand-made fetch: content-type and the key (admin by default). */
  headers(opts?: KeyOption): Record<string, string>;
  /** Create a key of `role` (a partner key needs segments) and return its secret. */
  keyFor(role: Role, segments?: readonly string[]): string;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  readonly plugins?: ScorerPlugin[];
  readonly strategy?: Strategy;
  /** Environment on top of the test defaults. */
  readonly env?: Record<string, string>;
  /** The gateway's logger. Default: a silent pino. */
  readonly logger?: Logger;
  /** How a published version becomes a plugin (GatewayOptions.publishedScorer). Default the ONNX scorer. */
  readonly publishedScorer?: GatewayOptions['publishedScorer'];
  /** The job queue (GatewayOptions.jobs). Default: the gateway's own. */
  readonly jobs?: GatewayOptions['jobs'];
  /** A DDPG fusion policy to serve (GatewayOptions.dpgcnPolicy; the test closes it). Default none. */
  readonly dpgcnPolicy?: GatewayOptions['dpgcnPolicy'];
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-test-'));
  // DUVE_MODEL_DIR defaults to an empty folder of this gateway: DUVE is off unless a test hands it a model.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DB_PATH: join(dir, 'store.db'),
    DUVE_MODEL_DIR: join(dir, 'models', 'duve'),
    DUVE2_MODEL_DIR: join(dir, 'models', 'duve2'),
    LTR_MODEL_DIR: join(dir, 'models', 'ltr'),
    DPGCN_MODELS_DIR: join(dir, 'models', 'dpgcn'),
    DPGCN_POLICY_DB_PATH: join(dir, 'dpgcn-policy.db'),
    // IRA off unless a test turns it on (env IRA_DB_PATH): its ira/policy scorer would join every registry and /healthz list.
    IRA_DB_PATH: '',
    MTL_ADS_MODELS_DIR: join(dir, 'models', 'mtl-ads'),
    STRATEGIES_DIR: join(dir, 'strategies'),
    EXPERIMENTS_DB_PATH: join(dir, 'experiments.db'),
    PUBLISHED_DB_PATH: join(dir, 'published.db'),
    ACCESS_DB_PATH: join(dir, 'access.db'),
    LOG_LEVEL: 'silent',
    RATE_LIMITS: TEST_RATE_LIMITS,
    ...opts.env,
  });
  const store = await createGraphStore({ kind: 'embedded', path: config.dbPath, ceiling: { maxUsers: config.storeMaxUsers, maxItems: config.storeMaxItems, maxEvents: config.storeMaxEvents } });
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      config,
      store,
      logger: opts.logger ?? pino({ level: 'silent' }),
      ...(opts.plugins ? { plugins: opts.plugins } : {}),
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.publishedScorer ? { publishedScorer: opts.publishedScorer } : {}),
      ...(opts.jobs ? { jobs: opts.jobs } : {}),
      ...(opts.dpgcnPolicy ? { dpgcnPolicy: opts.dpgcnPolicy } : {}),
    });
  } catch (err) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const adminKey = gateway.access.keys.create({ name: 'test-admin', role: 'admin' }).secret;
  const headers = (o: KeyOption = {}): Record<string, string> => {
    const key = o.key === undefined ? adminKey : o.key;
    return { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) };
  };
  let keys = 0;
  const post = async (query: string, variables: unknown, o?: KeyOption): Promise<GqlResponse<never>> => {
    const res = await fetch(gateway.url, { method: 'POST', headers: headers(o), body: JSON.stringify({ query, variables }) });
    return (await res.json()) as GqlResponse<never>;
  };
  return {
    gateway,
    store,
    dir,
    adminKey,
    gql: (doc, variables, o) => post(print(doc), variables, o),
    raw: (query, variables, o) => post(query, variables, o),
    get: (path, o) => fetch(gateway.url.replace('/graphql', path), { headers: headers(o) }),
    headers,
    keyFor: (role, segments) => gateway.access.keys.create({ name: `test-${role}-${++keys}`, role, ...(segments ? { segments } : {}) }).secret,
    async stop() {
      await gateway.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
