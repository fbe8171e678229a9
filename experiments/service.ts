/**
 * Experiments as a service: create / start / stop / archive with the model's checks (coded
 * errors naming the field), the running set held in memory for the request path (assignment is a
 * hash, no I/O), and exposures handed to the off-path log.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { assignVariant } from './assignment';
import type { ExposureLog } from './exposure-log';
import { draftProblems, servingOrder, startProblems, type Experiment, type ExperimentMetric, type ExperimentProblem, type ExperimentStatus, type ExperimentVariant } from './model';
import type { Exposure, ExperimentStore } from './store';

export interface ExperimentDraft {
  readonly name: string;
  readonly hypothesis?: string;
  readonly surface?: string;
  readonly layer?: string | null;
  readonly variants: readonly ExperimentVariant[];
  readonly salt?: string;
  readonly primaryMetrics: readonly ExperimentMetric[];
  readonly guardrails?: readonly ExperimentMetric[];
  readonly attributionWindowHours?: number;
  readonly highValueThreshold?: number;
}

export interface Assignment {
  /** The strategy to serve; null when no experiment runs on the surface. */
  readonly strategyId: string | null;
  readonly assignments: ReadonlyArray<{ readonly experimentId: string; readonly variantKey: string }>;
}

export interface ExperimentService {
  create(draft: ExperimentDraft): Promise<Experiment>;
  start(id: string): Promise<Experiment>;
  stop(id: string): Promise<Experiment>;
  archive(id: string): Promise<Experiment>;
  get(id: string): Promise<Experiment>;
  list(status?: ExperimentStatus): Promise<Experiment[]>;
  /** Sync, from memory: the user's variants on a surface. */
  assign(userId: string, surface: string): Assignment;
  recordExposure(e: Exposure): void;
  readonly store: ExperimentStore;
  readonly exposures: ExposureLog;
}

function invalid(prefix: string, problems: readonly ExperimentProblem[]): CodedError {
  const first = problems[0]!;
  return new CodedError(ErrorCode.BAD_USER_INPUT, `${prefix}${first.field}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
    field: `${prefix}${first.field}`,
    problems: problems.map((p) => ({ field: `${prefix}${p.field}`, message: p.message })),
  });
}

export async function createExperimentService(deps: { store: ExperimentStore; exposures: ExposureLog; strategies: () => ReadonlySet<string>; clock?: () => number }): Promise<ExperimentService> {
  const { store } = deps;
  const clock = deps.clock ?? Date.now;
  let running: Experiment[] = (await store.list()).filter((e) => e.status === 'running');

  const get = async (id: string): Promise<Experiment> => {
    const e = await store.get(id);
    if (e === null) throw new CodedError(ErrorCode.NOT_FOUND, `no experiment with id "${id}"`, { field: 'id' });
    return e;
  };
  const transition = async (id: string, to: ExperimentStatus, from: readonly ExperimentStatus[], stamp: Partial<Experiment>): Promise<Experiment> => {
    const e = await get(id);
    if (!from.includes(e.status)) throw invalid('', [{ field: 'id', message: `experiment "${id}" is ${e.status}; only ${from.join(' or ')} can become ${to}` }]);
    const next: Experiment = { ...e, ...stamp, status: to };
    await store.put(next);
    running = running.filter((r) => r.id !== id);
    if (to === 'running') running.push(next);
    return next;
  };

  return {
    store,
    exposures: deps.exposures,
    async create(d) {
      const id = randomUUID();
      const e: Experiment = {
        id,
        name: d.name,
        hypothesis: d.hypothesis ?? '',
        surface: d.surface ?? 'home',
        layer: d.layer ?? null,
        status: 'draft',
        variants: d.variants.map((v) => ({ key: v.key, weight: v.weight, strategyId: v.strategyId })),
        salt: d.salt ?? id,
        primaryMetrics: [...d.primaryMetrics],
        guardrails: [...(d.guardrails ?? ['p99_latency_ms', 'diversity'])],
        attributionWindowHours: d.attributionWindowHours ?? 24,
        highValueThreshold: d.highValueThreshold ?? 0,
        createdAt: clock(),
        startedAt: null,
        stoppedAt: null,
      };
      const problems = draftProblems(e);
      if (problems.length > 0) throw invalid('input.', problems);
      await store.put(e);
      return e;
    },
    async start(id) {
      const e = await get(id);
      const problems = startProblems(e, deps.strategies(), running);
      if (problems.length > 0) throw invalid('', problems);
      return transition(id, 'running', ['draft'], { startedAt: clock() });
    },
    stop: (id) => transition(id, 'stopped', ['running'], { stoppedAt: clock() }),
    archive: (id) => transition(id, 'archived', ['draft', 'stopped'], {}),
    get,
    async list(status) {
      const all = await store.list();
      return status === undefined ? all : all.filter((e) => e.status === status);
    },
    assign(userId, surface) {
      const order = servingOrder(running, surface);
      const assignments = order.map((e) => ({ experimentId: e.id, variantKey: assignVariant(e.salt, userId, e.variants).key }));
      const first = order[0];
      const strategyId = first === undefined ? null : first.variants.find((v) => v.key === assignments[0]!.variantKey)!.strategyId;
      return { strategyId, assignments };
    },
    recordExposure(e) {
      deps.exposures.record(e);
    },
  };
}
