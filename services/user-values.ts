/**
 * User values in one gateway: the DUVE engine of the served model version, the published
 * snapshot, and the change log partners read. It
 * - rebuilds the online state from the store at boot (one scan; nothing is published),
 * - folds every stored event and republishes the touched users' values (`onStored`),
 * - recomputes every user at the data time and republishes what moved (`refresh`, the job), and
 *   hot-swaps to a higher model version when one is published under the model folder.
 * Updates are serialised, so values and changes are applied in the order they were computed.
 */
import type { Logger } from 'pino';
import type { ValueChange } from '../domain/user-value';
import type { GraphStore } from '../graph/port';
import { CorruptModelError, latestDuveArtifact, type DuveArtifact } from '../ml/duve/export';
import { createDuveEngine, type DuveEngine, type ObservedEvent } from '../plugins/duve/engine';
import { createValueSnapshot, type ValueSnapshot } from '../plugins/duve/snapshot';
import type { ModelSession } from '../plugins/sdk/model';

/** What the service needs of a model artifact (DUVE v1's DuveArtifact, DUVE v2's Duve2Artifact). */
export interface ValueArtifact {
  readonly dir: string;
  readonly onnxPath: string;
  readonly manifest: { readonly version: number };
}

/** How one model line finds its newest artifact and builds an engine on its ONNX session. */
export interface ValueEngineKind<A extends ValueArtifact = DuveArtifact> {
  latest(modelDir: string): Promise<A | null>;
  create(artifact: A, session: ModelSession, clock?: () => number): DuveEngine;
}

/** DUVE v1 (the default). */
export const DUVE_V1_ENGINES: ValueEngineKind<DuveArtifact> = {
  latest: latestDuveArtifact,
  create: (art, session, clock) => createDuveEngine({ model: art.model, version: art.manifest.version, session, ...(clock ? { clock } : {}) }),
};

export interface UserValueServiceOptions<A extends ValueArtifact = DuveArtifact> {
  readonly store: GraphStore;
  readonly artifact: A;
  /** Which model line (DUVE_VERSION): v1 by default; plugins/duve/v2 provides DUVE_V2_ENGINES. */
  readonly engines?: ValueEngineKind<A>;
  /** Opens the ONNX value head (the gateway passes onnxruntime-node's loader). */
  readonly loadModel: (uri: string) => Promise<ModelSession>;
  /** Where newer versions are looked for on refresh (the folder holding `<n>/`). */
  readonly modelDir: string;
  /** Publish threshold (VALUE_CHANGE_MIN_DELTA). */
  readonly minDelta: number;
  /** Append published changes to the partners' log. */
  readonly publish: (changes: readonly ValueChange[]) => Promise<unknown>;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Rows per store page at rebuild. Default 50,000. */
  readonly scanPageSize?: number;
}

export interface RefreshOutcome {
  readonly users: number;
  readonly changes: number;
  readonly modelVersion: string;
  /** Set when this refresh swapped the model. */
  readonly swappedFrom?: string;
  readonly ms: number;
}

export interface UserValueService {
  /** The engine of the served version (changes on a hot swap). */
  engine(): DuveEngine;
  readonly snapshot: ValueSnapshot;
  /** Fold stored events and publish the touched users' changes. Never throws (logs instead): the events are already acknowledged. */
  onStored(events: readonly ObservedEvent[]): Promise<ValueChange[]>;
  /** The refresh job's body. Throws what the job queue should classify. */
  refresh(): Promise<RefreshOutcome>;
  close(): Promise<void>;
}

/** Build the engine of an artifact and fold the whole store into it. */
async function buildEngine<A extends ValueArtifact>(o: UserValueServiceOptions<A>, art: A): Promise<{ engine: DuveEngine; events: number }> {
  let session: ModelSession;
  try {
    session = await o.loadModel(art.onnxPath);
  } catch (err) {
    throw new CorruptModelError(art.dir, `the ONNX value head does not load: ${(err as Error).message}`);
  }
  try {
    const engine = (o.engines ?? (DUVE_V1_ENGINES as unknown as ValueEngineKind<A>)).create(art, session, o.clock);
    let events = 0;
    for await (const page of o.store.scanInteractions(o.scanPageSize ?? 50_000)) {
      engine.observe(page);
      events += page.length;
    }
    return { engine, events };
  } catch (err) {
    await session.close();
    throw err;
  }
}

export async function createUserValueService<A extends ValueArtifact = DuveArtifact>(o: UserValueServiceOptions<A>): Promise<UserValueService> {
  const t0 = performance.now();
  let { engine, events } = await buildEngine(o, o.artifact);
  const snapshot = createValueSnapshot({ minDelta: o.minDelta });
  snapshot.apply((await engine.values(engine.userIds())).values(), 'refresh');
  o.logger.info({ model: engine.modelVersion, users: engine.userCount, events, ms: Math.round(performance.now() - t0) }, 'DUVE state rebuilt from the store');

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };
  const publish = async (changes: ValueChange[]): Promise<void> => {
    if (changes.length > 0) await o.publish(changes);
  };

  return {
    engine: () => engine,
    snapshot,
    onStored(stored) {
      return serial(async () => {
        try {
          const touched = engine.observe(stored);
          if (touched.size === 0) return [];
          const changes = snapshot.apply((await engine.values(touched)).values(), 'event');
          await publish(changes);
          return changes;
        } catch (err) {
          o.logger.error({ err: (err as Error).message, events: stored.length }, 'DUVE update after stored events failed; the refresh job will republish');
          return [];
        }
      });
    },
    refresh() {
      return serial(async () => {
        const start = performance.now();
        let swappedFrom: string | undefined;
        const latest = await (o.engines ?? (DUVE_V1_ENGINES as unknown as ValueEngineKind<A>)).latest(o.modelDir);
        if (latest !== null && latest.manifest.version > Number(engine.modelVersion.split('@')[1])) {
          const next = await buildEngine(o, latest);
          swappedFrom = engine.modelVersion;
          const old = engine;
          engine = next.engine;
          await old.session.close();
          o.logger.info({ from: swappedFrom, to: engine.modelVersion, events: next.events }, 'DUVE model hot-swapped');
        }
        const changes = snapshot.apply((await engine.values(engine.userIds())).values(), 'refresh');
        await publish(changes);
        return { users: engine.userCount, changes: changes.length, modelVersion: engine.modelVersion, ...(swappedFrom ? { swappedFrom } : {}), ms: performance.now() - start };
      });
    },
    async close() {
      await chain;
      await engine.session.close();
    },
  };
}
