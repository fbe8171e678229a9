/**
 * What one gateway serves, rebuilt from the published catalog whenever it changes: the scorer
 * registry (scorers from code plus the published versions that are live, shadowed or pinned by a
 * strategy), one feed service per strategy (the gateway's files, overridden by published
 * versions), and the shadow scorers.
 *
 * A swap is atomic: a new `ServingSet` is built aside, then replaces the current one in a single
 * assignment. A request reads the set once when it starts (the GraphQL context copies `feed` and
 * `feeds`), so it runs entirely on the old set or entirely on the new one. Scorers the new set no
 * longer needs are closed `retireAfterMs` later, once requests that started before the swap have
 * ended (a feed request is bounded by its scorers' deadlines, far below the default 30 s).
 */
import { CodedError } from '../errors/errors';
import type { FeedService } from '../pipeline/feed';
import type { ShadowObservation, ShadowOptions } from '../pipeline/shadow';
import type { StrategyCatalog } from '../pipeline/strategies';
import { checkStrategy, parseStrategy, type Strategy } from '../pipeline/strategy';
import type { PluginLogger, ScorerPlugin } from '../plugins/sdk/contract';
import type { FeatureKey } from '../plugins/sdk/features';
import type { RegisteredScorer, ScorerRegistry, SkippedScorer } from '../plugins/sdk/registry';
import { ErrorCode } from '../errors/codes';
import type { CatalogDoc, CatalogSnapshot, PublishedScorerVersion } from './catalog/port';
import { EMPTY_CATALOG } from './catalog/port';
import { findScorerVersion } from './state';

/** A strategy this instance does not serve, and why. */
export interface SkippedStrategy {
  readonly id: string;
  /** `file` (STRATEGIES_DIR / STRATEGY_FILE) or `published@<version>`. */
  readonly source: string;
  readonly reason: string;
}

export interface ServingSet {
  /** Catalog revision this set was built from (0: nothing published). */
  readonly revision: number;
  readonly doc: CatalogDoc;
  /** Scorers from code and the published versions loaded here. */
  readonly registry: ScorerRegistry;
  /** The default strategy's feed. */
  readonly feed: FeedService;
  /** Every servable strategy's feed, by id. */
  readonly feeds: ReadonlyMap<string, FeedService>;
  /** Where each served strategy comes from: `file`, or `published@<version>`. */
  readonly strategySources: ReadonlyMap<string, string>;
  readonly skippedStrategies: readonly SkippedStrategy[];
  /** Published versions in shadow mode here. */
  readonly shadows: readonly RegisteredScorer[];
}

export interface ServingDeps {
  /** Scorers loaded from code at boot. */
  readonly codeRegistry: ScorerRegistry;
  /** The default strategy and the strategy files, as loaded at boot (not yet checked). */
  readonly bootStrategies: StrategyCatalog;
  readonly makeFeed: (strategy: Strategy, registry: ScorerRegistry, shadow: ShadowOptions | undefined) => FeedService;
  readonly readBlob: (sha256: string) => Promise<Uint8Array | null>;
  /** The plugin serving a published version from its model bytes (publishing/onnx-scorer.ts). */
  readonly makePlugin: (version: PublishedScorerVersion, model: Uint8Array) => ScorerPlugin;
  /** Share of requests shadow-scored, in [0, 1]. */
  readonly shadowSampleRate: number;
  readonly recordShadow: (o: ShadowObservation) => void;
  readonly logger: PluginLogger;
  /** Delay before a scorer no longer served is closed (ms). Default 30 000. */
  readonly retireAfterMs?: number;
}

export interface Serving {
  current(): ServingSet;
  /** Rebuild from a catalog snapshot and swap (applies run one at a time; an older or equal revision is ignored). */
  apply(snapshot: CatalogSnapshot): Promise<ServingSet>;
  /** Close every scorer this module loaded (now, including retiring ones). */
  close(): Promise<void>;
}

const key = (id: string, version: string): string => `${id}@${version}`;

/** The published versions a document needs loaded: live and shadow versions, and versions pinned by strategies. */
function neededVersions(doc: CatalogDoc, strategies: readonly Strategy[]): Map<string, PublishedScorerVersion> {
  const out = new Map<string, PublishedScorerVersion>();
  const want = (id: string, version: string | null | undefined): void => {
    if (!version) return;
    const v = findScorerVersion(doc, id, version);
    if (v) out.set(key(id, version), v);
  };
  for (const [id, e] of Object.entries(doc.scorers)) {
    want(id, e.live);
    want(id, e.shadow);
  }
  for (const s of strategies) for (const sc of s.scorers) if (sc.version && Object.hasOwn(doc.scorers, sc.id)) want(sc.id, sc.version);
  return out;
}

export async function createServing(deps: ServingDeps, initial: CatalogSnapshot = { revision: 0, doc: EMPTY_CATALOG }): Promise<Serving> {
  const { codeRegistry, logger } = deps;
  const retireAfterMs = deps.retireAfterMs ?? 30_000;
  const loaded = new Map<string, RegisteredScorer>();
  const retiring = new Map<RegisteredScorer, NodeJS.Timeout>();
  let chain: Promise<unknown> = Promise.resolve();

  const closeOne = async (r: RegisteredScorer): Promise<void> => {
    try {
      await r.scorer.close?.();
    } catch (err) {
      logger.error({ scorerId: r.id, version: r.version, err: (err as Error).message }, 'published scorer close failed');
    }
  };

  async function load(v: PublishedScorerVersion): Promise<RegisteredScorer> {
    const { manifest } = v;
    const bytes = await deps.readBlob(v.model.sha256);
    if (bytes === null) throw new CodedError(ErrorCode.INVALID_PLUGIN, `model blob ${v.model.sha256} of ${manifest.id}@${manifest.version} is not in the catalog`);
    const plugin = deps.makePlugin(v, bytes);
    const scorer = await plugin.setup({
      logger,
      settings: {},
      loadModel: () => Promise.reject(new Error('a published scorer serves the model it was published with')),
    });
    return { id: plugin.id, version: plugin.version, features: [...plugin.features] as FeatureKey[], timeoutMs: manifest.timeoutMs, scorer };
  }

  function strategiesOf(doc: CatalogDoc, skipped: SkippedStrategy[]): { list: Strategy[]; sources: Map<string, string> } {
    const byId = new Map<string, Strategy>(deps.bootStrategies.strategies);
    const sources = new Map<string, string>([...byId.keys()].map((id) => [id, 'file']));
    for (const [id, e] of Object.entries(doc.strategies)) {
      if (e.live === null) continue;
      const v = e.versions.find((x) => x.version === e.live);
      try {
        const s = parseStrategy(v?.strategy);
        byId.set(id, s);
        sources.set(id, `published@${e.live}`);
      } catch (err) {
        skipped.push({ id, source: `published@${e.live}`, reason: (err as Error).message });
      }
    }
    return { list: [...byId.values()], sources };
  }

  async function build(snapshot: CatalogSnapshot, previous: ServingSet | null): Promise<{ set: ServingSet; unused: RegisteredScorer[] }> {
    const { doc } = snapshot;
    const skippedStrategies: SkippedStrategy[] = [];
    const { list, sources } = strategiesOf(doc, skippedStrategies);
    const needed = neededVersions(doc, list);
    const failed: SkippedScorer[] = [];
    for (const [k, v] of needed) {
      if (loaded.has(k)) continue;
      try {
        loaded.set(k, await load(v));
        logger.info({ scorerId: v.manifest.id, version: v.manifest.version }, 'published scorer loaded');
      } catch (err) {
        const code = err instanceof CodedError ? err.code : ErrorCode.INVALID_PLUGIN;
        failed.push({ id: v.manifest.id, version: v.manifest.version, code, reason: (err as Error).message });
        logger.error({ scorerId: v.manifest.id, version: v.manifest.version, err: (err as Error).message }, 'published scorer not served here');
      }
    }
    // Resolved now, not through `loaded` at lookup time: a later swap removes retired versions
    // from `loaded`, and a request still running on this set must keep seeing them.
    const served = new Map([...needed.keys()].flatMap((k) => (loaded.has(k) ? [[k, loaded.get(k)!] as const] : [])));
    const inSet = [...served.values()];
    const registry: ScorerRegistry = {
      get(id, version) {
        const code = codeRegistry.get(id, version);
        if (code) return code;
        const e = Object.hasOwn(doc.scorers, id) ? doc.scorers[id] : undefined;
        const v = version ?? e?.live;
        return v ? served.get(key(id, v)) : undefined;
      },
      list: () => [...codeRegistry.list(), ...inSet],
      skipped: [...codeRegistry.skipped, ...failed],
      close: async () => undefined,
    };
    const shadows = Object.entries(doc.scorers).flatMap(([id, e]) => {
      const r = e.shadow ? served.get(key(id, e.shadow)) : undefined;
      return r ? [r] : [];
    });
    const shadow: ShadowOptions | undefined = shadows.length > 0 ? { scorers: shadows, sampleRate: deps.shadowSampleRate, record: deps.recordShadow } : undefined;
    const feeds = new Map<string, FeedService>();
    for (const s of list) {
      try {
        checkStrategy(s, registry);
        feeds.set(s.id, deps.makeFeed(s, registry, shadow));
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        skippedStrategies.push({ id: s.id, source: sources.get(s.id) ?? 'file', reason: err.message });
      }
    }
    const defaultId = deps.bootStrategies.defaultId;
    let feed = feeds.get(defaultId);
    if (!feed) {
      const boot = deps.bootStrategies.strategies.get(defaultId)!;
      const reason = skippedStrategies.find((k) => k.id === defaultId)?.reason ?? 'not loaded';
      if (previous === null) {
        // At boot the default strategy must be servable, as before publishing existed.
        checkStrategy(boot, registry);
        throw new CodedError(ErrorCode.INVALID_STRATEGY, `default strategy ${defaultId}: ${reason}`, { field: 'STRATEGY_FILE' });
      }
      // Later, a broken published default falls back to the gateway's own file, then to what was served.
      try {
        checkStrategy(boot, registry);
        feed = deps.makeFeed(boot, registry, shadow);
        sources.set(defaultId, 'file');
      } catch {
        feed = previous.feed;
      }
      logger.error({ strategy: defaultId, reason }, 'default strategy not servable from the catalog; serving the fallback');
      feeds.set(defaultId, feed);
    }
    const unused = [...loaded.entries()].filter(([k]) => !needed.has(k));
    for (const [k] of unused) loaded.delete(k);
    const set: ServingSet = { revision: snapshot.revision, doc, registry, feed, feeds, strategySources: sources, skippedStrategies, shadows };
    return { set, unused: unused.map(([, r]) => r) };
  }

  let current: ServingSet;
  try {
    current = (await build(initial, null)).set;
  } catch (err) {
    for (const r of loaded.values()) await closeOne(r);
    throw err;
  }

  const retire = (rs: readonly RegisteredScorer[]): void => {
    for (const r of rs) {
      const t = setTimeout(() => {
        retiring.delete(r);
        void closeOne(r);
      }, retireAfterMs);
      t.unref();
      retiring.set(r, t);
    }
  };

  return {
    current: () => current,
    apply(snapshot) {
      const run = chain.then(async () => {
        if (snapshot.revision <= current.revision) return current;
        const { set, unused } = await build(snapshot, current);
        current = set;
        retire(unused);
        logger.info({ revision: set.revision, strategies: [...set.feeds.keys()], shadows: set.shadows.map((s) => key(s.id, s.version)) }, 'serving swapped to catalog revision');
        return set;
      });
      chain = run.catch(() => undefined);
      return run;
    },
    async close() {
      await chain;
      for (const [r, t] of retiring) {
        clearTimeout(t);
        await closeOne(r);
      }
      retiring.clear();
      for (const r of loaded.values()) await closeOne(r);
      loaded.clear();
    },
  };
}
