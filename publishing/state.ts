/**
 * The rules of the published catalog, as pure functions from one document to the next: versions
 * only go up, a publish can start shadowing, promote keeps the live version it replaces so one
 * rollback restores it. The adapters (catalog/) only make the write atomic; every instance applies
 * the same rules because they are here.
 */
import semver from 'semver';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { CatalogActor, CatalogChange, CatalogDoc, PublishedScorerEntry, PublishedScorerVersion, PublishedStrategyEntry } from './catalog/port';

/** A transition's result: the next document and the change to log. */
export interface Transition {
  readonly doc: CatalogDoc;
  readonly change: CatalogChange;
}

const EMPTY_SCORER: PublishedScorerEntry = { versions: [], live: null, shadow: null, liveHistory: [] };
const EMPTY_STRATEGY: PublishedStrategyEntry = { versions: [], live: null, liveHistory: [] };

function conflict(message: string, details: Record<string, unknown>): CodedError {
  return new CodedError(ErrorCode.LIFECYCLE_CONFLICT, message, details);
}

function withScorer(doc: CatalogDoc, id: string, entry: PublishedScorerEntry): CatalogDoc {
  return { ...doc, scorers: { ...doc.scorers, [id]: entry } };
}

function withStrategy(doc: CatalogDoc, id: string, entry: PublishedStrategyEntry): CatalogDoc {
  return { ...doc, strategies: { ...doc.strategies, [id]: entry } };
}

/** The entry of a published scorer id, or NOT_FOUND naming `field`. */
export function scorerEntry(doc: CatalogDoc, id: string, field = 'id'): PublishedScorerEntry {
  const entry = Object.hasOwn(doc.scorers, id) ? doc.scorers[id] : undefined;
  if (!entry) throw new CodedError(ErrorCode.NOT_FOUND, `no scorer "${id}" has been published`, { field, id });
  return entry;
}

function requireVersion(entry: PublishedScorerEntry, id: string, version: string): void {
  if (!entry.versions.some((v) => v.manifest.version === version)) {
    throw new CodedError(ErrorCode.NOT_FOUND, `scorer "${id}" has no published version ${version} (published: ${entry.versions.map((v) => v.manifest.version).join(', ')})`, {
      field: 'version',
      id,
      version,
    });
  }
}

export interface PublishOptions {
  /** Start shadowing the new version at once. */
  readonly shadow: boolean;
  /** Ids of scorers the gateway loads from code: a publish may not take them over. */
  readonly codeIds: ReadonlySet<string>;
}

/** Add a version (higher than every one published for its id). */
export function publishScorer(doc: CatalogDoc, version: PublishedScorerVersion, opts: PublishOptions): Transition {
  const { id, version: v } = version.manifest;
  if (opts.codeIds.has(id)) throw conflict(`scorer id "${id}" is served from code on this gateway; publish under another id`, { id });
  const entry = Object.hasOwn(doc.scorers, id) ? doc.scorers[id]! : EMPTY_SCORER;
  const highest = entry.versions.at(-1)?.manifest.version;
  if (highest !== undefined && !semver.gt(v, highest)) {
    throw new CodedError(ErrorCode.VERSION_NOT_HIGHER, `scorer "${id}" version ${v} is not above the highest published version ${highest} (versions only go up)`, {
      field: 'manifest.version',
      id,
      version: v,
      highest,
    });
  }
  const next: PublishedScorerEntry = { ...entry, versions: [...entry.versions, version], shadow: opts.shadow ? v : entry.shadow };
  return { doc: withScorer(doc, id, next), change: { kind: 'scorer', id, action: 'publish', version: v, at: version.publishedAt, by: version.publishedBy } };
}

/** Make `version` (default: the shadowed one, else the highest) the one strategies serve. */
export function promoteScorer(doc: CatalogDoc, id: string, version: string | null, by: CatalogActor, at: number): Transition {
  const entry = scorerEntry(doc, id);
  const v = version ?? entry.shadow ?? entry.versions.at(-1)!.manifest.version;
  requireVersion(entry, id, v);
  if (entry.live === v) throw conflict(`scorer "${id}" already serves version ${v}`, { id, version: v });
  const next: PublishedScorerEntry = {
    ...entry,
    live: v,
    shadow: entry.shadow === v ? null : entry.shadow,
    liveHistory: entry.live === null ? entry.liveHistory : [...entry.liveHistory, entry.live],
  };
  return { doc: withScorer(doc, id, next), change: { kind: 'scorer', id, action: 'promote', version: v, at, by } };
}

/** Serve the version that was live before the current one. */
export function rollbackScorer(doc: CatalogDoc, id: string, by: CatalogActor, at: number): Transition {
  const entry = scorerEntry(doc, id);
  const previous = entry.liveHistory.at(-1);
  if (entry.live === null || previous === undefined) {
    throw conflict(`scorer "${id}" has no earlier live version to roll back to (live: ${entry.live ?? 'none'})`, { id, live: entry.live });
  }
  // The restored version is served for real: it stops being scored in shadow against its own blend.
  const next: PublishedScorerEntry = { ...entry, live: previous, shadow: entry.shadow === previous ? null : entry.shadow, liveHistory: entry.liveHistory.slice(0, -1) };
  return { doc: withScorer(doc, id, next), change: { kind: 'scorer', id, action: 'rollback', version: previous, at, by } };
}

/** Shadow `version` (scored on live requests, not blended), or stop shadowing (null). */
export function shadowScorer(doc: CatalogDoc, id: string, version: string | null, by: CatalogActor, at: number): Transition {
  const entry = scorerEntry(doc, id);
  if (version !== null) requireVersion(entry, id, version);
  if (entry.shadow === version) throw conflict(version === null ? `scorer "${id}" has no shadow version` : `scorer "${id}" already shadows version ${version}`, { id, version });
  return {
    doc: withScorer(doc, id, { ...entry, shadow: version }),
    change: { kind: 'scorer', id, action: version === null ? 'unshadow' : 'shadow', version: version ?? entry.shadow, at, by },
  };
}

/** Add the next version of a strategy (already parsed and checked) and serve it. */
export function publishStrategy(doc: CatalogDoc, id: string, strategy: unknown, by: CatalogActor, at: number): Transition {
  const entry = Object.hasOwn(doc.strategies, id) ? doc.strategies[id]! : EMPTY_STRATEGY;
  const version = (entry.versions.at(-1)?.version ?? 0) + 1;
  const next: PublishedStrategyEntry = {
    versions: [...entry.versions, { version, strategy, publishedAt: at, publishedBy: by }],
    live: version,
    liveHistory: entry.live === null ? entry.liveHistory : [...entry.liveHistory, entry.live],
  };
  return { doc: withStrategy(doc, id, next), change: { kind: 'strategy', id, action: 'publish', version: String(version), at, by } };
}

/**
 * Serve the strategy version that was live before; rolling back the first published version
 * stops serving the published strategy (a strategy of the same id from the gateway's files, if
 * any, is served again).
 */
export function rollbackStrategy(doc: CatalogDoc, id: string, by: CatalogActor, at: number): Transition {
  const entry = Object.hasOwn(doc.strategies, id) ? doc.strategies[id] : undefined;
  if (!entry) throw new CodedError(ErrorCode.NOT_FOUND, `no strategy "${id}" has been published`, { field: 'id', id });
  if (entry.live === null) throw conflict(`strategy "${id}" has no live published version to roll back`, { id });
  const previous = entry.liveHistory.at(-1) ?? null;
  const next: PublishedStrategyEntry = { ...entry, live: previous, liveHistory: entry.liveHistory.slice(0, -1) };
  return { doc: withStrategy(doc, id, next), change: { kind: 'strategy', id, action: 'rollback', version: previous === null ? null : String(previous), at, by } };
}

/** The published version record of `id@version`, or undefined. */
export function findScorerVersion(doc: CatalogDoc, id: string, version: string): PublishedScorerVersion | undefined {
  return (Object.hasOwn(doc.scorers, id) ? doc.scorers[id] : undefined)?.versions.find((v) => v.manifest.version === version);
}
