/**
 * I/O-free stand-ins for the serving side of the scorer platform (publishing/serving.ts,
 * publishing/sync.ts): an in-memory CatalogStore, published versions, and ServingDeps whose
 * plugins, feeds and blobs record what was asked of them.
 */
import { createHash } from 'node:crypto';
import type { ShadowOptions } from '../../pipeline/shadow';
import type { StrategyCatalog } from '../../pipeline/strategies';
import { parseStrategy, type Strategy } from '../../pipeline/strategy';
import type { FeedService } from '../../pipeline/feed';
import type { PluginLogger, Scorer, ScorerPlugin } from '../../plugins/sdk/contract';
import type { FeatureKey } from '../../plugins/sdk/features';
import type { RegisteredScorer, ScorerRegistry } from '../../plugins/sdk/registry';
import { EMPTY_CATALOG, type BlobRef, type CatalogChangeRecord, type CatalogDoc, type CatalogStore, type PublishedScorerVersion } from '../../publishing/catalog/port';
import type { ScorerManifest } from '../../publishing/manifest';
import type { ServingDeps } from '../../publishing/serving';
import type { Transition } from '../../publishing/state';

export const ACTOR = { keyId: 'k-test', keyName: 'test' };

/** A published version of `id` whose model blob is `sha-<id>@<version>`. */
export function publishedVersion(id: string, version: string, timeoutMs = 50): PublishedScorerVersion {
  const manifest: ScorerManifest = {
    id: id as ScorerManifest['id'],
    version,
    description: '',
    features: ['item.stats'],
    inputs: [{ name: 'features', columns: ['item.stats.purchase'] }],
    output: { name: 'score', meaning: 'score' },
    timeoutMs,
  };
  return { manifest, model: { sha256: `sha-${id}@${version}`, bytes: 4 }, publishedAt: 1, publishedBy: ACTOR };
}

export interface MemoryCatalog extends CatalogStore {
  /** Write a transition computed on the current document (as the publishing service does); resolves the new revision. */
  commit(make: (doc: CatalogDoc) => Transition): Promise<number>;
}

/** A CatalogStore in memory, with the port's compare-and-set and change-log semantics. */
export function createMemoryCatalog(): MemoryCatalog {
  let revision = 0;
  let doc: CatalogDoc = EMPTY_CATALOG;
  const log: CatalogChangeRecord[] = [];
  const blobs = new Map<string, Uint8Array>();
  const store: MemoryCatalog = {
    kind: 'sqlite',
    read: async () => ({ revision, doc }),
    async write(expected, next, change) {
      if (expected !== revision) return false;
      revision++;
      doc = next;
      log.push({ ...change, revision });
      return true;
    },
    changesSince: async (after, limit = 100) => log.filter((r) => r.revision > after).slice(0, limit),
    async putBlob(bytes): Promise<BlobRef> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      blobs.set(sha256, Uint8Array.from(bytes));
      return { sha256, bytes: bytes.length };
    },
    getBlob: async (sha256) => blobs.get(sha256) ?? null,
    close: async () => undefined,
    async commit(make) {
      const t = make(doc);
      if (!(await store.write(revision, t.doc, t.change))) throw new Error('memory catalog: concurrent write');
      return revision;
    },
  };
  return store;
}

/** A feed that records what it was built with. */
export interface FakeFeed extends FeedService {
  readonly registry: ScorerRegistry;
  readonly shadow: ShadowOptions | undefined;
}

export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string | undefined;
}

export interface ServingFakes {
  readonly deps: ServingDeps;
  /** The one scorer loaded from code: `code/a` 1.0.0. */
  readonly code: RegisteredScorer;
  readonly codeClose: jest.Mock;
  /** `id@version` of every makePlugin call, in order. */
  readonly made: string[];
  /** `id@version` of every published scorer closed, in order. */
  readonly closed: string[];
  readonly feeds: FakeFeed[];
  readonly logs: LoggedLine[];
  /** `id@version` whose makePlugin throws. */
  readonly failMake: Set<string>;
  /** `id@version` whose setup rejects. */
  readonly failSetup: Set<string>;
  /** `id@version` whose model blob the catalog does not have. */
  readonly missingBlob: Set<string>;
  /** Hold every setup until `release()`. */
  hold(): void;
  release(): void;
  /** The scorer served for `id@version` by makePlugin (the last one made). */
  readonly scorers: Map<string, Scorer<readonly FeatureKey[]>>;
}

export const strategy = (id: string, scorers: ReadonlyArray<{ id: string; version?: string }>, patch: Record<string, unknown> = {}): Strategy =>
  parseStrategy({ id, scorers: scorers.map((s) => ({ ...s, weight: 1 })), ...patch });

export interface ServingFakesOptions {
  /** Strategies from the gateway's files; default only the boot default, `default` naming `code/a`. */
  readonly files?: readonly Strategy[];
  /** ServingDeps.retireAfterMs; default: left out, so the module's own default (30 000) applies. */
  readonly retireAfterMs?: number;
}

export function createServingFakes(opts: ServingFakesOptions = {}): ServingFakes {
  const codeClose = jest.fn(async () => undefined);
  const code: RegisteredScorer = { id: 'code/a', version: '1.0.0', features: ['item.stats'], timeoutMs: 50, scorer: { score: async (r) => new Float32Array(r.itemIds.length), close: codeClose } };
  const codeRegistry: ScorerRegistry = {
    get: (id, version) => (id === code.id && (version === undefined || version === code.version) ? code : undefined),
    list: () => [code],
    skipped: [],
    close: async () => undefined,
  };
  const files = opts.files ?? [strategy('default', [{ id: 'code/a' }])];
  const bootStrategies: StrategyCatalog = { defaultId: files[0]!.id, strategies: new Map(files.map((s) => [s.id, s])), skipped: [] };
  const made: string[] = [];
  const closed: string[] = [];
  const feeds: FakeFeed[] = [];
  const logs: LoggedLine[] = [];
  const failMake = new Set<string>();
  const failSetup = new Set<string>();
  const missingBlob = new Set<string>();
  const scorers = new Map<string, Scorer<readonly FeatureKey[]>>();
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  const line =
    (level: LoggedLine['level']) =>
    (obj: object, msg?: string): void => {
      logs.push({ level, obj, msg });
    };
  const logger: PluginLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };

  const makePlugin = (v: PublishedScorerVersion, model: Uint8Array): ScorerPlugin => {
    const k = `${v.manifest.id}@${v.manifest.version}`;
    made.push(k);
    if (failMake.has(k)) throw new Error(`cannot open the model of ${k}`);
    if (new TextDecoder().decode(model) !== `model ${v.model.sha256}`) throw new Error(`${k} was handed the wrong model bytes`);
    return {
      id: v.manifest.id,
      version: v.manifest.version,
      features: v.manifest.features,
      timeoutMs: v.manifest.timeoutMs,
      async setup() {
        if (gate) await gate.promise;
        if (failSetup.has(k)) throw new Error(`setup of ${k} failed`);
        const scorer: Scorer<readonly FeatureKey[]> = {
          score: async (r) => new Float32Array(r.itemIds.length),
          close: async () => {
            closed.push(k);
          },
        };
        scorers.set(k, scorer);
        return scorer;
      },
    };
  };

  const deps: ServingDeps = {
    codeRegistry,
    bootStrategies,
    makeFeed(s, registry, shadow) {
      const feed: FakeFeed = { strategy: s, digest: `${s.id}@fake`, registry, shadow, feed: () => Promise.reject(new Error('a fake feed serves nothing')) };
      feeds.push(feed);
      return feed;
    },
    readBlob: async (sha256) => (missingBlob.has(sha256.replace(/^sha-/, '')) ? null : new TextEncoder().encode(`model ${sha256}`)),
    makePlugin,
    shadowSampleRate: 0.25,
    recordShadow: () => undefined,
    logger,
    ...(opts.retireAfterMs === undefined ? {} : { retireAfterMs: opts.retireAfterMs }),
  };
  return {
    deps,
    code,
    codeClose,
    made,
    closed,
    feeds,
    logs,
    failMake,
    failSetup,
    missingBlob,
    scorers,
    hold() {
      let open = (): void => undefined;
      const promise = new Promise<void>((r) => (open = r));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = null;
    },
  };
}
