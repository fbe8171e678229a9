/**
 * Training lists for the fusion network, from a GraphStore as of a cut inside the training
 * window. With E = trainEnd and cut c = E − horizon: a scratch embedded store holds exactly the
 * interactions before c (and the catalogue records and category chains); every user with history
 * before c, a row in the embeddings and an interaction in [c, E) gets one list: positives = the
 * items of those interactions, negatives = a seeded sample of the candidates the strategy's
 * retrievers propose for the user at c. Columns are computed by the SDK's standard columns from
 * the features the gateway would load at c; the graph score is the cosine of the embeddings
 * (0 for an item without a row). Nothing at or after E is read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CategoryRecord, ItemRecord } from '../../domain/catalog';
import type { InteractionEvent } from '../../domain/events';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import { interactionEventsBefore } from '../../graph/interaction-events';
import type { GraphStore } from '../../graph/port';
import { candidatesFor, retrieveCandidates } from '../../pipeline/candidates';
import { loadFeatures } from '../../pipeline/features';
import { DEFAULT_STRATEGY, type Strategy } from '../../pipeline/strategy';
import { columnLayout, type ColumnFeatures } from '../../plugins/sdk/columns';
import { mulberry32 } from '../random';
import type { FusionLists } from './fit';

export interface FusionListOptions {
  /** Exclusive end of the training window (ms). */
  readonly trainEnd: number;
  /** Length of the label window at the end of the training window (ms). */
  readonly horizonMs: number;
  readonly columns: readonly string[];
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly dims: number;
  /** Row-normalised user and item embeddings (row-major). */
  readonly users: Float32Array;
  readonly items: Float32Array;
  /** Most users (lists), a seeded sample. */
  readonly maxUsers: number;
  /** Retrieved negatives per list. */
  readonly negatives: number;
  /** Most positives per list. */
  readonly maxPositives: number;
  /** Retrieval and history settings. Default DEFAULT_STRATEGY. */
  readonly strategy?: Strategy;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export interface BuiltFusionLists extends FusionLists {
  readonly cut: number;
  /** The user of each list, in list order. */
  readonly listUsers: readonly string[];
  readonly positives: number;
  readonly events: number;
}

/** A scratch store holding the catalogue and the events before `cut` (closed and removed by the caller's `close`). */
async function storeAsOf(source: GraphStore, events: readonly InteractionEvent[], cut: number): Promise<{ store: GraphStore; close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'recgate-fusion-'));
  const store = await createEmbeddedGraphStore({ path: join(dir, 'asof.db'), synchronous: 'NORMAL', categoryCacheMs: 0 });
  const close = async (): Promise<void> => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const firstTs = new Map<string, number>();
    for (const e of events) if (e.itemId !== null && !firstTs.has(e.itemId)) firstTs.set(e.itemId, e.ts);
    const items = await source.getItems([...firstTs.keys()]);
    const cats = new Set<string>();
    for (const it of items.values()) for (const c of it.categories) cats.add(c);
    const chains = await source.categoryAncestors([...cats]);
    const catRecords = new Map<string, CategoryRecord>();
    for (const chain of chains.values()) chain.forEach((id, k) => catRecords.set(id, { id, parent: k === 0 ? null : chain[k - 1]!, name: id }));
    if (catRecords.size > 0) await store.upsertCategories([...catRecords.values()]);
    const recs: ItemRecord[] = [...items.values()].map((r) => ({ ...r, createdAt: Math.min(r.createdAt, firstTs.get(r.id) ?? r.createdAt) }));
    for (let k = 0; k < recs.length; k += 5000) await store.upsertItems(recs.slice(k, k + 5000));
    const before = events.filter((e) => e.ts < cut);
    for (let k = 0; k < before.length; k += 5000) await store.ingestEvents(before.slice(k, k + 5000));
    return { store, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function buildFusionLists(source: GraphStore, o: FusionListOptions): Promise<BuiltFusionLists> {
  const log = o.log ?? (() => {});
  const strategy = o.strategy ?? DEFAULT_STRATEGY;
  const events = await interactionEventsBefore(source, o.trainEnd, 'fusion');
  const cut = o.trainEnd - o.horizonMs;
  if (events.length === 0 || events[0]!.ts >= cut) throw new RangeError(`fusion: no interactions before the label cut ${new Date(cut).toISOString()} (trainEnd minus ${o.horizonMs} ms)`);
  const userRow = new Map(o.userIds.map((id, r) => [id, r]));
  const itemRow = new Map(o.itemIds.map((id, r) => [id, r]));
  const hadHistory = new Set<string>();
  const labels = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.itemId === null) continue;
    if (e.ts < cut) hadHistory.add(e.userId);
    else if (hadHistory.has(e.userId) && userRow.has(e.userId)) {
      let s = labels.get(e.userId);
      if (!s) labels.set(e.userId, (s = new Set()));
      s.add(e.itemId);
    }
  }
  const rng = mulberry32(o.seed);
  const users = [...labels.keys()].sort();
  for (let k = 0; k < Math.min(o.maxUsers, users.length); k++) {
    const j = k + Math.floor(rng() * (users.length - k));
    [users[k], users[j]] = [users[j]!, users[k]!];
  }
  users.length = Math.min(o.maxUsers, users.length);
  users.sort();
  log(`fusion lists: ${events.length} interactions before ${new Date(o.trainEnd).toISOString()}, label cut ${new Date(cut).toISOString()}, ${users.length} of ${labels.size} users`);
  const layout = columnLayout(o.columns);
  const needed = new Set(layout.features);
  const d = o.dims;
  const xs: Float32Array[] = [];
  const gs: number[] = [];
  const ys: number[] = [];
  const sizes: number[] = [];
  const listUsers: string[] = [];
  let positives = 0;
  const { store, close } = await storeAsOf(source, events, cut);
  try {
    const now = await store.latestEventTs();
    for (const userId of users) {
      const profile = await store.userProfile(userId, strategy.historyLimit);
      if (!profile.known || profile.history.length === 0) continue;
      const label = labels.get(userId)!;
      const pos = [...label].filter((id) => !profile.purchased.has(id)).slice(0, o.maxPositives);
      const retrieved = (await retrieveCandidates(store, strategy, profile)).itemIds.filter((id) => !label.has(id));
      for (let k = 0; k < Math.min(o.negatives, retrieved.length); k++) {
        const j = k + Math.floor(rng() * (retrieved.length - k));
        [retrieved[k], retrieved[j]] = [retrieved[j]!, retrieved[k]!];
      }
      const neg = retrieved.slice(0, o.negatives);
      if (pos.length === 0 || neg.length === 0) continue;
      const itemIds = [...pos, ...neg];
      const candidates = await candidatesFor(store, strategy, profile, itemIds);
      const features = await loadFeatures({ store, needed, profile, candidates, now, seeds: strategy.candidates.neighbourhood?.seeds ?? 20 });
      xs.push(layout.tensor(features as ColumnFeatures, itemIds.length, now).data);
      const u = userRow.get(userId)! * d;
      for (const id of itemIds) {
        const r = itemRow.get(id);
        let dot = 0;
        if (r !== undefined) for (let k = 0; k < d; k++) dot += o.users[u + k]! * o.items[r * d + k]!;
        gs.push(dot);
      }
      for (let k = 0; k < itemIds.length; k++) ys.push(k < pos.length ? 1 : 0);
      sizes.push(itemIds.length);
      listUsers.push(userId);
      positives += pos.length;
    }
  } finally {
    await close();
  }
  const C = o.columns.length;
  const x = new Float32Array(gs.length * C);
  let off = 0;
  for (const b of xs) {
    x.set(b, off);
    off += b.length;
  }
  return { x, columns: C, g: Float32Array.from(gs), y: Uint8Array.from(ys), sizes, listUsers, cut, positives, events: events.length };
}
