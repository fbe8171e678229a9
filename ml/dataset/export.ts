/**
 * Training rows in the gateway's standard columns, for a scorer published without code.
 *
 * The lists are the learned ranker's (ml/ltr/lists.ts `buildLtrLists`): the events before the cut
 * replayed into a scratch store, every user with history before the cut and an event in
 * [cut, cut + window) is one list, its candidates proposed by the strategy's retrievers. For each
 * list the columns are computed by `columnLayout(columns).tensor(...)` on the features the feed
 * pipeline loads for the whole retrieved list at the request time serving uses (the newest event
 * before the cut), so a row holds exactly what a published scorer is fed for that user and item.
 * A row's label is 1 when the user had a `label` event (default purchase) with the item in the
 * window. Every retrieved positive is kept, with at most `maxNegativesPerList` retrieved negatives
 * (a seeded sample); nothing at or after cut + window is read.
 */
import type { EventType } from '../../domain/events';
import { createEvalRegistry } from '../../eval/protocols/support';
import { DEFAULT_STRATEGY, type Strategy } from '../../pipeline/strategy';
import { columnLayout } from '../../plugins/sdk/columns';
import { buildLtrLists, type ServingList } from '../ltr/lists';
import { csvHeader, rowLine, type DatasetFormat } from './format';
import type { ReplayInput } from './source';

export interface ColumnsDatasetOptions {
  /** Standard column names, in order (checked by `columnLayout`). Required. */
  readonly columns: readonly string[];
  /** The cut (ms): features as of the newest event before it. Required. */
  readonly cut: number;
  /** Label window after the cut (ms). Required. */
  readonly windowMs: number;
  /** Event type that makes a row's label 1 when the user had it with the item in the window. Default `purchase`. */
  readonly label?: EventType;
  /** Strategy whose retrievers propose the candidates (its scorers are not run). Default DEFAULT_STRATEGY. */
  readonly strategy?: Strategy;
  /** At most this many users (a seeded sample of those with history before the cut). Default all. */
  readonly maxUsers?: number;
  /** Seed of the user sample, the negative sample and the row order in a list. Default 42. */
  readonly seed?: number;
  /** Retrieved negatives kept per list (a seeded sample); every positive is kept. Default 100. */
  readonly maxNegativesPerList?: number;
  /** Only lists with at least one positive (as the ranker trains). Default false: every list. */
  readonly positiveListsOnly?: boolean;
  /** Half-life of the decayed item statistics (ms): the gateway's STATS_HALF_LIFE_DAYS. Default the store's default (7 days). */
  readonly statsHalfLifeMs?: number;
  /** Output format. Default `csv`. */
  readonly format?: DatasetFormat;
  /** Called after each user is visited, kept or not. Default none. */
  readonly onUser?: (visited: number, users: number) => void;
}

export interface ColumnsDatasetSummary {
  readonly rows: number;
  readonly lists: number;
  /** Rows with label 1. */
  readonly positives: number;
  /** Label events in the window on items the retrievers did not propose (no row can hold them). */
  readonly missedPositives: number;
  /** Events replayed before the cut. */
  readonly events: number;
  /** The request time of every list (ms): the newest event before the cut. */
  readonly now: number | null;
}

/** Build the rows and hand them to `write` as text (the CSV header first), one call per list. */
export async function exportColumnsDataset(input: ReplayInput, o: ColumnsDatasetOptions, write: (text: string) => void): Promise<ColumnsDatasetSummary> {
  const layout = columnLayout(o.columns);
  const k = layout.columns.length;
  const format = o.format ?? 'csv';
  const label = o.label ?? 'purchase';
  const cutIso = new Date(o.cut).toISOString();
  if (format === 'csv') write(csvHeader(layout.columns));
  let rows = 0;
  let lists = 0;
  let positives = 0;
  let now: number | null = null;
  const onServingList = (list: ServingList): void => {
    const n = list.retrieved.itemIds.length;
    const x = layout.tensor(list.features, n, list.now).data;
    let text = '';
    list.itemIds.forEach((itemId, r) => {
      const at = list.rowInRetrieved[r]!;
      // No random negatives are asked for, so every row is a retrieved candidate.
      if (at < 0) throw new Error(`row ${itemId} of ${list.userId} was not retrieved`);
      const y = list.grades[r]! > 0 ? 1 : 0;
      positives += y;
      text += rowLine(format, layout.columns, { userId: list.userId, itemId, cut: cutIso, label: y, values: x.subarray(at * k, at * k + k) });
    });
    rows += list.itemIds.length;
    lists += 1;
    now = list.now;
    write(text);
  };
  const registry = await createEvalRegistry([]);
  try {
    const built = await buildLtrLists(input.events, input.items, input.categories, {
      cuts: [o.cut],
      horizonMs: o.windowMs,
      strategy: o.strategy ?? DEFAULT_STRATEGY,
      registry,
      scorerIds: [],
      grades: { [label]: 1 },
      negatives: 0,
      maxNegativesPerList: o.maxNegativesPerList ?? 100,
      seed: o.seed ?? 42,
      keepListsWithoutPositives: !(o.positiveListsOnly ?? false),
      servingFeatures: layout.features,
      onServingList,
      ...(o.maxUsers !== undefined ? { maxUsersPerCut: o.maxUsers } : {}),
      ...(o.statsHalfLifeMs !== undefined ? { statsHalfLifeMs: o.statsHalfLifeMs } : {}),
      ...(o.onUser ? { onUser: o.onUser } : {}),
    });
    return { rows, lists, positives, missedPositives: built.missedPositives, events: input.events.filter((e) => e.ts < o.cut).length, now };
  } finally {
    await registry.close();
  }
}
