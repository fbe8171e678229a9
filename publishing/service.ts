/**
 * The publishing operations behind the admin API: upload a model blob, publish a scorer version
 * (checked by admission before it is accepted), shadow it, promote it, roll it back; publish and
 * roll back strategies. Each change is one compare-and-set write of the catalog (retried when
 * another instance wrote first), recorded in the change log with the key that made it; the
 * operation returns once this instance serves the result (other instances follow the log).
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { parseStrategy } from '../pipeline/strategy';
import type { ModelSession } from '../plugins/sdk/model';
import type { AgreementRecorder, AgreementStats } from './agreement';
import type { BlobRef, CatalogActor, CatalogChangeRecord, CatalogDoc, CatalogStore, PublishedScorerEntry, PublishedScorerVersion, PublishedStrategyEntry } from './catalog/port';
import type { ScorerManifest } from './manifest';
import type { Serving } from './serving';
import * as rules from './state';
import type { Transition } from './state';
import type { CatalogSync } from './sync';

/** A published version as this instance sees it. */
export interface ScorerVersionView extends PublishedScorerVersion {
  /** Loaded and servable on this instance (it is live, shadowed or pinned, and its setup succeeded). */
  readonly loadedHere: boolean;
  /** Why this instance could not load it, when it tried; null otherwise. */
  readonly problem: string | null;
}

export interface PublishedScorerView extends Omit<PublishedScorerEntry, 'versions'> {
  readonly id: string;
  readonly versions: readonly ScorerVersionView[];
  /** Shadow agreement with the served strategies, per version, on this instance. */
  readonly agreement: readonly AgreementStats[];
}

export interface PublishedStrategyView extends PublishedStrategyEntry {
  readonly id: string;
  /** Served on this instance under this id (false: skipped, see `problem`). */
  readonly servedHere: boolean;
  readonly problem: string | null;
}

export interface PublishScorerInput {
  /** The manifest as JSON (checked by parseManifest). */
  readonly manifest: unknown;
  /** SHA-256 of the model, uploaded with POST /blobs. */
  readonly model: string;
  /** Start shadowing the new version at once. Default true. */
  readonly shadow?: boolean;
}

export interface PublishingDeps {
  readonly catalog: CatalogStore;
  readonly serving: Serving;
  readonly sync: CatalogSync;
  readonly agreement: AgreementRecorder;
  readonly parseManifest: (json: unknown) => ScorerManifest;
  readonly admit: (manifest: ScorerManifest, model: Uint8Array, opts: { loadModelBytes: (b: Uint8Array) => Promise<ModelSession> }) => Promise<unknown>;
  readonly loadModelBytes: (b: Uint8Array) => Promise<ModelSession>;
  /** Largest model accepted by uploadBlob (bytes), MAX_MODEL_BYTES. */
  readonly maxModelBytes: number;
  /**
   * The feed-cost limit's bounds, set at boot from the strategy files (server/limits.ts): a
   * published strategy may not score more candidates or return more items by default.
   */
  readonly strategyBounds: { readonly candidatesPerFeed: number; readonly defaultLimit: number };
  readonly clock?: () => number;
}

export interface PublishingService {
  uploadBlob(bytes: Uint8Array): Promise<BlobRef>;
  publishScorer(input: PublishScorerInput, by: CatalogActor): Promise<PublishedScorerView>;
  promoteScorer(id: string, version: string | null, by: CatalogActor): Promise<PublishedScorerView>;
  rollbackScorer(id: string, by: CatalogActor): Promise<PublishedScorerView>;
  shadowScorer(id: string, version: string | null, by: CatalogActor): Promise<PublishedScorerView>;
  publishStrategy(strategy: unknown, by: CatalogActor): Promise<PublishedStrategyView>;
  rollbackStrategy(id: string, by: CatalogActor): Promise<PublishedStrategyView>;
  scorers(id?: string): Promise<PublishedScorerView[]>;
  strategies(): Promise<PublishedStrategyView[]>;
  /** The change log, newest last, after `after` (a revision). */
  changes(after: number, limit: number): Promise<CatalogChangeRecord[]>;
}

const SHA256 = /^[0-9a-f]{64}$/;
const ATTEMPTS = 8;

export function createPublishingService(deps: PublishingDeps): PublishingService {
  const { catalog, serving, sync } = deps;
  const clock = deps.clock ?? Date.now;
  const codeIds = (): Set<string> => {
    const set = serving.current();
    const published = new Set(Object.keys(set.doc.scorers));
    return new Set(
      set.registry
        .list()
        .map((r) => r.id as string)
        .filter((id) => !published.has(id)),
    );
  };

  /** Read, transform, compare-and-set; retried when another writer got there first. Then serve it here. */
  async function mutate(fn: (doc: CatalogDoc) => Transition): Promise<CatalogDoc> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const snap = await catalog.read();
      const t = fn(snap.doc);
      if (await catalog.write(snap.revision, t.doc, t.change)) {
        await sync.poll();
        return t.doc;
      }
    }
    throw new CodedError(ErrorCode.CATALOG_UNAVAILABLE, `the catalog changed under ${ATTEMPTS} attempts in a row; nothing was changed, retry`);
  }

  function scorerView(doc: CatalogDoc, id: string): PublishedScorerView {
    const entry = rules.scorerEntry(doc, id);
    const set = serving.current();
    const skipped = set.registry.skipped;
    return {
      id,
      live: entry.live,
      shadow: entry.shadow,
      liveHistory: entry.liveHistory,
      versions: entry.versions.map((v) => ({
        ...v,
        loadedHere: set.registry.get(id, v.manifest.version) !== undefined,
        problem: skipped.find((k) => k.id === id && k.version === v.manifest.version)?.reason ?? null,
      })),
      agreement: deps.agreement.stats(id),
    };
  }

  function strategyView(doc: CatalogDoc, id: string): PublishedStrategyView {
    const entry = doc.strategies[id]!;
    const set = serving.current();
    const source = set.strategySources.get(id);
    const servedHere = entry.live !== null && source === `published@${entry.live}`;
    const problem = set.skippedStrategies.find((k) => k.id === id && k.source === `published@${entry.live}`)?.reason ?? null;
    return { id, ...entry, servedHere, problem };
  }

  async function checkStrategyRefs(strategy: ReturnType<typeof parseStrategy>): Promise<void> {
    const { doc } = await catalog.read();
    const code = serving.current().registry;
    strategy.scorers.forEach((s, i) => {
      const e = Object.hasOwn(doc.scorers, s.id) ? doc.scorers[s.id] : undefined;
      if (e) {
        if (s.version !== undefined && !e.versions.some((v) => v.manifest.version === s.version)) {
          throw new CodedError(ErrorCode.INVALID_STRATEGY, `scorers[${i}].version: scorer "${s.id}" has no published version ${s.version}`, { field: `scorers[${i}].version` });
        }
        if (s.version === undefined && e.live === null) {
          throw new CodedError(ErrorCode.INVALID_STRATEGY, `scorers[${i}].id: scorer "${s.id}" has no live version; promote one or pin a version (canary)`, { field: `scorers[${i}].id` });
        }
      } else if (!code.get(s.id, s.version)) {
        throw new CodedError(ErrorCode.INVALID_STRATEGY, `scorers[${i}].id: scorer "${s.id}"${s.version ? ` version ${s.version}` : ''} is neither published nor registered`, {
          field: `scorers[${i}].id`,
        });
      }
    });
  }

  return {
    async uploadBlob(bytes) {
      if (bytes.length > deps.maxModelBytes) {
        throw new CodedError(ErrorCode.BLOB_TOO_LARGE, `the upload is ${bytes.length} bytes; MAX_MODEL_BYTES is ${deps.maxModelBytes}`, { bytes: bytes.length, max: deps.maxModelBytes });
      }
      if (bytes.length === 0) throw new CodedError(ErrorCode.BAD_USER_INPUT, 'body: the upload is empty', { field: 'body' });
      return catalog.putBlob(bytes);
    },
    async publishScorer(input, by) {
      const manifest = deps.parseManifest(input.manifest);
      if (typeof input.model !== 'string' || !SHA256.test(input.model)) {
        throw new CodedError(ErrorCode.BAD_USER_INPUT, 'model: must be the lower-case hex SHA-256 that POST /blobs returned', { field: 'model' });
      }
      const bytes = await catalog.getBlob(input.model);
      if (bytes === null) throw new CodedError(ErrorCode.NOT_FOUND, `model: no blob ${input.model} was uploaded (POST /blobs)`, { field: 'model' });
      const version: PublishedScorerVersion = { manifest, model: { sha256: input.model, bytes: bytes.length }, publishedAt: clock(), publishedBy: by };
      const opts = { shadow: input.shadow ?? true, codeIds: codeIds() };
      // Refuse a version that cannot go in before paying for the probe; the write re-checks on the latest document.
      rules.publishScorer((await catalog.read()).doc, version, opts);
      await deps.admit(manifest, bytes, { loadModelBytes: deps.loadModelBytes });
      return scorerView(await mutate((doc) => rules.publishScorer(doc, version, opts)), manifest.id);
    },
    async promoteScorer(id, version, by) {
      return scorerView(await mutate((doc) => rules.promoteScorer(doc, id, version, by, clock())), id);
    },
    async rollbackScorer(id, by) {
      return scorerView(await mutate((doc) => rules.rollbackScorer(doc, id, by, clock())), id);
    },
    async shadowScorer(id, version, by) {
      return scorerView(await mutate((doc) => rules.shadowScorer(doc, id, version, by, clock())), id);
    },
    async publishStrategy(json, by) {
      const raw = json as { id?: unknown } | null;
      if (raw === null || typeof raw !== 'object' || typeof raw.id !== 'string' || raw.id.length === 0 || raw.id.length > 100) {
        throw new CodedError(ErrorCode.INVALID_STRATEGY, 'id: a published strategy needs an id (1 to 100 characters)', { field: 'id' });
      }
      const strategy = parseStrategy(json);
      const { candidatesPerFeed, defaultLimit } = deps.strategyBounds;
      if (strategy.candidates.max > candidatesPerFeed) {
        throw new CodedError(
          ErrorCode.INVALID_STRATEGY,
          `candidates.max: ${strategy.candidates.max} is above ${candidatesPerFeed}, the most any strategy file of this gateway scores (the feed-cost limit is set from it)`,
          {
            field: 'candidates.max',
          },
        );
      }
      if (strategy.limit > defaultLimit) {
        throw new CodedError(ErrorCode.INVALID_STRATEGY, `limit: ${strategy.limit} is above ${defaultLimit}, the largest default limit of this gateway's strategy files`, { field: 'limit' });
      }
      await checkStrategyRefs(strategy);
      return strategyView(await mutate((doc) => rules.publishStrategy(doc, strategy.id, json, by, clock())), strategy.id);
    },
    async rollbackStrategy(id, by) {
      return strategyView(await mutate((doc) => rules.rollbackStrategy(doc, id, by, clock())), id);
    },
    async scorers(id) {
      const { doc } = await catalog.read();
      const ids = id === undefined ? Object.keys(doc.scorers).sort() : [id];
      return ids.map((i) => scorerView(doc, i));
    },
    async strategies() {
      const { doc } = await catalog.read();
      return Object.keys(doc.strategies)
        .sort()
        .map((i) => strategyView(doc, i));
    },
    changes: (after, limit) => catalog.changesSince(after, limit),
  };
}
