/**
 * `trainFusion`: the fusion network of a DP-GCN artifact, trained from the GraphStore the graph
 * was trained on (contract 2 of the DP-GCN work: ml/gcn/from-store.ts calls it before publishing
 * and writes `fusion.onnx` + `manifest.fusion`).
 *
 * Lists (ml/fusion/lists.ts) at a label cut one `horizonDays` before `trainEnd` (never after it);
 * h and α fitted pairwise on 80% of the users, the epoch chosen on the other 20%
 * (ml/fusion/fit.ts); the network exported to ONNX (ml/fusion/onnx.ts). The policy's safe range
 * is α ± `alphaSpread`, clipped to [0, 1].
 */
import type { GraphStore } from '../../graph/port';
import { FUSION_COLUMNS } from './columns';
import { fitFusion, type FitOptions } from './fit';
import { buildFusionLists } from './lists';
import { fusionOnnx } from './onnx';

const DAY = 24 * 3600 * 1000;

export interface TrainFusionInput {
  readonly store: GraphStore;
  /** Exclusive end of the training window (ms). Default: newest event + 1 ms. */
  readonly trainEnd?: number;
  /** Seed of the user sample, the split, the pairs and the initial weights. Default 42. */
  readonly seed?: number;
  /** The artifact's ids and final row-normalised embeddings (row-major, `dims` wide). Required. */
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly dims: number;
  readonly users: Float32Array;
  readonly items: Float32Array;
  /** Label window at the end of the training window, days. Default 1. */
  readonly horizonDays?: number;
  /** Most users (lists) sampled. Default 3000. */
  readonly maxUsers?: number;
  /** Retrieved negatives per list. Default 20. */
  readonly negatives?: number;
  /** Most positives per list. Default 10. */
  readonly maxPositives?: number;
  /** Half-width of the policy's safe range around the fitted α. Default 0.25. */
  readonly alphaSpread?: number;
  /** Network and optimiser settings (ml/fusion/fit.ts). Default: fit.ts defaults. */
  readonly fit?: FitOptions;
  /** Progress lines. Default none. */
  readonly log?: (line: string) => void;
}

export interface TrainFusionResult {
  /** fusion.onnx bytes. */
  readonly onnx: Uint8Array;
  /** Standard column names the `features` input takes, in order. */
  readonly columns: string[];
  readonly alpha: number;
  readonly alphaRange: [number, number];
  readonly metrics: Record<string, number>;
  readonly trainMs: number;
}

export async function trainFusion(input: TrainFusionInput): Promise<TrainFusionResult> {
  const t0 = performance.now();
  const d = input.dims;
  if (input.users.length !== input.userIds.length * d || input.items.length !== input.itemIds.length * d) throw new RangeError('trainFusion: embeddings do not match the ids x dims');
  const trainEnd = input.trainEnd ?? (await input.store.latestEventTs()) + 1;
  const seed = input.seed ?? 42;
  const columns = [...FUSION_COLUMNS];
  const lists = await buildFusionLists(input.store, {
    trainEnd,
    horizonMs: (input.horizonDays ?? 1) * DAY,
    columns,
    userIds: input.userIds,
    itemIds: input.itemIds,
    dims: d,
    users: input.users,
    items: input.items,
    maxUsers: input.maxUsers ?? 3000,
    negatives: input.negatives ?? 20,
    maxPositives: input.maxPositives ?? 10,
    seed,
    ...(input.log ? { log: input.log } : {}),
  });
  if (lists.sizes.length < 2) throw new RangeError(`trainFusion: ${lists.sizes.length} usable lists at the cut ${new Date(lists.cut).toISOString()}; need at least 2`);
  const fit = fitFusion(lists, { seed, ...input.fit });
  const spread = input.alphaSpread ?? 0.25;
  const alpha = Number(fit.alpha.toPrecision(6));
  const alphaRange: [number, number] = [Math.max(0, Number((alpha - spread).toPrecision(6))), Math.min(1, Number((alpha + spread).toPrecision(6)))];
  const trainMs = Math.round(performance.now() - t0);
  const metrics: Record<string, number> = { ...fit.metrics, lists: lists.sizes.length, rows: lists.y.length, positives: lists.positives, labelCut: lists.cut };
  input.log?.(
    `fusion: alpha ${alpha.toFixed(3)}, validation GAUC fused ${metrics.validGauc} / graph ${metrics.validGaucGraph} / static ${metrics.validGaucFeatures} (${lists.sizes.length} lists, ${trainMs} ms)`,
  );
  return { onnx: fusionOnnx(fit.net), columns, alpha, alphaRange, metrics, trainMs };
}
