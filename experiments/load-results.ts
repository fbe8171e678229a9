/**
 * Gather what an experiment's results need and compute them: its acknowledged exposures (the
 * exposure log is flushed first), every exposed user's interactions from the graph store (one
 * call per user), their DUVE values when DUVE is on, and the data end.
 */
import type { Interaction } from '../domain/events';
import type { GraphStore } from '../graph/port';
import type { Experiment } from './model';
import { experimentResults, type ExperimentResults } from './results';
import type { ExperimentService } from './service';

export interface ResultsSources {
  readonly experiments: ExperimentService;
  readonly store: GraphStore;
  /** Published DUVE value of a user, when DUVE is on. */
  readonly userValue?: ((userId: string) => number | undefined) | undefined;
  /** Interactions read per user. Default 100,000. */
  readonly historyLimit?: number;
}

export async function loadExperimentResults(experiment: Experiment, src: ResultsSources): Promise<ExperimentResults> {
  await src.experiments.exposures.flush();
  const exposures = await src.experiments.store.exposures(experiment.id);
  const users = [...new Set(exposures.map((x) => x.userId))];
  const histories = new Map<string, readonly Interaction[]>();
  for (const u of users) histories.set(u, (await src.store.userProfile(u, src.historyLimit ?? 100_000)).history);
  let userValues: Map<string, number> | undefined;
  if (src.userValue) {
    userValues = new Map();
    for (const u of users) {
      const v = src.userValue(u);
      if (v !== undefined) userValues.set(u, v);
    }
  }
  const latest = await src.store.latestEventTs();
  const lastExposure = exposures.reduce((m, x) => Math.max(m, x.ts), 0);
  return experimentResults({ experiment, exposures, histories, ...(userValues ? { userValues } : {}), dataEnd: Math.max(latest, lastExposure) });
}
