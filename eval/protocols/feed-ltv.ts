/**
 * Protocol `feed/ltv`: the LTV-aware feed (strategies/ltv.json: 0.5 · commercial performance +
 * 0.4 · DUVE purchase probability + 0.1 · diversity, top 10) against the commercial-only baseline,
 * with the events/temporal harness: same file, global cut, seed, test users and AUC candidate
 * sets, every model a feed strategy run through the gateway's registry and FeedService. Reported
 * under protocol `events/temporal`, dataset `<name>-ltv`.
 *
 * DUVE sees the training part only: once the harness has loaded the events before the cut into
 * its training store, `trainDuveFromStore` (the `train duve` command's code) trains on that store
 * with value/temporal's Taobao settings (reference times every 3 h from the window start, label
 * windows of H = 24 h ending at or before the cut, 200 Adam steps, the run's seed), exports the
 * artifact (value-head.onnx + manifest) into the run's scratch directory (or `artifactRoot`),
 * reads it back, serves it with onnxruntime-node in a DuveEngine that folds the training store
 * (as the gateway rebuilds its state at boot), and registers `duve/purchase` next to the bundled
 * scorers, as the gateway does when a model is published.
 *
 * Models: `strategy:<ltv id>` (candidate); `strategy:commercial-only` and
 * `strategy:duve-purchase-only` (the LTV strategy with one of its scorers: same retrievers, same
 * MMR λ and cap, so only the blend differs); `strategy:default` (the gateway's default strategy,
 * with its own re-ranking); the harness's reference rules.
 */
import { join } from 'node:path';
import { loadOnnxModel } from '../../ml/onnx/session';
import { readDuveArtifact } from '../../ml/duve/export';
import { DAY_MS } from '../../ml/duve/state';
import { DEFAULT_STRATEGY, effectiveWeights, loadStrategyFile, parseStrategy, type Strategy } from '../../pipeline/strategy';
import { createDuveEngine } from '../../plugins/duve/engine';
import { createDuvePurchaseScorer } from '../../plugins/duve/scorer';
import type { ScorerPlugin } from '../../plugins/sdk/contract';
import { trainDuveFromStore } from '../../ml/duve/from-store';
import { taobaoLocalTime } from '../datasets/taobao';
import { columnKey, columnLabel, isBetter } from '../report/json';
import type { EvalReport } from '../report/types';
import { runEventsTemporal, type EventsTemporalOptions, type TemporalExtension, type TemporalModel, type TemporalTrainingContext } from './events-temporal';
import { round6 } from './support';

const HOUR_MS = 3600 * 1000;

/** The shipped LTV strategy, relative to the working directory (the project root). */
export const DEFAULT_LTV_STRATEGY_FILE = 'strategies/ltv.json';

export const COMMERCIAL = 'baseline/commercial';
export const PURCHASE = 'duve/purchase';

export interface FeedLtvOptions extends Omit<EventsTemporalOptions, 'models' | 'extend'> {
  /** The LTV strategy. Default: read from `strategyFile`. */
  readonly strategy?: Strategy;
  /** Strategy file read when `strategy` is unset. Default DEFAULT_LTV_STRATEGY_FILE. */
  readonly strategyFile?: string;
  /** DUVE forecast horizon H in hours. Default 24 (value/temporal's Taobao setting). */
  readonly horizonHours?: number;
  /** Hours between DUVE training reference times, from the window start. Default 3. */
  readonly refStepHours?: number;
  /** Adam steps. Default 200. */
  readonly iterations?: number;
  /** Keep the DUVE artifact as the next version under `<artifactRoot>/duve/`. Default: a temp artifact, removed after the run. */
  readonly artifactRoot?: string;
}

/**
 * The LTV strategy, the same strategy with only its commercial (resp. purchase) scorer, and the
 * gateway's default strategy. Throws a RangeError when the strategy lacks either scorer.
 */
export function ltvModels(ltv: Strategy): TemporalModel[] {
  const only = (scorerId: string, name: string): TemporalModel => {
    const scorers = ltv.scorers.filter((s) => s.id === scorerId && s.weight > 0);
    if (scorers.length === 0) throw new RangeError(`strategy ${ltv.id} has no positive weight on ${scorerId}`);
    return { id: `strategy:${name}`, role: 'baseline', strategy: parseStrategy({ ...ltv, id: name, scorers }) };
  };
  return [
    { id: `strategy:${ltv.id}`, role: 'candidate', strategy: ltv },
    only(COMMERCIAL, 'commercial-only'),
    only(PURCHASE, 'duve-purchase-only'),
    { id: 'strategy:default', role: 'baseline', strategy: DEFAULT_STRATEGY },
  ];
}

const describeWeights = (s: Strategy): string => {
  const w = effectiveWeights(s);
  return [...Object.entries(w.scorers).map(([id, v]) => `${round6(v)} · ${id}`), `${round6(w.diversity)} · diversity`].join(' + ');
};

/** Mean overlap of two models' first `k` items over the users both listed, and the share of identical lists. */
export function listOverlap(a: ReadonlyMap<string, readonly string[]>, b: ReadonlyMap<string, readonly string[]>, k: number): { users: number; overlap: number; identical: number } {
  let users = 0;
  let overlap = 0;
  let identical = 0;
  for (const [u, la] of a) {
    const lb = b.get(u);
    if (lb === undefined) continue;
    const ta = la.slice(0, k);
    const tb = new Set(lb.slice(0, k));
    users += 1;
    overlap += ta.filter((id) => tb.has(id)).length / k;
    if (ta.length === tb.size && ta.every((id, i) => lb[i] === id)) identical += 1;
  }
  return { users, overlap: users > 0 ? overlap / users : 0, identical: users > 0 ? identical / users : 0 };
}

/** One sentence: on how many overall metrics `a` beats, ties and loses to `b`, naming the losses. */
export function headToHead(r: Pick<EvalReport, 'metrics'>, a: string, b: string): string {
  const short = (v: number): string => String(Number(v.toPrecision(4)));
  const theirs = new Map(r.metrics.filter((m) => m.model === b && m.segment === undefined).map((m) => [columnKey(m), m] as const));
  let wins = 0;
  let ties = 0;
  const losses: string[] = [];
  for (const row of r.metrics.filter((m) => m.model === a && m.segment === undefined)) {
    const other = theirs.get(columnKey(row));
    if (other === undefined) continue;
    if (isBetter(row.metric, row.value, other.value)) wins += 1;
    else if (isBetter(row.metric, other.value, row.value)) losses.push(`${columnLabel(row)} ${short(row.value)} vs ${short(other.value)}`);
    else ties += 1;
  }
  return `${a} against ${b} alone: better on ${wins}, equal on ${ties}, worse on ${losses.length} overall metrics${losses.length > 0 ? ` (${losses.join('; ')})` : ''}.`;
}

/** Train DUVE on the training store, serve it, and register duve/purchase. */
function duveExtension(o: FeedLtvOptions, models: readonly TemporalModel[], statement: readonly string[]): (ctx: TemporalTrainingContext) => Promise<TemporalExtension> {
  const H = (o.horizonHours ?? 24) * HOUR_MS;
  const step = (o.refStepHours ?? 3) * HOUR_MS;
  const iterations = o.iterations ?? 200;
  return async (ctx) => {
    const started = performance.now();
    const trained = await trainDuveFromStore(ctx.store, {
      modelDir: join(o.artifactRoot ?? ctx.scratchDir, 'duve'),
      horizonDays: H / DAY_MS,
      stepDays: step / DAY_MS,
      refStart: ctx.window.start,
      trainEnd: ctx.cut,
      iterations,
      seed: ctx.seed,
    });
    const art = await readDuveArtifact(trained.dir);
    const session = await loadOnnxModel(art.onnxPath);
    try {
      const engine = createDuveEngine({ model: art.model, version: art.manifest.version, session, clock: () => ctx.now });
      let folded = 0;
      for await (const page of ctx.store.scanInteractions(50_000)) {
        engine.observe(page);
        folded += page.length;
      }
      const trainMs = Math.round(performance.now() - started);
      const testUsers = [...ctx.split.windows.keys()];
      const values = await engine.values(testUsers);
      let sumP = 0;
      for (const v of values.values()) sumP += v.purchaseProbability;
      const t = art.manifest.training;
      const halfLivesHours = Object.fromEntries(Object.entries(trained.halfLivesDays).map(([k, d]) => [k, Number.isFinite(d) ? round6(d * 24) : null]));
      const params = {
        model: art.manifest.model,
        horizonHours: H / HOUR_MS,
        refStepHours: step / HOUR_MS,
        refStart: taobaoLocalTime(ctx.window.start),
        trainEnd: taobaoLocalTime(ctx.cut),
        iterations,
        seed: ctx.seed,
        types: art.model.types.join(','),
        users: trained.users,
        events: trained.events,
        examples: trained.examples,
        refTimes: Number(t.refTimes),
        positiveRate: round6(Number(t.positiveRate)),
        halfLivesHours,
      };
      const plugin = createDuvePurchaseScorer(() => engine, { modelUri: art.onnxPath }) as unknown as ScorerPlugin;
      const notes = [
        ...statement,
        `DUVE (duve/purchase's model) is trained on the training store only, i.e. the ${trained.events} events before the cut, by trainDuveFromStore (the train duve command's code): reference times every ${step / HOUR_MS} h from ${taobaoLocalTime(ctx.window.start)}, label windows of H = ${H / HOUR_MS} h ending at or before the cut (${params.refTimes} reference times, ${trained.examples} examples, ${(100 * params.positiveRate).toFixed(1)}% positive), ${iterations} Adam steps, seed ${ctx.seed}; learned half-lives (hours) ${Object.entries(
          halfLivesHours,
        )
          .map(([k, x]) => `${k} ${x ?? 'none'}`)
          .join(
            ', ',
          )}. The exported artifact is read back and served by onnxruntime-node in a DuveEngine that folded the ${folded} stored training events (${engine.userCount} users); values are read at the data time (the newest training event). ${values.size} of ${testUsers.length} test users have a DUVE state (mean P(purchase in ${H / HOUR_MS} h) ${round6(values.size > 0 ? sumP / values.size : 0)})${values.size < testUsers.length ? '; the others get duve/purchase = 0 for every item, a constant column the blend maps to 0' : ''}.`,
        `duve/purchase scores p(u, i) = P_u · share(u, i) (plugins/duve/scorer.ts). The blend min-max normalises each scorer per request, so within a feed only share(u, i) (the user's decayed engagement with the item plus its smoothed conversion rate) orders items; P_u only makes raw scores comparable across users, which the per-request normalisation removes from the pooled AUC as well.`,
      ];
      return {
        plugins: [plugin],
        loadModel: loadOnnxModel,
        trained: [{ scorerId: PURCHASE, trainMs, ...(o.artifactRoot !== undefined ? { artifact: trained.dir } : {}), params }],
        notes,
        summarise: (lists) => {
          const [cand, commercial] = [lists.get(models[0]!.id), lists.get(models[1]!.id)];
          if (cand === undefined || commercial === undefined) return [];
          const k = Math.min(10, models[0]!.strategy.limit);
          const x = listOverlap(cand, commercial, k);
          return [
            `How much the purchase term changes the feed: ${models[0]!.id} and ${models[1]!.id} share on average ${(100 * x.overlap).toFixed(1)}% of their top ${k} items, and ${(100 * x.identical).toFixed(1)}% of the ${x.users} test users get the identical top ${k} (same items, same order) from both.`,
          ];
        },
        close: () => session.close(),
      };
    } catch (err) {
      await session.close();
      throw err;
    }
  };
}

export async function runFeedLtv(opts: FeedLtvOptions = {}): Promise<EvalReport> {
  const ltv = opts.strategy ?? loadStrategyFile(opts.strategyFile ?? DEFAULT_LTV_STRATEGY_FILE);
  const models = ltvModels(ltv);
  const d = ltv.diversity;
  const statement = [
    `Ranking objectives (effective weights when every scorer answers: the blend renormalises the weights over the scorers that answered, MMR ranks by λ·blend − (1 − λ)·maxSim): ${models.map((m) => `${m.id} = ${describeWeights(m.strategy)}${m.strategy.diversity.maxPerCategory > 0 ? `, at most ${m.strategy.diversity.maxPerCategory} per first category` : ''}`).join('; ')}. Diversity = 1 − the largest category/brand Jaccard similarity to the items already picked (Taobao items have one category and no brand: 0 or 1).`,
    `The baseline the issue names, ${models[1]!.id}, is the LTV strategy without duve/purchase: same retrievers, same re-ranking (MMR λ = ${d.lambda}, ${d.maxPerCategory === 0 ? 'no category cap' : `category cap ${d.maxPerCategory}`}), so the purchase term is the only difference. strategy:default keeps the gateway default's own scorers and re-ranking (MMR λ = ${DEFAULT_STRATEGY.diversity.lambda}, cap ${DEFAULT_STRATEGY.diversity.maxPerCategory}). The feed limit of ${models[0]!.id} is ${ltv.limit}; the harness asks every strategy for its largest K items, and since MMR picks greedily the first ${ltv.limit} are exactly the limit-${ltv.limit} feed.`,
  ];
  const report = await runEventsTemporal({ ...opts, datasetName: opts.datasetName ?? 'taobao-userbehavior-head-ltv', models, extend: duveExtension(opts, models, statement) });
  return { ...report, notes: [...report.notes, ...models.slice(1).map((m) => headToHead(report, models[0]!.id, m.id))] };
}
