/**
 * Vocabularies and the encoded form of ads examples: per example the user, query and item indices,
 * its keywords (CSR), the ad-click label, the selling-point-click label of each keyword, and the
 * extra features (AMTDL). Strings are normalised (domain/events normaliseQuery) on every path.
 */
import { normaliseQuery } from '../../../domain/events';
import { adsExtraFeatures, ADS_EXTRA_FEATURES } from './features';
import type { AdsExample, AdsFeatureContext, AdsScoringRow } from './types';

/** Index i + 1 of each list is that string's row; 0 is "unknown". */
export interface AdsVocab {
  readonly users: readonly string[];
  readonly queries: readonly string[];
  readonly items: readonly string[];
  readonly keywords: readonly string[];
}

export interface AdsVocabIndex {
  readonly vocab: AdsVocab;
  user(id: string): number;
  query(q: string): number;
  item(id: string): number;
  keyword(k: string): number;
}

export const normaliseKeyword = normaliseQuery;

/** Vocabularies from training examples; items (and keywords) seen in fewer than `minCount` examples stay unknown. */
export function fitAdsVocab(examples: readonly AdsExample[], o: { minItemCount: number; minKeywordCount: number }): AdsVocab {
  const count = (values: Iterable<string>): Map<string, number> => {
    const m = new Map<string, number>();
    for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
    return m;
  };
  const keep = (m: Map<string, number>, min: number): string[] => [...m].filter(([, c]) => c >= min).map(([k]) => k);
  return {
    users: keep(count(examples.map((e) => e.userId)), 1),
    queries: keep(count(examples.map((e) => normaliseQuery(e.query)).filter((q) => q !== '')), 1),
    items: keep(count(examples.map((e) => e.itemId)), o.minItemCount),
    keywords: keep(count(examples.flatMap((e) => e.keywords.map(normaliseKeyword))), o.minKeywordCount),
  };
}

export function indexAdsVocab(vocab: AdsVocab): AdsVocabIndex {
  const ix = (list: readonly string[]): Map<string, number> => new Map(list.map((s, i) => [s, i + 1]));
  const u = ix(vocab.users);
  const q = ix(vocab.queries);
  const it = ix(vocab.items);
  const k = ix(vocab.keywords);
  return {
    vocab,
    user: (id) => u.get(id) ?? 0,
    query: (s) => q.get(normaliseQuery(s)) ?? 0,
    item: (id) => it.get(id) ?? 0,
    keyword: (s) => k.get(normaliseKeyword(s)) ?? 0,
  };
}

export interface EncodedAds {
  readonly n: number;
  readonly user: Int32Array;
  readonly query: Int32Array;
  readonly item: Int32Array;
  /** Keywords of example e: kw[kwStart[e] .. kwStart[e + 1]). */
  readonly kwStart: Int32Array;
  readonly kw: Int32Array;
  /** Example of each keyword row. */
  readonly kwExample: Int32Array;
  /** Selling-point click per keyword row. */
  readonly kwLabel: Uint8Array;
  /** Ad click per example. */
  readonly adLabel: Uint8Array;
  readonly extraDim: number;
  /** n × extraDim. */
  readonly extra: Float32Array;
}

/** Encode examples (labels) or scoring rows (labels 0); `ctx` is read when `extra` is true, as of each row's time. */
export function encodeAds(rows: ReadonlyArray<AdsExample | AdsScoringRow>, index: AdsVocabIndex, o: { extra: boolean; ctx?: AdsFeatureContext | null }): EncodedAds {
  const n = rows.length;
  const extraDim = o.extra ? ADS_EXTRA_FEATURES.length : 0;
  if (o.extra && !o.ctx) throw new RangeError('ads encode: AMTDL needs a feature context');
  const kwStart = new Int32Array(n + 1);
  for (let e = 0; e < n; e++) kwStart[e + 1] = kwStart[e]! + rows[e]!.keywords.length;
  const total = kwStart[n]!;
  const enc = {
    n,
    user: new Int32Array(n),
    query: new Int32Array(n),
    item: new Int32Array(n),
    kwStart,
    kw: new Int32Array(total),
    kwExample: new Int32Array(total),
    kwLabel: new Uint8Array(total),
    adLabel: new Uint8Array(n),
    extraDim,
    extra: new Float32Array(n * extraDim),
  };
  for (let e = 0; e < n; e++) {
    const r = rows[e]!;
    enc.user[e] = index.user(r.userId);
    enc.query[e] = index.query(r.query);
    enc.item[e] = index.item(r.itemId);
    const ex = 'clickedAd' in r ? r : null;
    const clicked = ex ? new Set(ex.clickedKeywords.map(normaliseKeyword)) : null;
    if (ex) enc.adLabel[e] = ex.clickedAd || ex.clickedKeywords.length > 0 ? 1 : 0;
    r.keywords.forEach((k, j) => {
      const p = kwStart[e]! + j;
      enc.kw[p] = index.keyword(k);
      enc.kwExample[p] = e;
      enc.kwLabel[p] = clicked?.has(normaliseKeyword(k)) ? 1 : 0;
    });
    if (o.extra) {
      const at = ex ? ex.ts : ((r as AdsScoringRow).at ?? Number.POSITIVE_INFINITY);
      adsExtraFeatures(r, at, o.ctx!, enc.extra.subarray(e * extraDim, (e + 1) * extraDim));
    }
  }
  return enc;
}
