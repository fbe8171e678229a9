/**
 * The known queries a suggestion is drawn from, held in typed arrays: texts sorted by code unit
 * (so the queries starting with a prefix are one contiguous range, found by binary search), their
 * popularity, and an optional row-normalised vector per query in the user embedding space.
 *
 * A query's vector is its own node embedding when the dpgcn artifact has one (`queries.bin` +
 * `manifest.queryIds`), else the mean of the embeddings of the items it LED_TO (weighted by the
 * follow-up count), row-normalised; a query with neither has no vector (it can only rank by
 * popularity or recency). Pure: no I/O.
 */

/** One known query and what is known about it. */
export interface QueryEntry {
  /** Normalised text (domain/events.ts normaliseQuery): the query's id. */
  readonly text: string;
  /** How often it was searched (or, for a proxy, how often its items were used). Non-negative. */
  readonly count: number;
}

/** Where query vectors come from (all optional). */
export interface QueryVectorSource {
  readonly dims: number;
  /** Own node embeddings: row r of `vectors` belongs to `ids[r]`. */
  readonly own?: { readonly ids: readonly string[]; readonly vectors: Float32Array };
  /** Item embeddings, for the LED_TO mean: row r of `vectors` belongs to `ids[r]`. */
  readonly items?: { readonly ids: readonly string[]; readonly vectors: Float32Array };
  /** Query text -> item id -> follow-up count (Query-LED_TO->Item). */
  readonly ledTo?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface QueryIndex {
  /** Known queries, sorted by code unit, unique. */
  readonly texts: readonly string[];
  /** log1p(count) / log1p(max count): popularity in [0, 1], aligned with `texts`. */
  readonly popularity: Float32Array;
  readonly counts: Float64Array;
  /** Positions by count, largest first (ties in text order). */
  readonly byPopularity: Int32Array;
  readonly dims: number;
  /** Row-normalised vectors, `dims` per query (zeros where `hasVector` is 0). */
  readonly vectors: Float32Array;
  readonly hasVector: Uint8Array;
  /** How many queries have a vector from their own embedding and from the LED_TO mean. */
  readonly vectorCounts: { readonly own: number; readonly ledTo: number };
  /** Position of a text, or -1. */
  position(text: string): number;
  /** [lo, hi): the positions of the texts starting with `prefix` (all for ''). */
  prefixRange(prefix: string): readonly [number, number];
}

/** First position whose text is >= key (code-unit order). */
function lowerBound(texts: readonly string[], key: string): number {
  let lo = 0;
  let hi = texts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (texts[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function normaliseRow(v: Float32Array, off: number, dims: number): boolean {
  let s = 0;
  for (let d = 0; d < dims; d++) s += v[off + d]! * v[off + d]!;
  if (!(s > 0) || !Number.isFinite(s)) {
    v.fill(0, off, off + dims);
    return false;
  }
  const inv = 1 / Math.sqrt(s);
  for (let d = 0; d < dims; d++) v[off + d] = v[off + d]! * inv;
  return true;
}

/** Merge duplicate texts (counts add up) and sort. */
function sortedEntries(entries: Iterable<QueryEntry>): { texts: string[]; counts: Float64Array } {
  const merged = new Map<string, number>();
  for (const e of entries) {
    if (!(e.count >= 0) || !Number.isFinite(e.count)) throw new RangeError(`query "${e.text}": count must be a finite non-negative number (got ${e.count})`);
    merged.set(e.text, (merged.get(e.text) ?? 0) + e.count);
  }
  const texts = [...merged.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { texts, counts: Float64Array.from(texts, (t) => merged.get(t)!) };
}

export function buildQueryIndex(entries: Iterable<QueryEntry>, source: QueryVectorSource | null = null): QueryIndex {
  const { texts, counts } = sortedEntries(entries);
  const n = texts.length;
  const positions = new Map<string, number>(texts.map((t, i) => [t, i]));
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  const denom = Math.log1p(max);
  const popularity = Float32Array.from(counts, (c) => (denom > 0 ? Math.log1p(c) / denom : 0));
  const dims = source?.dims ?? 0;
  const vectors = new Float32Array(n * dims);
  const hasVector = new Uint8Array(n);
  let own = 0;
  let led = 0;
  if (source !== null) {
    if (!(Number.isInteger(dims) && dims > 0)) throw new RangeError(`dims must be a positive integer (got ${dims})`);
    if (source.own) {
      const { ids, vectors: v } = source.own;
      if (v.length !== ids.length * dims) throw new RangeError(`own query vectors: ${v.length} values for ${ids.length} ids x ${dims} dims`);
      ids.forEach((id, r) => {
        const p = positions.get(id);
        if (p === undefined) return;
        vectors.set(v.subarray(r * dims, (r + 1) * dims), p * dims);
        if (normaliseRow(vectors, p * dims, dims)) {
          hasVector[p] = 1;
          own++;
        }
      });
    }
    if (source.items && source.ledTo) {
      const { ids, vectors: v } = source.items;
      if (v.length !== ids.length * dims) throw new RangeError(`item vectors: ${v.length} values for ${ids.length} ids x ${dims} dims`);
      const itemRow = new Map<string, number>(ids.map((id, r) => [id, r]));
      for (const [text, items] of source.ledTo) {
        const p = positions.get(text);
        if (p === undefined || hasVector[p] === 1) continue;
        const off = p * dims;
        for (const [itemId, w] of items) {
          const r = itemRow.get(itemId);
          if (r === undefined || !(w > 0)) continue;
          for (let d = 0; d < dims; d++) vectors[off + d] = vectors[off + d]! + w * v[r * dims + d]!;
        }
        if (normaliseRow(vectors, off, dims)) {
          hasVector[p] = 1;
          led++;
        }
      }
    }
  }
  const byPopularity = Int32Array.from(texts, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  return {
    texts,
    popularity,
    counts,
    byPopularity,
    dims,
    vectors,
    hasVector,
    vectorCounts: { own, ledTo: led },
    position: (text) => positions.get(text) ?? -1,
    prefixRange(prefix) {
      if (prefix === '') return [0, n];
      const lo = lowerBound(texts, prefix);
      // The texts starting with `prefix` are contiguous from `lo`: find the first one past it that does not.
      let a = lo;
      let b = n;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (texts[mid]!.startsWith(prefix)) a = mid + 1;
        else b = mid;
      }
      return [lo, a];
    },
  };
}
