/**
 * Offline pre-training of a policy line (Contract C `pretrainOffline`): fitted double-DQN over the
 * transitions of the logged decisions and the stored events, published as the line's next version
 * (`pretrain`), seeded.
 *
 * - Decisions: the decision log's, with from ≤ ts < to (all when omitted), per line.
 * - Rewards: the logged outcome when the decision closed online; otherwise reward.ts over the
 *   store's purchase and click events of the user in (ts, ts + windowMs], with v_long read from the
 *   line's value source as of ts + windowMs.
 * - Transitions: each shown slot; next = the pool of the same user's next logged decision on the
 *   line within horizonMs, else terminal.
 * - Fit: `updates` minibatch double-DQN updates over the fixed set, the target network copied every
 *   `targetEvery` updates (fitted Q iteration in minibatches), from the line's live weights when it
 *   has a version of this layout, else from a seeded initialisation.
 * - Reported: the mean slot reward, the last loss, and the SNIPS estimate (guardrail.ts, under each decision's exploration)
 *   of the trained network and of version 0 on the same decisions: in-sample, so an optimistic
 *   check that training did not go wrong, not a held-out evaluation (that is `eval ope`).
 */
import type { GraphStore } from '../../graph/port';
import { createDqn, type DqnSettings } from '../../ml/dqn/agent';
import { qnetOnnx } from '../../ml/dqn/onnx';
import { createDqnReplay } from '../../ml/dqn/replay';
import { mulberry32 } from '../../ml/random';
import type { IraDecisionLog } from './decision-log';
import { IRA_DIM, IRA_FEATURES_VERSION } from './features';
import { snipsEstimate } from './guardrail';
import { heuristicQ } from './heuristic';
import { slotRewards, type SlotRewardOptions } from './reward';
import type { IraSnapshotStore } from './snapshots';
import type { IraEvent, LoggedIraDecision } from './types';
import type { UserValueSource } from './value';

export interface PretrainOfflineOptions {
  readonly from?: number;
  readonly to?: number;
  /** Only this line. Default every line in the log. */
  readonly line?: string;
  /** Minibatch updates per line. Default 2,000. */
  readonly updates?: number;
  /** Minibatch. Default 64. */
  readonly batch?: number;
  /** Target copy period, updates. Default 100. */
  readonly targetEvery?: number;
}

export interface PretrainLineResult {
  readonly line: string;
  readonly version: number;
  readonly decisions: number;
  readonly transitions: number;
  readonly metrics: {
    readonly meanReward: number;
    readonly terminalShare: number;
    readonly lastLoss: number | null;
    /** In-sample SNIPS of the trained network and of version 0 (null: too few slots). */
    readonly snipsTrained: number | null;
    readonly snipsVersion0: number | null;
    readonly trainMs: number;
  };
}

export interface PretrainOfflineResult extends PretrainLineResult {
  /** Every line trained (the top-level fields are the first's). */
  readonly lines: readonly PretrainLineResult[];
}

export interface PretrainDeps {
  readonly log: IraDecisionLog;
  readonly snapshots: IraSnapshotStore;
  readonly store: GraphStore | null;
  readonly valueSources: Readonly<Record<string, UserValueSource>>;
  readonly windowMs: number;
  readonly horizonMs: number;
  readonly reward?: Pick<SlotRewardOptions, 'valueScale' | 'clickWeight'>;
  readonly dqn?: Omit<DqnSettings, 'dim' | 'seed'>;
  readonly seed: number;
  readonly clock: () => number;
}

async function eventsOf(store: GraphStore, users: ReadonlySet<string>, from: number, to: number): Promise<Map<string, IraEvent[]>> {
  const out = new Map<string, IraEvent[]>();
  for await (const page of store.scanInteractions(10_000)) {
    for (const r of page) {
      if (r.ts <= from || r.ts > to || !users.has(r.userId) || (r.type !== 'purchase' && r.type !== 'click')) continue;
      let l = out.get(r.userId);
      if (!l) out.set(r.userId, (l = []));
      l.push({ userId: r.userId, type: r.type, itemId: r.itemId, ts: r.ts, value: r.value });
    }
  }
  return out;
}

export async function pretrainOffline(deps: PretrainDeps, o: PretrainOfflineOptions = {}): Promise<PretrainOfflineResult> {
  const all = deps.log.read({ ...(o.from !== undefined ? { from: o.from } : {}), ...(o.to !== undefined ? { to: o.to } : {}), ...(o.line !== undefined ? { line: o.line } : {}) });
  if (all.length === 0) throw new RangeError(`ira pre-training: no logged decisions${o.line !== undefined ? ` of line ${o.line}` : ''} in the window`);
  const open = all.filter((d) => d.rewards === null);
  const events =
    open.length > 0 && deps.store !== null
      ? await eventsOf(deps.store, new Set(open.map((d) => d.userId)), Math.min(...open.map((d) => d.ts)), Math.max(...open.map((d) => d.ts)) + deps.windowMs)
      : new Map<string, IraEvent[]>();
  const sourceIds = Object.keys(deps.valueSources);
  const rewardsOf = (d: LoggedIraDecision): Float64Array => {
    if (d.rewards !== null) return d.rewards;
    const src = deps.valueSources[d.valueSource ?? sourceIds[0] ?? ''];
    const after = src?.read(d.userId, d.ts + deps.windowMs, d.refreshMinutes !== undefined ? { refreshMinutes: d.refreshMinutes } : undefined)?.value ?? null;
    return slotRewards(d, events.get(d.userId) ?? [], { windowMs: deps.windowMs, gamma1: d.gamma1, gamma2: d.gamma2, valueAfter: after, ...deps.reward });
  };
  const byLine = new Map<string, LoggedIraDecision[]>();
  for (const d of all) {
    if (d.features.length !== d.pool.length * IRA_DIM) continue;
    let l = byLine.get(d.line);
    if (!l) byLine.set(d.line, (l = []));
    l.push(d);
  }
  const results: PretrainLineResult[] = [];
  for (const [line, ds] of [...byLine].sort(([a], [b]) => a.localeCompare(b))) {
    const t0 = performance.now();
    ds.sort((a, b) => a.ts - b.ts);
    const nextOf = new Map<LoggedIraDecision, LoggedIraDecision>();
    const lastOfUser = new Map<string, LoggedIraDecision>();
    for (const d of ds) {
      const prev = lastOfUser.get(d.userId);
      if (prev && d.ts - prev.ts <= deps.horizonMs) nextOf.set(prev, d);
      lastOfUser.set(d.userId, d);
    }
    const replay = createDqnReplay(
      ds.reduce((s, d) => s + d.shown.length, 0),
      IRA_DIM,
    );
    let total = 0;
    let terminal = 0;
    const slates = ds.map((d) => {
      const r = rewardsOf(d);
      const next = nextOf.get(d)?.features ?? null;
      d.shown.forEach((idx, k) => {
        replay.add({ x: d.features.slice(idx * IRA_DIM, (idx + 1) * IRA_DIM), reward: r[k]!, next });
        total += r[k]!;
        if (next === null) terminal++;
      });
      return { features: d.features, rows: d.pool.length, shown: d.shown, propensities: d.propensities, rewards: r, explore: d.explore };
    });
    const seed = deps.seed;
    const agent = createDqn({ ...deps.dqn, target: { kind: 'periodic', every: o.targetEvery ?? 100 }, dim: IRA_DIM, seed });
    const live = await deps.snapshots.live(line);
    if (live !== null && live.featuresVersion === IRA_FEATURES_VERSION && live.params.length === agent.online.params.length) agent.load(live.params);
    const rand = mulberry32(seed ^ 0x9e37);
    let lastLoss: number | null = null;
    for (let u = 0; u < (o.updates ?? 2000); u++) {
      const st = agent.update(replay.sample(o.batch ?? 64, rand));
      if (!st.finite) throw new RangeError(`ira pre-training: line ${line} diverged at update ${u} (loss ${st.loss})`);
      lastLoss = st.loss;
    }
    const g = { temperature: 0.1, minSlots: 1 };
    const trained = snipsEstimate(slates, (f, rows) => agent.q(f, rows), g);
    const v0 = snipsEstimate(slates, heuristicQ, g);
    const slots = replay.size();
    const version = await deps.snapshots.publish(line, {
      sizes: [...agent.online.sizes],
      featuresVersion: IRA_FEATURES_VERSION,
      source: 'pretrain',
      createdAt: deps.clock(),
      updates: agent.updates(),
      guardrail: trained !== null && v0 !== null ? { estimate: trained.value, baseline: v0.value, slots: trained.slots } : null,
      params: Float32Array.from(agent.online.params),
      onnx: qnetOnnx(agent.online, `IRA line ${line}, offline pre-training on ${ds.length} decisions, seed ${seed}`),
    });
    results.push({
      line,
      version,
      decisions: ds.length,
      transitions: slots,
      metrics: {
        meanReward: total / slots,
        terminalShare: terminal / slots,
        lastLoss,
        snipsTrained: trained?.value ?? null,
        snipsVersion0: v0?.value ?? null,
        trainMs: Math.round(performance.now() - t0),
      },
    });
  }
  if (results.length === 0) throw new RangeError('ira pre-training: no logged decision has the current feature layout');
  return { ...results[0]!, lines: results };
}
