import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { CodedError, toGraphQLError } from '../errors/errors';
import type { Experiment as DomainExperiment, ExperimentMetric as DomainMetric, ExperimentStatus as DomainStatus } from '../experiments/model';
import type { ExperimentService } from '../experiments/service';
import { CreateExperimentInput, Experiment, ExperimentMetric, ExperimentResults, ExperimentStatus } from '../schema/experiments';
import { loadExperimentResults } from '../experiments/load-results';
import type { ExperimentResults as DomainResults } from '../experiments/results';

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function toResults(e: DomainExperiment, r: DomainResults): ExperimentResults {
  return {
    experiment: toExperiment(e),
    control: r.control,
    alpha: r.alpha,
    variants: r.variants.map((v) => ({ ...v, metrics: v.metrics.map((m) => ({ ...m, metric: m.metric as ExperimentMetric, value: m.value === null ? null : finite(m.value) })) })),
    comparisons: r.comparisons.map((c) => ({
      metric: c.metric as ExperimentMetric,
      variant: c.variant,
      control: c.control,
      test: c.test,
      absoluteLift: finite(c.absoluteLift),
      absoluteCiLower: finite(c.absoluteCi[0]),
      absoluteCiUpper: finite(c.absoluteCi[1]),
      relativeLift: finite(c.relativeLift),
      relativeCiLower: finite(c.relativeCi[0]),
      relativeCiUpper: finite(c.relativeCi[1]),
      pValue: c.pValue,
      holmPValue: c.holmPValue,
      bonferroniPValue: c.bonferroniPValue,
      significant: c.significant,
    })),
    srm: { ...r.srm, observed: [...r.srm.observed], expected: [...r.srm.expected] },
    daily: r.daily.map((d) => ({ ...d, day: new Date(d.day) })),
    dataEnd: new Date(r.dataEnd),
  };
}
import type { GatewayContext } from '../services/context';

export function toExperiment(e: DomainExperiment): Experiment {
  return {
    ...e,
    status: e.status as ExperimentStatus,
    variants: e.variants.map((v) => ({ ...v })),
    primaryMetrics: e.primaryMetrics.map((m) => m as ExperimentMetric),
    guardrails: e.guardrails.map((m) => m as ExperimentMetric),
    createdAt: new Date(e.createdAt),
    start: e.startedAt === null ? null : new Date(e.startedAt),
    stop: e.stoppedAt === null ? null : new Date(e.stoppedAt),
  };
}

async function run(ctx: GatewayContext, work: (s: ExperimentService) => Promise<DomainExperiment>): Promise<Experiment> {
  try {
    return toExperiment(await work(ctx.experiments));
  } catch (err) {
    if (err instanceof CodedError) throw toGraphQLError(err);
    throw err;
  }
}

@Resolver()
export class ExperimentsResolver {
  @Mutation(() => Experiment, { description: 'Create a draft A/B/n experiment.' })
  createExperiment(@Arg('input', () => CreateExperimentInput) input: CreateExperimentInput, @Ctx() ctx: GatewayContext): Promise<Experiment> {
    return run(ctx, (s) =>
      s.create({
        name: input.name,
        ...(input.hypothesis != null ? { hypothesis: input.hypothesis } : {}),
        ...(input.surface != null ? { surface: input.surface } : {}),
        layer: input.layer ?? null,
        variants: input.variants.map((v) => ({ key: v.key, weight: v.weight, strategyId: v.strategyId })),
        ...(input.salt != null ? { salt: input.salt } : {}),
        primaryMetrics: input.primaryMetrics as unknown as DomainMetric[],
        ...(input.guardrails != null ? { guardrails: input.guardrails as unknown as DomainMetric[] } : {}),
        ...(input.attributionWindowHours != null ? { attributionWindowHours: input.attributionWindowHours } : {}),
        ...(input.highValueThreshold != null ? { highValueThreshold: input.highValueThreshold } : {}),
      }),
    );
  }

  @Mutation(() => Experiment, { description: 'Start a draft: weights must sum to 1, every strategy must be loaded, and no unlayered overlap on the surface.' })
  startExperiment(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Experiment> {
    return run(ctx, (s) => s.start(id));
  }

  @Mutation(() => Experiment, { description: 'Stop a running experiment: its users get the default strategy again.' })
  stopExperiment(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Experiment> {
    return run(ctx, (s) => s.stop(id));
  }

  @Mutation(() => Experiment, { description: 'Archive a draft or stopped experiment.' })
  archiveExperiment(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Experiment> {
    return run(ctx, (s) => s.archive(id));
  }

  @Query(() => Experiment)
  experiment(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Experiment> {
    return run(ctx, (s) => s.get(id));
  }

  @Query(() => [Experiment])
  async experiments(@Arg('status', () => ExperimentStatus, { nullable: true }) status: ExperimentStatus | undefined, @Ctx() ctx: GatewayContext): Promise<Experiment[]> {
    return (await ctx.experiments.list((status ?? undefined) as DomainStatus | undefined)).map(toExperiment);
  }

  @Query(() => ExperimentResults, { description: 'Per-variant metrics from events attributed to exposures, lifts with intervals, Holm/Bonferroni, SRM and daily trajectories.' })
  async experimentResults(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<ExperimentResults> {
    try {
      const e = await ctx.experiments.get(id);
      const snapshot = ctx.userValues?.snapshot;
      const r = await loadExperimentResults(e, { experiments: ctx.experiments, store: ctx.store, userValue: snapshot ? (u) => snapshot.get(u)?.value : undefined });
      return toResults(e, r);
    } catch (err) {
      if (err instanceof CodedError) throw toGraphQLError(err);
      throw err;
    }
  }

  @Query(() => [String], { description: 'Ids of the strategies experiments can serve on this gateway.' })
  strategies(@Ctx() ctx: GatewayContext): string[] {
    return [...ctx.feeds.keys()].sort();
  }
}
