/**
 * DUVE v2 for the gateway and its consumers (Contract A of the session plan):
 * - `trainDuve2FromStore`: train on everything a GraphStore holds, publish the next artifact version;
 * - `loadDuve2ValueSource`: a UserValueSource on a published artifact, warmed from the store;
 * - `DUVE_V2_ENGINES`: the engine kind services/user-values.ts serves when DUVE_VERSION=v2.
 *
 * Protocol of trainDuve2FromStore (as v1's `train duve`): reference times every `stepDays` from
 * `refStart` (default the first event), label windows [t, t + horizon) ending at or before the
 * newest event + 1 ms; item categories from the store's catalogue (an item's last listed category).
 */
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { GraphStore } from '../../../graph/port';
import { CorruptModelError } from '../../../ml/duve/export';
import { referenceTimes, type DuveHistory } from '../../../ml/duve/examples';
import type { DecayMode } from '../../../ml/duve/model';
import { DAY_MS, type DuveEvent } from '../../../ml/duve/state';
import { DUVE2_MANIFEST, exportDuve2Model, latestDuve2Artifact, readDuve2Artifact, type Duve2Artifact } from '../../../ml/duve2/export';
import { trainDuve2 } from '../../../ml/duve2/train';
import type { ModelSession } from '../../sdk/model';
import type { ValueEngineKind } from '../../../services/user-values';
import type { UserValueSource } from '../value-source';
import { createDuve2Engine, type Duve2Engine } from './engine';

export { createDuve2Engine, type Duve2Engine } from './engine';

export interface TrainDuve2FromStoreOptions {
  /** Folder of versions, e.g. `models/duve2`. */
  readonly modelDir: string;
  readonly decay: DecayMode;
  readonly horizonDays: number;
  /** Days between reference times. Default horizon / 4. */
  readonly stepDays?: number;
  /** Reference times start one step after this (ms). Default: the first event. */
  readonly refStart?: number;
  /** v2 Adam steps. Default 400. */
  readonly iterations?: number;
  readonly seed: number;
}

export interface TrainDuve2FromStoreResult {
  readonly version: number;
  readonly dir: string;
  readonly examples: number;
  readonly trainMs: number;
  readonly halfLivesDays: Readonly<Record<string, number>>;
}

/** Every interaction of a store grouped by user, with the first and last event times. */
async function readHistories(store: GraphStore): Promise<{ histories: DuveHistory[]; first: number; last: number; events: number; items: Set<string> }> {
  const byUser = new Map<string, DuveEvent[]>();
  const items = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  let events = 0;
  for await (const page of store.scanInteractions(50_000)) {
    for (const e of page) {
      let list = byUser.get(e.userId);
      if (list === undefined) byUser.set(e.userId, (list = []));
      list.push({ type: e.type, itemId: e.itemId, ts: e.ts, value: e.value });
      if (e.itemId !== null) items.add(e.itemId);
      if (e.ts < first) first = e.ts;
      if (e.ts > last) last = e.ts;
      events++;
    }
  }
  return { histories: [...byUser].map(([userId, evs]) => ({ userId, events: evs })), first, last, events, items };
}

/** Read every interaction from the store, train DUVE v2, publish. RangeError naming the option when the data cannot support the horizon. */
export async function trainDuve2FromStore(store: GraphStore, o: TrainDuve2FromStoreOptions): Promise<TrainDuve2FromStoreResult> {
  const { histories, first, last, events, items } = await readHistories(store);
  if (events === 0) throw new RangeError('train duve --v2: the store holds no interactions');
  if (!(o.horizonDays > 0)) throw new RangeError(`horizonDays: must be > 0, got ${o.horizonDays}`);
  const stepDays = o.stepDays ?? o.horizonDays / 4;
  if (!(stepDays > 0)) throw new RangeError(`stepDays: must be > 0, got ${stepDays}`);
  const horizonMs = o.horizonDays * DAY_MS;
  const trainEnd = last + 1;
  const refTimes = referenceTimes(o.refStart ?? first, trainEnd, stepDays * DAY_MS, horizonMs);
  if (refTimes.length === 0) {
    throw new RangeError(`horizonDays: ${o.horizonDays} (+ one step of ${stepDays} days) does not fit in the ${((last - first) / DAY_MS).toFixed(1)} days of data; pass a shorter --horizon-days`);
  }
  const categories = new Map<string, string>();
  const ids = [...items];
  for (let i = 0; i < ids.length; i += 1000) {
    for (const [id, rec] of await store.getItems(ids.slice(i, i + 1000))) {
      const c = rec.categories.at(-1);
      if (c !== undefined) categories.set(id, c);
    }
  }
  const { model, stats } = trainDuve2(histories, { refTimes, trainEnd, horizonMs, decayMode: o.decay, seed: o.seed, categories, ...(o.iterations !== undefined ? { iterations: o.iterations } : {}) });
  const out = await exportDuve2Model(model, {
    root: dirname(o.modelDir),
    name: basename(o.modelDir),
    training: {
      source: `${store.kind} store`,
      events,
      firstEvent: new Date(first).toISOString(),
      lastEvent: new Date(last).toISOString(),
      trainEnd: new Date(trainEnd).toISOString(),
      horizonDays: o.horizonDays,
      stepDays,
      itemsWithCategory: categories.size,
      ...stats,
    },
    createdBy: 'recgate train duve --v2',
  });
  return { version: out.version, dir: out.dir, examples: stats.examples, trainMs: stats.trainMs, halfLivesDays: stats.halfLivesDays };
}

/** DUVE v2 as the gateway's user-value engine (DUVE_VERSION=v2). */
export const DUVE_V2_ENGINES: ValueEngineKind<Duve2Artifact> = {
  latest: latestDuve2Artifact,
  create: (art, session, clock) => createDuve2Engine({ model: art.model, version: art.manifest.version, session, ...(clock ? { clock } : {}) }),
};

/** `dir` is one version (holds manifest.json) or a folder of versions (the highest is read). */
async function resolveArtifact(dir: string): Promise<Duve2Artifact> {
  const isVersion = await access(join(dir, DUVE2_MANIFEST)).then(
    () => true,
    () => false,
  );
  if (isVersion) return readDuve2Artifact(dir);
  const latest = await latestDuve2Artifact(dir);
  if (latest === null) throw new RangeError(`dir: no DUVE v2 artifact under ${dir} (train one with \`train duve --v2\`)`);
  return latest;
}

/**
 * A UserValueSource on a published DUVE v2 artifact. The ONNX graph is opened with `loadModel` and
 * checked against the TS forward pass on one probe row (CorruptModelError when it does not load or
 * disagrees by more than 1e-3), then closed: reads use the TS forward pass. With `store`, every
 * stored interaction is folded in first (history warm from the store).
 */
export async function loadDuve2ValueSource(
  dir: string,
  o: { readonly loadModel: (uri: string) => Promise<ModelSession>; readonly store?: GraphStore; readonly id?: string; readonly slack?: number },
): Promise<UserValueSource & { readonly engine: Duve2Engine }> {
  const art = await resolveArtifact(dir);
  let session: ModelSession;
  try {
    session = await o.loadModel(art.onnxPath);
  } catch (err) {
    throw new CorruptModelError(art.dir, `the ONNX graph does not load: ${(err as Error).message}`);
  }
  const probeAt = Date.UTC(2020, 0, 2);
  try {
    const probe = createDuve2Engine({ model: art.model, version: art.manifest.version, session });
    probe.observe([
      { userId: 'probe', type: art.model.types[0]!, itemId: 'probe:item', ts: probeAt - DAY_MS / 2, value: 0 },
      { userId: 'probe', type: art.model.types.at(-1)!, itemId: 'probe:item2', ts: probeAt - DAY_MS / 8, value: 1 },
    ]);
    const viaOnnx = (await probe.values(['probe'], probeAt)).get('probe')!;
    const viaTs = probe.source.read('probe', probeAt)!;
    if (!(Math.abs(viaOnnx.purchaseProbability - viaTs.purchaseProb) <= 1e-3)) {
      throw new CorruptModelError(art.dir, `the ONNX graph disagrees with the manifest's parameters (P(purchase) ${viaOnnx.purchaseProbability} vs ${viaTs.purchaseProb})`);
    }
  } finally {
    await session.close();
  }
  const engine = createDuve2Engine({ model: art.model, version: art.manifest.version, ...(o.id ? { id: o.id } : {}), ...(o.slack !== undefined ? { slack: o.slack } : {}) });
  if (o.store) for await (const page of o.store.scanInteractions(50_000)) engine.observe(page);
  const src = engine.source;
  return { id: src.id, stateDim: src.stateDim, read: (u, at, opts) => src.read(u, at, opts), observe: (e) => src.observe(e), engine };
}
