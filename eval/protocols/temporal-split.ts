/**
 * The global time split of the events/temporal protocol: one cut for every user; training sees
 * the events before it, the evaluation window is [cut, end). Pure: no I/O.
 */
import type { LogRow } from '../datasets/event-log';
import type { ColdBucket } from './temporal-metrics';
import { argError } from './temporal-source';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Event types that count as a click: `click`, and `view` (a product-page view; Taobao logs its
 * page views `pv` as `view` and has no separate click). A purchase is `purchase`.
 */
export const CLICK_TYPES: ReadonlySet<string> = new Set(['click', 'view']);

export interface CutOptions {
  /** Explicit cut (ms). Default: derived from `evalFraction` or `evalDays`. */
  readonly cutTs?: number;
  /** Evaluation window as a fraction of the observation window (overrides evalDays). Default unset. */
  readonly evalFraction?: number;
  /** Evaluation window length in days, ending at the window end. Default 2. */
  readonly evalDays?: number;
}

/**
 * The cut for an observation window [start, end). Throws EVAL_ARGUMENT_INVALID naming the flag
 * (`--cut`, `--eval-days`, `--eval-fraction`) when it is malformed or not inside the window.
 */
export function resolveCut(window: { readonly start: number; readonly end: number }, o: CutOptions): number {
  let cut: number;
  if (o.cutTs !== undefined) cut = o.cutTs;
  else if (o.evalFraction !== undefined) {
    if (!(o.evalFraction > 0 && o.evalFraction < 1)) throw argError('--eval-fraction', `must be in (0, 1), got ${o.evalFraction}`);
    cut = window.end - Math.round(o.evalFraction * (window.end - window.start));
  } else {
    const days = o.evalDays ?? 2;
    if (!(days > 0)) throw argError('--eval-days', `must be positive, got ${days}`);
    cut = window.end - Math.round(days * DAY_MS);
  }
  if (!(Number.isFinite(cut) && cut > window.start && cut < window.end)) {
    const flag = o.cutTs !== undefined ? '--cut' : o.evalFraction !== undefined ? '--eval-fraction' : '--eval-days';
    throw argError(
      flag,
      `the cut ${Number.isFinite(cut) ? new Date(cut).toISOString() : String(cut)} is not inside the window [${new Date(window.start).toISOString()}, ${new Date(window.end).toISOString()})`,
    );
  }
  return cut;
}

/** What one user did in the evaluation window (distinct items). */
export interface UserWindow {
  /** Items bought (`purchase`). */
  readonly purchased: Set<string>;
  /** Items clicked: events of type `click` or `view` (Taobao `pv` is stored as `view`). */
  readonly clicked: Set<string>;
  /** Items with any event. */
  readonly touched: Set<string>;
}

export interface TemporalSplit {
  readonly cut: number;
  readonly end: number;
  /** Events before the cut, in file order (what the store is trained on). */
  readonly train: readonly LogRow[];
  /** Users with at least one event in [cut, end), by id (sorted). */
  readonly windows: ReadonlyMap<string, UserWindow>;
  /** Training events per user. */
  readonly trainEvents: ReadonlyMap<string, number>;
  /** Items seen per user in training. */
  readonly trainItemsOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Distinct items in training. */
  readonly trainItems: ReadonlySet<string>;
  /** Training events per item. */
  readonly trainItemEvents: ReadonlyMap<string, number>;
  readonly evalEvents: number;
  /** Events at or after `end` (not used). */
  readonly afterEnd: number;
}

export function splitAtCut(rows: readonly LogRow[], cut: number, end: number): TemporalSplit {
  const train: LogRow[] = [];
  const windows = new Map<string, UserWindow>();
  const trainEvents = new Map<string, number>();
  const trainItemsOf = new Map<string, Set<string>>();
  const trainItems = new Set<string>();
  const trainItemEvents = new Map<string, number>();
  let evalEvents = 0;
  let afterEnd = 0;
  for (const r of rows) {
    const e = r.event;
    if (e.itemId === null) continue;
    if (e.ts < cut) {
      train.push(r);
      trainEvents.set(e.userId, (trainEvents.get(e.userId) ?? 0) + 1);
      let s = trainItemsOf.get(e.userId);
      if (s === undefined) trainItemsOf.set(e.userId, (s = new Set()));
      s.add(e.itemId);
      trainItems.add(e.itemId);
      trainItemEvents.set(e.itemId, (trainItemEvents.get(e.itemId) ?? 0) + 1);
    } else if (e.ts < end) {
      evalEvents += 1;
      let w = windows.get(e.userId);
      if (w === undefined) windows.set(e.userId, (w = { purchased: new Set(), clicked: new Set(), touched: new Set() }));
      w.touched.add(e.itemId);
      if (e.type === 'purchase') w.purchased.add(e.itemId);
      if (CLICK_TYPES.has(e.type)) w.clicked.add(e.itemId);
    } else afterEnd += 1;
  }
  const sorted = new Map([...windows.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  return { cut, end, train, windows: sorted, trainEvents, trainItemsOf, trainItems, trainItemEvents, evalEvents, afterEnd };
}

/** Segment label of a user by training events: history:0, 1-29, 30-99, 100+. */
export function historySegment(events: number): string {
  if (events === 0) return 'history:0';
  if (events < 30) return 'history:1-29';
  if (events < 100) return 'history:30-99';
  return 'history:100+';
}

/** Cold-start buckets: the test users, and the positives whose item, with 1..coldMax training events. */
export function coldBuckets(split: TemporalSplit, coldMax: number): ColdBucket[] {
  const cold = (n: number): boolean => n >= 1 && n <= coldMax;
  return [
    { label: `cold-users:1-${coldMax}`, user: (u) => cold(split.trainEvents.get(u) ?? 0) },
    { label: `cold-items:1-${coldMax}`, item: (id) => cold(split.trainItemEvents.get(id) ?? 0) },
  ];
}
