/**
 * Before the loop: read the real log, write it into a fresh embedded store as warm-up history
 * (the gateway's scorers and DUVE need data), train DUVE on it, and lay out the strategies the
 * experiment can serve.
 *
 * Warm-up events are the importer's own conversion of the rows (`eval/datasets/taobao.ts`: same
 * ids, types and validation as `import taobao`), written through the importer's sink. Two things
 * differ from `import taobao`, both because the log has no prices: every item record carries its
 * synthetic price, and every purchase carries that price as its value (so revenue-based scorers
 * and DUVE's spend head see the same money the simulation will produce).
 */
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainDuveFromStore, type TrainDuveFromStoreResult } from '../ml/duve/from-store';
import { createEventSink } from '../ingest/import/sink';
import { loadTaobao, type TaobaoRow } from '../eval/datasets/taobao';
import type { GraphStore } from '../graph/port';
import { loadStrategyFile, parseStrategy, type Strategy } from '../pipeline/strategy';
import type { LogEvent, LogEventType } from './fit';
import type { Pricing } from './prices';

const LOG_TYPES: ReadonlySet<string> = new Set<LogEventType>(['view', 'add_to_cart', 'wishlist', 'purchase']);

export interface LoadedLog {
  readonly rows: readonly TaobaoRow[];
  readonly events: readonly LogEvent[];
  readonly lines: number;
  readonly rowErrors: number;
  readonly firstTs: number;
  readonly lastTs: number;
}

/** Read a Taobao UserBehavior file (the first `maxLines` non-empty lines when given). */
export async function loadLog(file: string, maxLines?: number): Promise<LoadedLog> {
  const log = await loadTaobao(file, maxLines !== undefined ? { maxLines } : {});
  const events: LogEvent[] = [];
  let firstTs = Infinity;
  let lastTs = -Infinity;
  for (const r of log.rows) {
    const e = r.event;
    if (e.itemId === null || !LOG_TYPES.has(e.type)) continue;
    events.push({ userId: e.userId, itemId: e.itemId, category: r.item?.categories[0] ?? '', type: e.type as LogEventType, ts: e.ts });
    if (e.ts < firstTs) firstTs = e.ts;
    if (e.ts > lastTs) lastTs = e.ts;
  }
  if (events.length === 0) throw new RangeError(`simulate: no usable events in ${file}`);
  return { rows: log.rows, events, lines: log.lines, rowErrors: log.rowErrors.length, firstTs, lastTs };
}

/** Write the rows into the store with synthetic prices; returns the events stored. */
export async function warmUpStore(store: GraphStore, rows: readonly TaobaoRow[], pricing: Pricing): Promise<number> {
  const sink = createEventSink(store, 5000);
  for (const r of rows) {
    const category = r.item?.categories[0] ?? '';
    const itemId = r.event.itemId;
    const price = itemId === null ? 0 : pricing.price(itemId, category);
    const event = r.event.type === 'purchase' ? { ...r.event, value: price } : r.event;
    await sink.add(event, r.item === null ? null : { ...r.item, price });
  }
  await sink.flush();
  return sink.totals().inserted;
}

export interface DuveTrainingOptions {
  readonly modelDir: string;
  /** Reference times start here (the log's window start). */
  readonly refStart: number;
  readonly seed: number;
  /** Default 200. */
  readonly iterations?: number;
}

/**
 * Train DUVE with `eval feed/ltv`'s Taobao settings (1-day horizon, reference times every 3 h from
 * the window start, per-type decays) on everything the store holds.
 */
export function trainWarmUpDuve(store: GraphStore, o: DuveTrainingOptions): Promise<TrainDuveFromStoreResult> {
  return trainDuveFromStore(store, { modelDir: o.modelDir, horizonDays: 1, stepDays: 0.125, refStart: o.refStart, iterations: o.iterations ?? 200, seed: o.seed });
}

/** The id of the commercial-only strategy the simulator derives from `ltv` when no file defines it. */
export const COMMERCIAL_ONLY = 'commercial-only';

/**
 * Fill `target` with the strategy files of `source` (if it exists), plus `commercial-only`: the
 * `ltv` strategy with its `baseline/commercial` scorer alone (same retrievers and re-ranking, as in
 * `eval feed/ltv`), unless a file already defines that id. Returns the ids written.
 */
export function prepareStrategies(source: string, target: string): string[] {
  const ids: string[] = [];
  let ltv: Strategy | null = null;
  if (existsSync(source)) {
    for (const name of readdirSync(source)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      copyFileSync(join(source, name), join(target, name));
      const s = loadStrategyFile(join(target, name));
      ids.push(s.id);
      if (s.id === 'ltv') ltv = s;
    }
  }
  if (ltv !== null && !ids.includes(COMMERCIAL_ONLY)) {
    const scorers = ltv.scorers.filter((s) => s.id === 'baseline/commercial');
    if (scorers.length > 0) {
      writeFileSync(join(target, `${COMMERCIAL_ONLY}.sim.json`), JSON.stringify(parseStrategy({ ...ltv, id: COMMERCIAL_ONLY, scorers }), null, 2));
      ids.push(COMMERCIAL_ONLY);
    }
  }
  return ids;
}

/**
 * The warm-up rows of resampled personas (sim/world.ts `resample`): every row of the persona's log
 * user, copied under the persona's id (event id `<id>@<persona>`), so the gateway knows the
 * persona's history as it knows the original's. Users that are log users add nothing.
 */
export function personaRows(rows: readonly TaobaoRow[], users: ReadonlyArray<{ readonly id: string; readonly sourceId: string }>): TaobaoRow[] {
  const personas = new Map<string, string[]>();
  for (const u of users) if (u.id !== u.sourceId) personas.set(u.sourceId, [...(personas.get(u.sourceId) ?? []), u.id]);
  if (personas.size === 0) return [];
  const out: TaobaoRow[] = [];
  for (const r of rows) {
    const ids = personas.get(r.event.userId);
    if (ids === undefined) continue;
    for (const id of ids) out.push({ ...r, event: { ...r.event, userId: id, eventId: `${r.event.eventId}@${id}` } });
  }
  return out;
}
