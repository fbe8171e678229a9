/**
 * Start a real gateway (HTTP on a free loopback port) over a fresh embedded SQLite file, and a
 * typed GraphQL client for it. Each call gets its own temp directory; `stop` removes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import pino from 'pino';
import { loadConfig } from '../../config/config';
import { createGraphStore } from '../../graph/factory';
import type { GraphStore } from '../../graph/port';
import type { Strategy } from '../../pipeline/strategy';
import type { ScorerPlugin } from '../../plugins/sdk/contract';
import { startGateway, type Gateway } from '../../server/gateway';

export interface GqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly store: GraphStore;
  readonly dir: string;
  gql<T, V>(doc: TypedDocumentNode<T, V>, variables?: V): Promise<GqlResponse<T>>;
  /** POST raw text (for hand-written queries). */
  raw(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<Record<string, unknown>>>;
  get(path: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestGateway(opts: { plugins?: ScorerPlugin[]; strategy?: Strategy; env?: Record<string, string> } = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'recgate-test-'));
  // DUVE_MODEL_DIR defaults to an empty folder of this gateway: DUVE is off unless a test hands it a model.
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DB_PATH: join(dir, 'store.db'), DUVE_MODEL_DIR: join(dir, 'models', 'duve'), EXPERIMENTS_DB_PATH: join(dir, 'experiments.db'), LOG_LEVEL: 'silent', ...opts.env });
  const store = await createGraphStore({ kind: 'embedded', path: config.dbPath });
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      config,
      store,
      logger: pino({ level: 'silent' }),
      ...(opts.plugins ? { plugins: opts.plugins } : {}),
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
    });
  } catch (err) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const post = async (query: string, variables: unknown): Promise<GqlResponse<never>> => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as GqlResponse<never>;
  };
  return {
    gateway,
    store,
    dir,
    gql: (doc, variables) => post(print(doc), variables),
    raw: (query, variables) => post(query, variables),
    get: (path) => fetch(gateway.url.replace('/graphql', path)),
    async stop() {
      await gateway.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
