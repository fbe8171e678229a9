/**
 * What query suggestions are computed from, read once and rebuilt when stale (service.ts):
 * the known queries (every searched query, `GraphStore.scanSearches`, plus the artifact's
 * `queryIds`), their search counts, Query-LED_TO->Item counts, each user's latest searches, and
 * the latest dpgcn artifact under the artifact folder (`<dir>/<version>/`, DPGCN_MODELS_DIR; user rows; query rows from `queries.bin`
 * when present, else the LED_TO mean of item rows: query-index.ts).
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import type { GraphStore } from '../../../graph/port';
import { publishedVersions } from '../../../ml/artifacts';
import { readMfArtifact, type MfManifest } from '../../../ml/mf/artifact';
import { buildQueryIndex, type QueryIndex } from './query-index';

/** An optional node table of the artifact (contract 1): its file and the manifest key of its ids. */
export interface NodeTable {
  readonly file: string;
  readonly ids: string;
}
/** Query node embeddings. */
export const QUERY_TABLE: NodeTable = Object.freeze({ file: 'queries.bin', ids: 'queryIds' });
/** Category node embeddings (the next-category proxy's pseudo-queries). */
export const CATEGORY_TABLE: NodeTable = Object.freeze({ file: 'categories.bin', ids: 'categoryIds' });

/** The parts of a dpgcn artifact suggestions use. */
export interface QueryArtifact {
  readonly version: number;
  readonly dims: number;
  readonly userIds: readonly string[];
  readonly users: Float32Array;
  readonly itemIds: readonly string[];
  readonly items: Float32Array;
  /** Own embeddings of the table read (`queries.bin` + `manifest.queryIds` by default), when the artifact has them. */
  readonly queries: { readonly ids: readonly string[]; readonly vectors: Float32Array } | null;
}

function float32LE(buf: Buffer): Float32Array {
  const out = new Float32Array(buf.length / 4);
  if (endianness() === 'LE') new Uint8Array(out.buffer).set(buf);
  else for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

/** The latest published version `<artifactDir>/<n>/` with the rows of `table`, or null when there is none. */
export async function readLatestQueryArtifact(artifactDir: string, table: NodeTable = QUERY_TABLE): Promise<QueryArtifact | null> {
  const versions = await publishedVersions(artifactDir);
  const version = versions[versions.length - 1];
  if (version === undefined) return null;
  const dir = join(artifactDir, String(version));
  const { manifest, model } = await readMfArtifact(dir);
  const queryIds = (manifest as MfManifest & Readonly<Record<string, unknown>>)[table.ids];
  let queries: QueryArtifact['queries'] = null;
  if (Array.isArray(queryIds) && queryIds.length > 0) {
    const ids = queryIds.map(String);
    const buf = await readFile(join(dir, table.file));
    if (buf.length !== ids.length * model.dims * 4) throw new Error(`${dir}: ${table.file} has ${buf.length} bytes, expected ${ids.length * model.dims * 4}`);
    queries = { ids, vectors: float32LE(buf) };
  }
  return { version, dims: model.dims, userIds: manifest.userIds, users: model.users, itemIds: manifest.itemIds, items: model.items, queries };
}

/** One user's search: the query and when. */
export interface UserSearchEntry {
  readonly text: string;
  readonly ts: number;
}

export interface SuggestSnapshot {
  readonly index: QueryIndex;
  readonly artifact: QueryArtifact | null;
  /** User id -> row in `artifact.users`. */
  readonly userRows: ReadonlyMap<string, number>;
  /** Each user's latest searches (at most `recentPerUser`, any order). */
  readonly searches: ReadonlyMap<string, readonly UserSearchEntry[]>;
  /** Events in the store when it was read (a change means the snapshot may be stale). */
  readonly storeEvents: number;
  /** Newest search time seen (ms), 0 when none: the "now" of recency. */
  readonly latestSearchTs: number;
}

export interface SnapshotOptions {
  /** Searches kept per user (the newest). Default 20. */
  readonly recentPerUser?: number;
  /** Page size of the search scan. Default 10,000. */
  readonly pageSize?: number;
}

/** Keep the newest `n` of a user's searches: append, and halve back to n when it reaches 2n. */
function keepNewest(list: UserSearchEntry[], n: number): void {
  if (list.length < 2 * n) return;
  list.sort((a, b) => b.ts - a.ts);
  list.length = n;
}

export async function buildSnapshot(store: GraphStore, artifact: QueryArtifact | null, opts: SnapshotOptions = {}): Promise<SuggestSnapshot> {
  const recentPerUser = opts.recentPerUser ?? 20;
  const storeEvents = (await store.counts()).events;
  const counts = new Map<string, number>();
  const ledTo = new Map<string, Map<string, number>>();
  const searches = new Map<string, UserSearchEntry[]>();
  let latestSearchTs = 0;
  for await (const page of store.scanSearches(opts.pageSize ?? 10_000)) {
    for (const s of page) {
      counts.set(s.query, (counts.get(s.query) ?? 0) + 1);
      if (s.itemId !== null) {
        let m = ledTo.get(s.query);
        if (m === undefined) ledTo.set(s.query, (m = new Map()));
        m.set(s.itemId, (m.get(s.itemId) ?? 0) + 1);
      }
      let list = searches.get(s.userId);
      if (list === undefined) searches.set(s.userId, (list = []));
      list.push({ text: s.query, ts: s.ts });
      keepNewest(list, recentPerUser);
      if (s.ts > latestSearchTs) latestSearchTs = s.ts;
    }
  }
  for (const list of searches.values()) {
    list.sort((a, b) => b.ts - a.ts);
    if (list.length > recentPerUser) list.length = recentPerUser;
  }
  for (const id of artifact?.queries?.ids ?? []) if (!counts.has(id)) counts.set(id, 0);
  const entries = [...counts].map(([text, count]) => ({ text, count }));
  const index = buildQueryIndex(
    entries,
    artifact === null
      ? null
      : {
          dims: artifact.dims,
          ...(artifact.queries !== null ? { own: artifact.queries } : {}),
          items: { ids: artifact.itemIds, vectors: artifact.items },
          ledTo,
        },
  );
  const userRows = new Map<string, number>(artifact?.userIds.map((id, r) => [id, r]) ?? []);
  return { index, artifact, userRows, searches, storeEvents, latestSearchTs };
}
