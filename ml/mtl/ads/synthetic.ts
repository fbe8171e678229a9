/**
 * Generated ads logs with planted structure (tests and smoke runs; no dataset is read). Users
 * belong to one of `groups` taste groups; each group likes a third of the keyword pool. An
 * exposure shows an item's 3 keywords; the ad is clicked with probability rising with how many
 * shown keywords the user likes (rich: ~25-40%), and a clicked ad's liked keyword is clicked with
 * probability 0.5, any other with 0.03 (sparse: a few % of keyword rows).
 */
import { mulberry32 } from '../../random';
import type { AdsContextEvent } from './features';
import type { AdsExample } from './types';

export interface SyntheticAdsLog {
  readonly examples: AdsExample[];
  /** Item interactions before the exposures (for AMTDL's context). */
  readonly history: AdsContextEvent[];
  readonly itemCategories: Map<string, readonly string[]>;
  /** Does user u like keyword k (the planted truth). */
  likes(userId: string, keyword: string): boolean;
}

export function syntheticAdsLog(o: { users: number; items: number; exposures: number; seed: number; groups?: number; keywords?: number }): SyntheticAdsLog {
  const rnd = mulberry32(o.seed);
  const groups = o.groups ?? 3;
  const pool = o.keywords ?? 12;
  const keyword = (k: number): string => `kw ${k}`;
  const group = (u: number): number => u % groups;
  const liked = (u: number, k: number): boolean => k % groups === group(u);
  const itemKeywords: number[][] = [];
  const itemCategories = new Map<string, readonly string[]>();
  for (let i = 0; i < o.items; i++) {
    const ks = new Set<number>();
    while (ks.size < 3) ks.add(Math.floor(rnd() * pool));
    itemKeywords.push([...ks]);
    itemCategories.set(`i${i}`, [`c${i % 5}`]);
  }
  const T0 = Date.UTC(2026, 0, 1);
  const history: AdsContextEvent[] = [];
  for (let u = 0; u < o.users; u++) {
    for (let e = 0; e < 5; e++) history.push({ userId: `u${u}`, type: rnd() < 0.2 ? 'purchase' : 'view', itemId: `i${Math.floor(rnd() * o.items)}`, ts: T0 + e * 1000 });
    history.push({ userId: `u${u}`, type: 'search', itemId: null, ts: T0 + 10_000, query: `c${u % 5}` });
  }
  const examples: AdsExample[] = [];
  for (let x = 0; x < o.exposures; x++) {
    const u = Math.floor(rnd() * o.users);
    const i = Math.floor(rnd() * o.items);
    const kws = itemKeywords[i]!;
    const nLiked = kws.filter((k) => liked(u, k)).length;
    const clickedAd = rnd() < 1 / (1 + Math.exp(-(-2.2 + 1.5 * nLiked)));
    const clickedKeywords = clickedAd ? kws.filter((k) => rnd() < (liked(u, k) ? 0.5 : 0.03)).map(keyword) : [];
    examples.push({ userId: `u${u}`, query: `c${i % 5}`, itemId: `i${i}`, keywords: kws.map(keyword), clickedAd, clickedKeywords, ts: T0 + 100_000 + x * 1000 });
  }
  return {
    examples,
    history,
    itemCategories,
    likes: (userId, kw) => liked(Number(userId.slice(1)), Number(kw.split(' ')[1])),
  };
}
