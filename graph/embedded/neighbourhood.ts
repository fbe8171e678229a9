/**
 * The co-interaction walk seed item -> its most recent distinct users -> each user's most recent
 * distinct items, over the in-memory interaction lists. Work is bounded by
 * seeds x usersPerItem x itemsPerUser. Scratch arrays are reused across calls (stamped or reset
 * through touched lists, never cleared wholesale), so a call allocates little beyond its result.
 * Pass 1 counts total co-occurrences per item in a dense counter; pass 2 fills the per-seed
 * co-count vectors of the kept neighbours only.
 */
import type { Neighbourhood, NeighbourhoodOptions } from '../port';
import type { MemoryIndex } from './memory';
import { selectTop } from './topk';

export const DEFAULT_USERS_PER_ITEM = 200;
export const DEFAULT_ITEMS_PER_USER = 50;
export const DEFAULT_NEIGHBOUR_LIMIT = 300;
/**
 * A list is scanned for at most cap x SCAN_FACTOR entries (at least MIN_SCAN) while collecting
 * `cap` distinct entries, so a user or item with a long run of repeats cannot stall a request.
 */
const SCAN_FACTOR = 16;
const MIN_SCAN = 1024;
/** Stamps are reset between calls once they pass this value (never within a call). */
const STAMP_RESET = 0xf0000000;

export type NeighbourhoodWalker = (seeds: readonly string[], opts?: NeighbourhoodOptions) => Neighbourhood;

function u32(a: Uint32Array, n: number): Uint32Array {
  return a.length >= n ? a : new Uint32Array(Math.max(n, a.length * 2));
}
function i32(a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function count(v: number | undefined, dflt: number): number {
  return v === undefined || !Number.isFinite(v) ? dflt : Math.max(0, Math.floor(v));
}

/** A walker bound to `ix` (defaults: usersPerItem 200, itemsPerUser 50, limit 300). */
export function createNeighbourhoodWalker(ix: MemoryIndex): NeighbourhoodWalker {
  let stamp = 0;
  let userSeen: Uint32Array = new Uint32Array(0);
  let userCached: Uint32Array = new Uint32Array(0);
  let userOff: Int32Array = new Int32Array(0);
  let userLen: Int32Array = new Int32Array(0);
  let itemSeen: Uint32Array = new Uint32Array(0);
  let cnt: Int32Array = new Int32Array(0);
  let recent: Int32Array = new Int32Array(0);
  let walkedUsers: Int32Array = new Int32Array(0);
  let cands: Int32Array = new Int32Array(0);

  const prepare = (): void => {
    const nu = ix.users.size;
    const ni = ix.items.size;
    if (stamp >= STAMP_RESET) {
      userSeen.fill(0);
      userCached.fill(0);
      itemSeen.fill(0);
      stamp = 0;
    }
    userSeen = u32(userSeen, nu);
    userCached = u32(userCached, nu);
    itemSeen = u32(itemSeen, ni);
    if (userOff.length < nu) {
      userOff = new Int32Array(Math.max(nu, userOff.length * 2));
      userLen = new Int32Array(userOff.length);
    }
    if (cnt.length < ni) {
      cnt = new Int32Array(Math.max(ni, cnt.length * 2));
      cands = new Int32Array(cnt.length);
    }
  };

  return (seedIds, opts = {}) => {
    const usersPerItem = count(opts.usersPerItem, DEFAULT_USERS_PER_ITEM);
    const itemsPerUser = count(opts.itemsPerUser, DEFAULT_ITEMS_PER_USER);
    const limit = count(opts.limit, DEFAULT_NEIGHBOUR_LIMIT);
    const seeds = [...new Set(seedIds)];
    const nSeeds = seeds.length;
    prepare();
    const seedInts = seeds.map((s) => ix.items.get(s));
    // Upper bounds: walked users <= sum of min(cap, list length); each kept item of a walked
    // user is a distinct interaction, so the recent-item buffer never exceeds the log.
    let maxWalked = 0;
    for (const si of seedInts) if (si >= 0) maxWalked += Math.min(usersPerItem, (ix.itemUsers[si] as number[]).length);
    const maxRecent = Math.min(ix.logSize, Math.min(ix.users.size, maxWalked) * itemsPerUser);
    if (recent.length < maxRecent) recent = new Int32Array(maxRecent);
    walkedUsers = i32(walkedUsers, maxWalked);
    // Locals, so the JIT can keep the arrays in registers inside the hot loops.
    const call = ++stamp;
    let st = stamp;
    const { userItems, itemUsers } = ix;
    const cntL = cnt;
    const recentL = recent;
    const walkedL = walkedUsers;
    const userSeenL = userSeen;
    const userCachedL = userCached;
    const userOffL = userOff;
    const userLenL = userLen;
    const itemSeenL = itemSeen;
    // Pass 1: cnt[c] = total co-count of c over all seeds. A seed's counter is -1 meanwhile.
    for (const si of seedInts) if (si >= 0) cntL[si] = -1;
    const walkedEnd = new Int32Array(nSeeds);
    let nWalked = 0;
    let recentLen = 0;
    const candsL = cands;
    let nCands = 0;
    for (let k = 0; k < nSeeds; k++) {
      const si = seedInts[k] as number;
      const list = si >= 0 ? (itemUsers[si] as number[]) : [];
      const s = ++st;
      const first = nWalked;
      const stop = Math.max(0, list.length - Math.max(usersPerItem * SCAN_FACTOR, MIN_SCAN));
      for (let j = list.length - 1; j >= stop && nWalked - first < usersPerItem; j--) {
        const u = list[j] as number;
        if (userSeenL[u] === s) continue;
        userSeenL[u] = s;
        walkedL[nWalked++] = u;
        if (userCachedL[u] !== call) {
          // This user's most recent distinct items, computed once per call.
          const ul = userItems[u] as number[];
          const us = ++st;
          const off = recentLen;
          const ustop = Math.max(0, ul.length - Math.max(itemsPerUser * SCAN_FACTOR, MIN_SCAN));
          for (let q = ul.length - 1; q >= ustop && recentLen - off < itemsPerUser; q--) {
            const i = ul[q] as number;
            if (itemSeenL[i] === us) continue;
            itemSeenL[i] = us;
            recentL[recentLen++] = i;
          }
          userCachedL[u] = call;
          userOffL[u] = off;
          userLenL[u] = recentLen - off;
        }
        const off = userOffL[u] as number;
        const end = off + (userLenL[u] as number);
        for (let m = off; m < end; m++) {
          const c = recentL[m] as number;
          const x = cntL[c] as number;
          if (x < 0) continue;
          if (x === 0) candsL[nCands++] = c;
          cntL[c] = x + 1;
        }
      }
      walkedEnd[k] = nWalked;
    }
    stamp = st;

    const name = (c: number): string => ix.items.name(c);
    const top = pickTop(candsL.subarray(0, nCands), cntL, limit, name);

    // Pass 2: per-seed co-counts of the kept neighbours only; cnt becomes 1 + rank.
    for (let j = 0; j < nCands; j++) cntL[candsL[j] as number] = 0;
    const flat = new Float32Array(top.length * nSeeds);
    const co = new Map<string, Float32Array>();
    const degree = new Map<string, number>();
    seeds.forEach((s, k) => {
      const si = seedInts[k] as number;
      degree.set(s, si >= 0 ? (ix.degree[si] as number) : 0);
    });
    top.forEach((c, r) => {
      cntL[c] = r + 1;
      const id = name(c);
      co.set(id, flat.subarray(r * nSeeds, (r + 1) * nSeeds));
      degree.set(id, ix.degree[c] as number);
    });
    let w = 0;
    for (let k = 0; k < nSeeds; k++) {
      for (const end = walkedEnd[k] as number; w < end; w++) {
        const u = walkedL[w] as number;
        const off = userOffL[u] as number;
        const stop = off + (userLenL[u] as number);
        for (let m = off; m < stop; m++) {
          const r = cntL[recentL[m] as number] as number;
          if (r > 0) flat[(r - 1) * nSeeds + k] = (flat[(r - 1) * nSeeds + k] as number) + 1;
        }
      }
    }
    for (const c of top) cntL[c] = 0;
    for (const si of seedInts) if (si >= 0) cntL[si] = 0;
    return { seeds, co, degree };
  };
}

/**
 * The `limit` candidates with the largest count (ties: smaller id first), in that order.
 * Counts are small ints, so a histogram finds the cut-off count; only candidates tied at the
 * cut-off need comparing by id.
 */
export function pickTop(cands: Int32Array, cnt: Int32Array, limit: number, name: (c: number) => string): number[] {
  const order = (a: number, b: number): number => {
    const d = (cnt[b] as number) - (cnt[a] as number);
    if (d !== 0) return d;
    const na = name(a);
    const nb = name(b);
    return na < nb ? -1 : na > nb ? 1 : 0;
  };
  if (cands.length <= limit) return Array.from(cands).sort(order);
  let max = 0;
  for (const c of cands) if ((cnt[c] as number) > max) max = cnt[c] as number;
  const hist = new Int32Array(max + 1);
  for (const c of cands) hist[cnt[c] as number] = (hist[cnt[c] as number] as number) + 1;
  let above = 0;
  let cut = max;
  while (cut > 0 && above + (hist[cut] as number) < limit) above += hist[cut--] as number;
  const kept: number[] = [];
  const ties: number[] = [];
  for (const c of cands) {
    const x = cnt[c] as number;
    if (x > cut) kept.push(c);
    else if (x === cut) ties.push(c);
  }
  const need = limit - kept.length;
  const tied =
    ties.length <= need
      ? ties
      : selectTop(
          ties.length,
          need,
          () => true,
          (a, b) => name(ties[a] as number) < name(ties[b] as number),
        ).map((t) => ties[t] as number);
  return kept.concat(tied).sort(order);
}
