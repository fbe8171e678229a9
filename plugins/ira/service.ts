/**
 * The IRA policy as the gateway runs it (Contract C): the servable version of every policy line
 * (hot-swapped on every instance), the decisions the `ira/policy` scorer records, their reward
 * attribution through the ingest hook, the learning jobs, and the operations GraphQL exposes.
 *
 * - Lines are keyed by the scorer's settings (each strategy / experiment variant names one): each
 *   has its own versions (snapshots.ts), replay and learner (learner.ts).
 * - Versions: every `pollMs` each instance re-reads every line's live version and frozen / halted
 *   flags from the shared SQLite file and swaps its ModelSession (the old one is closed `retireMs`
 *   later, so a request still running on it finishes). Before a line has any version, `current`
 *   serves version 0: the heuristic Q (heuristic.ts), so decisions are logged from the first request.
 * - Decisions: `recordDecision` keeps a bounded in-memory set of open decisions (and appends to the
 *   decision log). `onEvents` (the ingest hook, beside DUVE's and the DDPG policy's) collects the
 *   user's events, and closes every decision whose attribution window ended by the server clock and
 *   whose next decision is known (the same user's next decision on the line) or whose horizon passed
 *   (terminal): its per-slot rewards (reward.ts, v_long read from the line's value source as of the
 *   window's end) become one learning job per line. No learning happens on the request path.
 * - Safety: freeze (no exploration — the scorer asks `frozen(line)` — and no updates) per line or for
 *   all; rollback to the previous version; the guardrail halts a line's updates (learner.ts).
 */
import type { Logger } from 'pino';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { JobQueue } from '../../jobs/port';
import { registerIraLearning } from '../../jobs/processors/ira-learn';
import { loadOnnxModelBytes } from '../../ml/onnx/session';
import type { ModelSession } from '../sdk/model';
import type { EventType } from '../sdk/records';
import type { IraDecisionLog } from './decision-log';
import { IRA_DIM, IRA_FEATURES_VERSION } from './features';
import { heuristicOnnx } from './heuristic';
import { createIraLearner, type ClosedDecisionData, type IraGuardrailReading, type IraLearner, type IraLearnerOptions } from './learner';
import { slotRewards } from './reward';
import { ALL_LINES, type IraSnapshotStore } from './snapshots';
import type { IraDecision, IraEvent } from './types';
import type { UserValueSource } from './value';

export type { IraDecision, IraEvent, IraExplore, LoggedIraDecision } from './types';

export interface IraRewardSettings {
  /** The value at which v_long_norm reaches 1. Default 1,000. */
  readonly valueScale?: number;
  /** Weight of a click in r_short. Default 0 (purchases only). */
  readonly clickWeight?: number;
}

export interface IraPolicyServiceOptions {
  readonly snapshots: IraSnapshotStore;
  /** Where recorded decisions and their outcomes are kept; null = not persisted. */
  readonly decisionLog: IraDecisionLog | null;
  readonly jobs: JobQueue;
  /** Names this instance's learning queue. */
  readonly instanceId: string;
  readonly clock: () => number;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Value sources by id (Contract A); a decision's `valueSource` picks one. Default the first. */
  readonly valueSources: Readonly<Record<string, UserValueSource>>;
  /** Opens a version's ONNX bytes. Default onnxruntime-node. */
  readonly loadModelBytes?: (bytes: Uint8Array) => Promise<ModelSession>;
  /** How often versions and flags are re-read, ms; 0 = only on refresh(). Default 5,000. */
  readonly pollMs?: number;
  /** Attribution window of a decision's rewards, ms. Default 24 h. */
  readonly windowMs?: number;
  /** A decision's next decision must come within this (ms, ≥ windowMs), else the transition is terminal. Default windowMs. */
  readonly horizonMs?: number;
  /** Open decisions kept at most (the oldest dropped beyond). Default 50,000. */
  readonly capacity?: number;
  /** A swapped-out session is closed this much later, ms. Default 10,000. */
  readonly retireMs?: number;
  readonly reward?: IraRewardSettings;
  /** Fold every event given to onEvents into every value source too (when they are IRA's own instances). Default false. */
  readonly observeValues?: boolean;
  /** Learner settings (shared by every line; each line's seed is derived from `seed` and its name). */
  readonly learner?: IraLearnerOptions;
}

export interface IraServedVersion {
  readonly version: number;
  readonly session: ModelSession;
}

export interface IraLineStatus {
  readonly line: string;
  /** The version served here (0: the heuristic). */
  readonly version: number;
  /** `pretrain`, `online`, or `heuristic` for version 0. */
  readonly source: string;
  readonly createdAt: number | null;
  /** Versions stored (after pruning). */
  readonly versions: number;
  readonly frozen: boolean;
  readonly halted: string | null;
  readonly updates: number;
  readonly replaySize: number;
  readonly transitions: number;
  readonly recentMeanReward: number | null;
  readonly lastLoss: number | null;
  readonly guardrail: IraGuardrailReading | null;
  readonly guardrailTrips: number;
  /** Decisions recorded by this instance. */
  readonly decisions: number;
  readonly openDecisions: number;
}

export interface IraPolicyStatus {
  /** The switch for every line. */
  readonly frozenAll: boolean;
  readonly lines: readonly IraLineStatus[];
  /** Learning jobs settled on this instance. */
  readonly learningJobs: number;
  /** Open decisions dropped at capacity. */
  readonly dropped: number;
}

export interface IraPolicyService {
  /** Current servable version of a line (hot-swapped), version 0 (the heuristic) before any; null only while the heuristic session is not loaded. */
  current(line: string): IraServedVersion | null;
  /** Record one served decision (called by the scorer, off the critical path). Logs, never throws. */
  recordDecision(d: IraDecision): void;
  frozen(line: string): boolean;
  status(): Promise<IraPolicyStatus>;
  /** Freeze or unfreeze a line, or every line; unfreezing also resumes a halted line (every line when omitted). */
  freeze(frozen: boolean, line?: string): Promise<IraPolicyStatus>;
  /** Serve a line's previous version (every line that has one when omitted); LIFECYCLE_CONFLICT when there is none. */
  rollback(line?: string): Promise<IraPolicyStatus>;
  /** The ingest hook: collect events, close windows at the server clock, enqueue learning. Logs, never throws. */
  onEvents(events: readonly IraEvent[]): Promise<void>;
  /** Re-read versions and flags now. */
  refresh(): Promise<void>;
  /** Wait for queued learning jobs, then refresh (simulator lockstep). */
  settle(): Promise<void>;
  /** Listen for guardrail trips (metrics); returns the unsubscribe. */
  onTrip(listener: (line: string, g: IraGuardrailReading) => void): () => void;
  close(): void;
}

interface Open {
  readonly d: IraDecision;
  readonly events: IraEvent[];
  closed: boolean;
}

interface LineState {
  readonly name: string;
  served: { version: number; session: ModelSession; source: string; createdAt: number } | null;
  frozen: boolean;
  halted: string | null;
  decisions: number;
  learner: IraLearner | null;
}

const hashLine = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};

export function validDecision(d: IraDecision): string | null {
  const n = d.pool.length;
  if (typeof d.line !== 'string' || d.line === '' || d.line === ALL_LINES) return 'line must be a non-empty name other than *';
  if (n === 0) return 'pool is empty';
  if (!(d.features instanceof Float32Array) || d.features.length !== n * IRA_DIM) return `features must be ${n}×${IRA_DIM}`;
  if (d.q.length !== n) return `q must have ${n} values`;
  if (d.shown.length === 0 || d.shown.some((i) => !Number.isInteger(i) || i < 0 || i >= n)) return 'shown must index the pool';
  if (d.propensities.length !== d.shown.length || d.propensities.some((p) => !(p >= 0 && p <= 1 + 1e-9))) return 'propensities must be one probability per slot';
  if (!Number.isFinite(d.ts)) return 'ts must be finite';
  return null;
}

export function createIraPolicyService(o: IraPolicyServiceOptions): IraPolicyService {
  const windowMs = o.windowMs ?? 24 * 3_600_000;
  const horizonMs = Math.max(windowMs, o.horizonMs ?? windowMs);
  const capacity = o.capacity ?? 50_000;
  const retireMs = o.retireMs ?? 10_000;
  if (o.learner?.updatesPerTransition !== undefined && !(o.learner.updatesPerTransition > 0))
    throw new RangeError(`ira learner: updatesPerTransition must be positive, got ${o.learner.updatesPerTransition}`);
  const loadBytes = o.loadModelBytes ?? loadOnnxModelBytes;
  const sourceIds = Object.keys(o.valueSources);
  const lines = new Map<string, LineState>();
  let heuristic: ModelSession | null = null;
  const heuristicReady = loadBytes(heuristicOnnx())
    .then((s) => void (heuristic = s))
    .catch((err: Error) => o.logger.error({ err: err.message }, 'IRA: the version 0 model did not load; the scorer falls back to the baseline'));
  let queue: Open[] = [];
  let head = 0;
  const byUser = new Map<string, Open[]>();
  let dropped = 0;
  let enqueued = 0;
  let settled = 0;
  let waiters: Array<() => void> = [];
  let frozenAll = false;
  const tripListeners = new Set<(line: string, g: IraGuardrailReading) => void>();

  const lineOf = (name: string): LineState => {
    let l = lines.get(name);
    if (!l) {
      lines.set(name, (l = { name, served: null, frozen: frozenAll, halted: null, decisions: 0, learner: null }));
      void refreshLine(l).catch((err: Error) => o.logger.warn({ line: name, err: err.message }, 'IRA: line refresh failed'));
    }
    return l;
  };
  const learnerOf = (name: string): IraLearner => {
    const l = lineOf(name);
    l.learner ??= createIraLearner(name, {
      ...o.learner,
      seed: ((o.learner?.seed ?? 1) ^ hashLine(name)) >>> 0,
      snapshots: o.snapshots,
      clock: o.clock,
      logger: o.logger,
      onTrip: (line, g) => {
        for (const t of tripListeners) t(line, g);
      },
    });
    return l.learner;
  };
  const retire = (s: ModelSession): void => {
    const t = setTimeout(() => void s.close().catch(() => undefined), retireMs);
    t.unref();
  };
  async function refreshLine(l: LineState): Promise<void> {
    l.frozen = await o.snapshots.frozen(l.name);
    l.halted = await o.snapshots.halted(l.name);
    const live = await o.snapshots.liveVersion(l.name);
    if (live === (l.served?.version ?? null)) return;
    const v = live === null ? null : await o.snapshots.live(l.name);
    const old = l.served;
    if (v === null) l.served = null;
    else if (v.featuresVersion !== IRA_FEATURES_VERSION || v.sizes[0] !== IRA_DIM) {
      o.logger.warn({ line: l.name, version: v.version, featuresVersion: v.featuresVersion }, 'IRA version has another feature layout; not served');
      return;
    } else {
      const session = await loadBytes(v.onnx);
      l.served = { version: v.version, session, source: v.source, createdAt: v.createdAt };
      o.logger.info({ line: l.name, version: v.version, source: v.source }, 'IRA version served');
    }
    if (old !== null) retire(old.session);
  }
  const refresh = async (): Promise<void> => {
    frozenAll = await o.snapshots.frozen(ALL_LINES);
    for (const name of await o.snapshots.lines()) lineOf(name);
    for (const l of lines.values()) await refreshLine(l);
  };
  const pollMs = o.pollMs ?? 5000;
  const timer =
    pollMs > 0
      ? setInterval(() => {
          refresh().catch((err: Error) => o.logger.warn({ err: err.message }, 'IRA refresh failed; serving the previous versions'));
        }, pollMs)
      : null;
  timer?.unref();

  const name = registerIraLearning(o.jobs, { learn: async (line, ds) => learnerOf(line).learn(ds) }, { instanceId: o.instanceId, logger: o.logger });
  const off = o.jobs.onOutcome((out) => {
    if (out.name !== name) return;
    settled++;
    if (out.status === 'failed') o.logger.warn({ job: out.id, error: out.error }, 'IRA learning job failed');
    if (settled >= enqueued) {
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
    }
  });

  const detach = (x: Open): Open | null => {
    x.closed = true;
    const list = byUser.get(x.d.userId)!;
    const at = list.indexOf(x);
    list.splice(at, 1);
    if (list.length === 0) byUser.delete(x.d.userId);
    for (let k = at; k < list.length; k++) if (list[k]!.d.line === x.d.line) return list[k]!.d.ts - x.d.ts <= horizonMs ? list[k]! : null;
    return null;
  };
  const nextKnown = (x: Open): boolean => {
    const list = byUser.get(x.d.userId)!;
    for (let k = list.indexOf(x) + 1; k < list.length; k++) if (list[k]!.d.line === x.d.line) return true;
    return false;
  };
  const valueAfter = (d: IraDecision): number | null => {
    const id = d.valueSource ?? sourceIds[0];
    const src = id === undefined ? undefined : o.valueSources[id];
    if (!src) return null;
    try {
      return src.read(d.userId, d.ts + windowMs, d.refreshMinutes !== undefined ? { refreshMinutes: d.refreshMinutes } : undefined)?.value ?? null;
    } catch (err) {
      o.logger.warn({ source: id, err: (err as Error).message }, 'IRA: value source read failed; v_long taken as unknown');
      return null;
    }
  };
  const closeDue = (now: number): Map<string, ClosedDecisionData[]> => {
    const out = new Map<string, ClosedDecisionData[]>();
    for (let k = head; k < queue.length; k++) {
      const x = queue[k]!;
      if (x.d.ts + windowMs > now) break;
      if (x.closed || (!nextKnown(x) && x.d.ts + horizonMs > now)) continue;
      const next = detach(x);
      const d = x.d;
      const after = valueAfter(d);
      const rewards = slotRewards(d, x.events, { windowMs, gamma1: d.gamma1, gamma2: d.gamma2, valueAfter: after, ...o.reward });
      try {
        o.decisionLog?.setOutcome(d.decisionId, rewards, after);
      } catch (err) {
        o.logger.warn({ err: (err as Error).message }, 'IRA: decision outcome not logged');
      }
      let list = out.get(d.line);
      if (!list) out.set(d.line, (list = []));
      list.push({
        id: d.decisionId,
        features: Array.from(d.features),
        rows: d.pool.length,
        shown: [...d.shown],
        propensities: [...d.propensities],
        rewards: Array.from(rewards),
        next: next === null ? null : { features: Array.from(next.d.features), rows: next.d.pool.length },
        explore: d.explore,
      });
    }
    while (head < queue.length && queue[head]!.closed) head++;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return out;
  };

  const status = async (): Promise<IraPolicyStatus> => {
    const out: IraLineStatus[] = [];
    for (const l of [...lines.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const ls = l.learner?.status();
      let open = 0;
      for (const xs of byUser.values()) for (const x of xs) if (x.d.line === l.name) open++;
      out.push({
        line: l.name,
        version: l.served?.version ?? 0,
        source: l.served?.source ?? 'heuristic',
        createdAt: l.served?.createdAt ?? null,
        versions: await o.snapshots.count(l.name),
        frozen: l.frozen,
        halted: l.halted,
        updates: ls?.updates ?? 0,
        replaySize: ls?.replaySize ?? 0,
        transitions: ls?.transitions ?? 0,
        recentMeanReward: ls?.recentMeanReward ?? null,
        lastLoss: ls?.lastLoss ?? null,
        guardrail: ls?.guardrail ?? null,
        guardrailTrips: ls?.guardrailTrips ?? 0,
        decisions: l.decisions,
        openDecisions: open,
      });
    }
    return { frozenAll, lines: out, learningJobs: settled, dropped };
  };
  const known = async (line: string): Promise<void> => {
    if (!lines.has(line) && !(await o.snapshots.lines()).includes(line)) throw new CodedError(ErrorCode.BAD_USER_INPUT, `line: no IRA policy line ${line}`, { field: 'line' });
  };

  return {
    current(line) {
      const l = lineOf(line);
      if (l.served !== null) return { version: l.served.version, session: l.served.session };
      return heuristic === null ? null : { version: 0, session: heuristic };
    },
    frozen: (line) => frozenAll || (lines.get(line)?.frozen ?? false),
    recordDecision(d) {
      try {
        const bad = validDecision(d);
        if (bad !== null) {
          o.logger.warn({ line: d.line, decisionId: d.decisionId, reason: bad }, 'IRA: decision not recorded');
          return;
        }
        o.decisionLog?.append(d);
        lineOf(d.line).decisions++;
        while (queue.length - head >= capacity) {
          const x = queue[head++]!;
          if (!x.closed) {
            detach(x);
            dropped++;
          }
        }
        const x: Open = { d, events: [], closed: false };
        queue.push(x);
        const list = byUser.get(d.userId);
        if (list) list.push(x);
        else byUser.set(d.userId, [x]);
      } catch (err) {
        o.logger.warn({ err: (err as Error).message }, 'IRA: decision not recorded');
      }
    },
    async onEvents(events) {
      if (o.observeValues) {
        for (const e of events) {
          for (const src of Object.values(o.valueSources)) {
            try {
              src.observe({ userId: e.userId, type: e.type as EventType, itemId: e.itemId, ts: e.ts, value: e.value ?? 0 });
            } catch (err) {
              o.logger.warn({ source: src.id, err: (err as Error).message }, 'IRA: value source did not fold an event');
            }
          }
        }
      }
      try {
        for (const e of events) {
          if (e.itemId === null) continue;
          const list = byUser.get(e.userId);
          if (!list) continue;
          for (const x of list) if (e.ts > x.d.ts && e.ts <= x.d.ts + windowMs) x.events.push(e);
        }
        const closed = closeDue(o.clock());
        for (const [line, decisions] of closed) {
          enqueued++;
          await o.jobs.add(name, { line, decisions });
        }
      } catch (err) {
        o.logger.warn({ err: (err as Error).message }, 'IRA: feedback not handed to the learner');
      }
    },
    status,
    refresh,
    async freeze(frozen, line) {
      if (line !== undefined) await known(line);
      await o.snapshots.setFrozen(frozen, line);
      if (!frozen) for (const name of line !== undefined ? [line] : [...lines.keys(), ...(await o.snapshots.lines())]) await o.snapshots.setHalted(name, null);
      await refresh();
      return status();
    },
    async rollback(line) {
      if (line !== undefined) {
        await known(line);
        await o.snapshots.rollback(line);
      } else {
        let any = false;
        for (const name of await o.snapshots.lines()) {
          try {
            await o.snapshots.rollback(name);
            any = true;
          } catch (err) {
            if (!(err instanceof CodedError)) throw err;
          }
        }
        if (!any) throw new CodedError(ErrorCode.LIFECYCLE_CONFLICT, 'no IRA policy line has a previous version to roll back to');
      }
      await refresh();
      return status();
    },
    async settle() {
      if (settled < enqueued) await new Promise<void>((resolve) => waiters.push(resolve));
      await heuristicReady;
      await refresh();
    },
    onTrip(listener) {
      tripListeners.add(listener);
      return () => void tripListeners.delete(listener);
    },
    close() {
      if (timer !== null) clearInterval(timer);
      off();
      for (const l of lines.values()) if (l.served) void l.served.session.close().catch(() => undefined);
      void heuristicReady.then(() => heuristic?.close().catch(() => undefined));
    },
  };
}
