/**
 * `dpgcn/graph`: the DP-GCN scorer and retriever, served from the newest artifact under a root
 * (`models/dpgcn/<n>/`, plugins/dpgcn/artifact.ts), swapping to newer versions while serving.
 *
 *   g(u, c) = ⟨U_u, V_c⟩            the cosine (rows are normalised); 0 for an unknown user or item
 *   score   = α·g + (1 − α)·h(x_c)  when the artifact has a fusion network (ONNX, via the SDK's
 *                                   model session), x_c the standard columns `manifest.fusion.columns`
 *
 * α is `policy.decide(...)` when a FusionPolicy is given (plugins/dpgcn/policy-contract.ts), else
 * the artifact's fitted `fusion.alpha`. Per-strategy settings (`scorers[i].settings`):
 * - `{"fusion": false}`: the graph score alone (the "no fusion" ablation);
 * - `{"policy": "frozen"}`: the policy acts but records nothing (a frozen experiment arm);
 * - `{"policy": "off"}`: α = the fitted α, the policy is not asked (the "no policy" ablation).
 *
 * The live scorer also retrieves (plugins/sdk/retriever.ts): the exact top-K items by cosine to
 * the user over the whole item table (plugins/dpgcn/topk.ts), for `candidates.embedding`.
 */
import { join } from 'node:path';
import { FUSION_FEATURES } from '../../ml/fusion/columns';
import { columnLayout, type ColumnFeatures, type ColumnLayout } from '../sdk/columns';
import { defineScorer, type PluginLogger, type ScorerPlugin, type ScorerSettings } from '../sdk/contract';
import type { FeatureKey } from '../sdk/features';
import type { ModelSession } from '../sdk/model';
import type { RetrieveRequest } from '../sdk/retriever';
import { latestDpgcnDir, readDpgcnArtifact, type DpgcnArtifact } from './artifact';
import type { FusionPolicy } from './policy-contract';
import { topKByDot, topKExcept } from './topk';

export const DPGCN_SCORER_ID = 'dpgcn/graph';

/** What the scorer declares: the policy's history and the features of the standard fusion columns. */
export const DPGCN_FEATURES: readonly FeatureKey[] = Object.freeze([...new Set<FeatureKey>(['user.history', ...FUSION_FEATURES])]);

export interface DpgcnScorerOptions {
  /** Folder of versions (`models/dpgcn`: the highest is served and newer ones are swapped in) or one version folder (served as is). Required unless `loadArtifact` is given. */
  readonly artifactDir?: string;
  /** Supplies the artifact at setup instead of reading `artifactDir` (tests, other storage); no swapping. Default: read `artifactDir`. */
  readonly loadArtifact?: () => Promise<DpgcnArtifact>;
  /** Picks α per request. Default none: the artifact's fitted α. */
  readonly policy?: FusionPolicy;
  /** Opens the fusion ONNX file (absolute path). Default: the setup context's `loadModel` (the SDK's model session). */
  readonly loadModel?: (file: string) => Promise<ModelSession>;
  /** Least time between checks for a newer version under `artifactDir` (ms); 0 turns watching off. Default 30 000. */
  readonly watchMs?: number;
  /** Per-request deadline (ms). Default: the gateway's. */
  readonly timeoutMs?: number;
  /**
   * Users whose top items (the retriever's `limit` + 64, by cosine) are kept between requests, per
   * model version, least recently used dropped; 0 keeps none. Answers stay exact: when the user's
   * exclusions remove too many of the kept items, the table is scanned again. Default 10 000.
   */
  readonly retrieveCacheUsers?: number;
  /** Told about swaps and refused versions. Default: the setup context's logger. */
  readonly onSwap?: (e: { from: number; to: number } | { refused: string; reason: string }) => void;
}

interface Live {
  readonly art: DpgcnArtifact;
  readonly session: ModelSession | null;
  readonly layout: ColumnLayout | null;
  /** User row -> its top rows by cosine (best first), least recently used first. */
  readonly topCache: Map<number, Int32Array>;
}

/** Rows kept per cached user beyond the asked limit, so a few exclusions do not force a rescan. */
const CACHE_MARGIN = 64;

interface Mode {
  readonly fusion: boolean;
  readonly policy: 'live' | 'frozen' | 'off';
}

const modes = new WeakMap<ScorerSettings, Mode>();

/** The request's settings as a mode; a bad value throws naming the setting (the scorer drops out of that request). */
export function dpgcnMode(settings: ScorerSettings | undefined): Mode {
  if (!settings) return { fusion: true, policy: 'live' };
  const cached = modes.get(settings);
  if (cached) return cached;
  const { fusion = true, policy = 'live' } = settings;
  if (typeof fusion !== 'boolean') throw new RangeError(`${DPGCN_SCORER_ID} settings.fusion must be true or false`);
  if (policy !== 'live' && policy !== 'frozen' && policy !== 'off') throw new RangeError(`${DPGCN_SCORER_ID} settings.policy must be "live", "frozen" or "off"`);
  const mode: Mode = { fusion, policy };
  modes.set(settings, mode);
  return mode;
}

async function isVersionRoot(dir: string): Promise<boolean> {
  return (await latestDpgcnDir(dir)) !== null;
}

export function createDpgcnScorer(opts: DpgcnScorerOptions): ScorerPlugin<readonly FeatureKey[], Float32Array> {
  if (!opts.artifactDir && !opts.loadArtifact) throw new TypeError('createDpgcnScorer needs artifactDir or loadArtifact');
  const watchMs = opts.watchMs ?? 30_000;
  const cacheUsers = opts.retrieveCacheUsers ?? 10_000;
  return defineScorer({
    id: DPGCN_SCORER_ID,
    version: '1.0.0',
    features: DPGCN_FEATURES,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    async setup(ctx) {
      const log: PluginLogger = ctx.logger;
      const report = opts.onSwap ?? ((e) => log.info(e, 'dpgcn/graph model'));
      const open = opts.loadModel ?? ((file: string) => ctx.loadModel(file));
      const root = opts.loadArtifact || !opts.artifactDir ? null : (await isVersionRoot(opts.artifactDir)) ? opts.artifactDir : null;
      const readFirst = async (): Promise<DpgcnArtifact> => {
        if (opts.loadArtifact) return opts.loadArtifact();
        const dir = root ? await latestDpgcnDir(root) : opts.artifactDir!;
        return readDpgcnArtifact(dir!);
      };
      const prepare = async (art: DpgcnArtifact): Promise<Live> => {
        const f = art.manifest.fusion;
        if (!f) return { art, session: null, layout: null, topCache: new Map() };
        const layout = columnLayout(f.columns);
        const missing = layout.features.filter((k) => !DPGCN_FEATURES.includes(k));
        if (missing.length > 0) throw new RangeError(`its fusion columns read ${missing.join(', ')}, which ${DPGCN_SCORER_ID} does not declare`);
        if (art.dir === null) throw new RangeError('an artifact with a fusion network needs its folder (dir) to open fusion.onnx');
        return { art, session: await open(join(art.dir, f.file)), layout, topCache: new Map() };
      };
      let live = await prepare(await readFirst());
      const refused = new Set<string>();
      let checkedAt = Date.now();
      let checking = false;
      const reload = async (): Promise<void> => {
        const dir = await latestDpgcnDir(root!);
        if (dir === null || refused.has(dir)) return;
        const version = Number(dir.slice(dir.lastIndexOf('/') + 1));
        if (!(version > live.art.manifest.version)) return;
        let next: Live;
        try {
          next = await prepare(await readDpgcnArtifact(dir));
        } catch (err) {
          refused.add(dir);
          report({ refused: dir, reason: (err as Error).message });
          return;
        }
        const old = live;
        live = next;
        report({ from: old.art.manifest.version, to: next.art.manifest.version });
        // In-flight requests on the old session finish first.
        if (old.session) setTimeout(() => void old.session!.close().catch(() => {}), 5_000).unref();
      };
      const maybeReload = (): void => {
        if (!root || watchMs <= 0 || checking || Date.now() - checkedAt < watchMs) return;
        checking = true;
        checkedAt = Date.now();
        void reload()
          .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'dpgcn/graph: new version not loaded'))
          .finally(() => (checking = false));
      };
      const cosines = (art: DpgcnArtifact, userId: string, itemIds: readonly string[]): Float32Array => {
        const out = new Float32Array(itemIds.length);
        const u = art.userRow.get(userId);
        if (u === undefined) return out;
        const d = art.dims;
        const U = art.users;
        const V = art.items;
        for (let i = 0; i < itemIds.length; i++) {
          const r = art.itemRow.get(itemIds[i]!);
          if (r === undefined) continue;
          let s = 0;
          for (let k = 0, uo = u * d, io = r * d; k < d; k++) s += U[uo + k]! * V[io + k]!;
          out[i] = s;
        }
        return out;
      };
      return {
        async score({ userId, itemIds, features, now, signal, settings }) {
          maybeReload();
          const cur = live;
          const mode = dpgcnMode(settings);
          const g = cosines(cur.art, userId, itemIds);
          const f = cur.art.manifest.fusion;
          if (!mode.fusion || !f || !cur.session || !cur.layout || itemIds.length === 0) return g;
          let alpha = f.alpha;
          if (opts.policy && mode.policy !== 'off') {
            const history = (features as ColumnFeatures)['user.history'] ?? [];
            const a = opts.policy.decide({ userId, history, now, alpha0: f.alpha, frozen: mode.policy === 'frozen' });
            if (Number.isFinite(a)) alpha = Math.min(1, Math.max(0, a));
          }
          const n = itemIds.length;
          const x = cur.layout.tensor(features as ColumnFeatures, n, now);
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
          const out = await cur.session.run({ graph: { data: g, dims: [n, 1] }, features: x, alpha: { data: new Float32Array([alpha]), dims: [1] } });
          const y = out.score ?? Object.values(out)[0];
          if (!y) throw new Error('the fusion model returned no output');
          return y.data instanceof Float32Array ? y.data : Float32Array.from(y.data);
        },
        async retrieve({ userId, limit, exclude }: RetrieveRequest): Promise<readonly string[]> {
          maybeReload();
          const cur = live;
          const art = cur.art;
          const u = art.userRow.get(userId);
          if (u === undefined || limit <= 0) return [];
          const skip = new Set<number>();
          for (const id of exclude) {
            const r = art.itemRow.get(id);
            if (r !== undefined) skip.add(r);
          }
          const d = art.dims;
          const user = art.users.subarray(u * d, (u + 1) * d);
          const ids = art.manifest.itemIds;
          if (cacheUsers > 0) {
            let top = cur.topCache.get(u);
            if (top === undefined || top.length < Math.min(limit + CACHE_MARGIN, ids.length)) top = topKByDot(user, art.items, d, limit + CACHE_MARGIN).rows;
            cur.topCache.delete(u);
            cur.topCache.set(u, top);
            if (cur.topCache.size > cacheUsers) cur.topCache.delete(cur.topCache.keys().next().value!);
            // The best `limit` rows outside `skip` are among the kept ones when enough of them are left (or the kept rows are the whole table).
            const kept: string[] = [];
            for (let i = 0; i < top.length && kept.length < limit; i++) if (!skip.has(top[i]!)) kept.push(ids[top[i]!]!);
            if (kept.length === limit || top.length === ids.length) return kept;
          }
          const top = topKExcept(user, art.items, d, limit, skip);
          return Array.from(top.rows, (r) => ids[r]!);
        },
        async close() {
          await live.session?.close();
        },
      };
    },
  });
}
