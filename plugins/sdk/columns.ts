/**
 * The standard columns: a fixed vocabulary of feature-vector columns the gateway computes from the
 * declared features, so a model published without code (a manifest plus an ONNX file) names its
 * input layout by column name and is fed exactly what it was trained on.
 *
 * ```ts
 * const layout = columnLayout(['item.stats.purchase', 'log1p(item.stats.view.decayed)', 'pair.co.sum']);
 * layout.features;                                   // ['item.stats', 'pair.coInteraction']
 * const x = layout.tensor(features, itemIds.length, now); // float32 [n, 3], row-major
 * ```
 *
 * Every value is finite and non-negative; missing data (no statistics, no record, an unknown or
 * cold user, a feature that was not loaded) gives 0, except `item.stats.ageDays` (the cap).
 * `log1p(<column>)` wraps any column in ln(1 + value).
 */
import type { FeatureKey, FeatureValues } from './features';
import type { DenseTensor } from './model';
import { EVENT_TYPES } from './records';

/** The features a column may read; a feature that was not loaded reads as missing. */
export type ColumnFeatures = Partial<FeatureValues>;

export interface StandardColumn {
  /** The name a manifest's `inputs[].columns` uses. */
  readonly name: string;
  /** The features it reads (a manifest must declare all of them). */
  readonly features: readonly FeatureKey[];
  /** One line: what the value is. */
  readonly doc: string;
  /**
   * The column over one request: per-request work (e.g. the user's history categories) is done
   * once here; the returned function gives candidate i's value (finite, ≥ 0).
   */
  bind(features: ColumnFeatures, now: number): (i: number) => number;
}

/** Cap of `item.stats.ageDays`, and its value for an item without events. */
export const AGE_CAP_DAYS = 3650;
/** Retrievers with a `pair.retrieval.<id>.hit` column (the gateway's retriever ids). */
export const HIT_RETRIEVERS = ['recent', 'neighbourhood', 'category', 'trending', 'fresh'] as const;

const DAY_MS = 24 * 3600 * 1000;
const fin = (v: number | null | undefined): number => (v !== null && v !== undefined && Number.isFinite(v) ? v : 0);
const zero = (): number => 0;

function col(name: string, features: readonly FeatureKey[], doc: string, bind: StandardColumn['bind']): StandardColumn {
  return { name, features, doc, bind };
}

function statsColumns(): StandardColumn[] {
  const out: StandardColumn[] = [];
  EVENT_TYPES.forEach((type, k) => {
    out.push(
      col(`item.stats.${type}`, ['item.stats'], `plain count of \`${type}\` events on the item`, (f) => {
        const s = f['item.stats'];
        return s ? (i) => fin(s[i]?.totals[k]) : zero;
      }),
      col(`item.stats.${type}.decayed`, ['item.stats'], `time-decayed count of \`${type}\` events (the store's half-life)`, (f) => {
        const s = f['item.stats'];
        return s ? (i) => fin(s[i]?.decayed[k]) : zero;
      }),
    );
  });
  out.push(
    col('item.stats.users', ['item.stats'], 'distinct users who interacted with the item', (f) => {
      const s = f['item.stats'];
      return s ? (i) => fin(s[i]?.users) : zero;
    }),
    col('item.stats.revenue', ['item.stats'], 'total revenue (sum of purchase values)', (f) => {
      const s = f['item.stats'];
      return s ? (i) => fin(s[i]?.totalRevenue) : zero;
    }),
    col('item.stats.revenue.decayed', ['item.stats'], 'time-decayed revenue', (f) => {
      const s = f['item.stats'];
      return s ? (i) => fin(s[i]?.decayedRevenue) : zero;
    }),
    col('item.stats.ageDays', ['item.stats'], `days since the item's newest event, capped at ${AGE_CAP_DAYS} (the cap when it has none)`, (f, now) => {
      const s = f['item.stats'];
      return (i) => {
        const last = s?.[i]?.lastTs ?? 0;
        if (!(last > 0) || !Number.isFinite(now)) return AGE_CAP_DAYS;
        return Math.min(AGE_CAP_DAYS, Math.max(0, (now - last) / DAY_MS));
      };
    }),
  );
  return out;
}

function coInteractionColumns(): StandardColumn[] {
  const rowOf = (f: ColumnFeatures, i: number): Float32Array | null | undefined => f['pair.coInteraction']?.rows[i];
  return [
    col('pair.co.sum', ['pair.coInteraction'], "sum of the item's co-counts with the user's recent items (the seeds)", (f) => (i) => {
      const r = rowOf(f, i);
      let s = 0;
      if (r) for (let k = 0; k < r.length; k++) s += fin(r[k]);
      return Math.max(0, s);
    }),
    col('pair.co.max', ['pair.coInteraction'], 'largest co-count with one seed', (f) => (i) => {
      const r = rowOf(f, i);
      let m = 0;
      if (r) for (let k = 0; k < r.length; k++) m = Math.max(m, fin(r[k]));
      return m;
    }),
    col('pair.co.seeds', ['pair.coInteraction'], 'seeds with a non-zero co-count', (f) => (i) => {
      const r = rowOf(f, i);
      let c = 0;
      if (r) for (let k = 0; k < r.length; k++) if (fin(r[k]) > 0) c++;
      return c;
    }),
    col('item.degree', ['pair.coInteraction'], "the item's distinct-user degree in the interaction graph", (f) => {
      const d = f['pair.coInteraction']?.degree;
      return d ? (i) => Math.max(0, fin(d[i])) : zero;
    }),
  ];
}

/**
 * Share of the user's distinct history items (those with a catalogue record) that share a
 * category with candidate i. The history's category -> items index is built once per request;
 * a candidate with several categories counts each history item once (a stamp array).
 */
function bindCategoryOverlap(f: ColumnFeatures): (i: number) => number {
  const history = f['user.history'];
  const records = f['user.historyItems'];
  const meta = f['item.meta'];
  if (!history || !records || !meta) return zero;
  const byCategory = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const h of history) {
    if (seen.has(h.itemId)) continue;
    const rec = records.get(h.itemId);
    if (!rec) continue;
    const idx = seen.size;
    seen.add(h.itemId);
    for (const c of new Set(rec.categories)) {
      const list = byCategory.get(c);
      if (list) list.push(idx);
      else byCategory.set(c, [idx]);
    }
  }
  const total = seen.size;
  if (total === 0) return zero;
  const stamp = new Uint32Array(total);
  let generation = 0;
  return (i) => {
    const cats = meta[i]?.categories;
    if (!cats || cats.length === 0) return 0;
    if (cats.length === 1) return (byCategory.get(cats[0]!)?.length ?? 0) / total;
    generation++;
    let hits = 0;
    for (const c of cats) {
      for (const h of byCategory.get(c) ?? []) {
        if (stamp[h] !== generation) {
          stamp[h] = generation;
          hits++;
        }
      }
    }
    return hits / total;
  };
}

function userAndPairColumns(): StandardColumn[] {
  const value = (key: 'purchaseProbability' | 'expectedSpend' | 'expectedPurchases', doc: string): StandardColumn =>
    col(`user.value.${key}`, ['user.value'], doc, (f) => {
      const v = Math.max(0, fin(f['user.value']?.[key]));
      return () => v;
    });
  return [
    col('item.price', ['item.meta'], "the item's unit price (0 when unknown)", (f) => {
      const m = f['item.meta'];
      return m ? (i) => Math.max(0, fin(m[i]?.price)) : zero;
    }),
    col('pair.category.overlap', ['user.history', 'user.historyItems', 'item.meta'], "share of the user's distinct history items that share a category with the item", bindCategoryOverlap),
    col('user.history.length', ['user.history'], "rows in the user's recent history (0 for a cold user)", (f) => {
      const n = f['user.history']?.length ?? 0;
      return () => n;
    }),
    value('purchaseProbability', 'DUVE: P(at least one purchase over the horizon) (0 without a DUVE state)'),
    value('expectedSpend', 'DUVE: expected spend over the horizon (0 without a DUVE state)'),
    value('expectedPurchases', 'DUVE: expected purchases over the horizon (0 without a DUVE state)'),
    ...HIT_RETRIEVERS.map((r) =>
      col(`pair.retrieval.${r}.hit`, ['pair.retrieval'], `1 when the \`${r}\` retriever proposed the item, else 0`, (f) => {
        const ret = f['pair.retrieval'];
        const k = ret ? ret.retrievers.indexOf(r) : -1;
        const ranks = k >= 0 ? ret?.ranks[k] : undefined;
        return ranks ? (i) => ((ranks[i] ?? -1) >= 0 ? 1 : 0) : zero;
      }),
    ),
  ];
}

/** Every standard column, by family (the `log1p(...)` wrappers are not listed). */
export const STANDARD_COLUMNS: readonly StandardColumn[] = Object.freeze([...statsColumns(), ...coInteractionColumns(), ...userAndPairColumns()]);

const BY_NAME: ReadonlyMap<string, StandardColumn> = new Map(STANDARD_COLUMNS.map((c) => [c.name, c]));
const LOG1P = /^log1p\((.+)\)$/;

/** The column of that name, including `log1p(<column>)`; undefined for an unknown name. */
export function standardColumn(name: string): StandardColumn | undefined {
  const plain = BY_NAME.get(name);
  if (plain) return plain;
  const inner = LOG1P.exec(name)?.[1];
  const base = inner === undefined ? undefined : BY_NAME.get(inner);
  if (!base) return undefined;
  return {
    name,
    features: base.features,
    doc: `ln(1 + ${base.name})`,
    bind(f, now) {
      const v = base.bind(f, now);
      return (i) => Math.log1p(Math.max(0, v(i)));
    },
  };
}

/** One column's value for candidate i (binds the column for this call: for tests and tools, not per cell). */
export function columnValue(name: string, features: ColumnFeatures, i: number, now: number): number {
  const c = standardColumn(name);
  if (!c) throw new RangeError(`unknown standard column "${name}"`);
  return c.bind(features, now)(i);
}

export interface ColumnLayout {
  /** The column names, in order. */
  readonly columns: readonly string[];
  /** Every feature the columns read, without duplicates. */
  readonly features: readonly FeatureKey[];
  /** The float32 [n, columns.length] tensor of n candidates, row-major. */
  tensor(features: ColumnFeatures, n: number, now: number): DenseTensor;
}

/** A layout of standard columns (at least one). Throws a RangeError naming the index and name of an unknown column. */
export function columnLayout(columns: readonly string[]): ColumnLayout {
  if (columns.length === 0) throw new RangeError('a column layout needs at least one column');
  const resolved = columns.map((name, j) => {
    const c = standardColumn(name);
    if (!c) throw new RangeError(`column ${j} "${name}" is not a standard column (see STANDARD_COLUMNS, or log1p(<column>))`);
    return c;
  });
  const features = [...new Set(resolved.flatMap((c) => c.features))];
  const w = resolved.length;
  return {
    columns: Object.freeze([...columns]),
    features: Object.freeze(features),
    tensor(f, n, now) {
      const data = new Float32Array(n * w);
      for (let j = 0; j < w; j++) {
        const value = resolved[j]!.bind(f, now);
        for (let i = 0; i < n; i++) data[i * w + j] = value(i);
      }
      return { data, dims: [n, w] };
    },
  };
}
