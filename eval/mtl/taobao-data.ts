/**
 * Taobao UserBehavior as a sparse-main / rich-auxiliary multi-task proxy (issue 14, acceptance 2).
 * Rows are (user, item) pairs: every pair the user interacted with, plus `negatives` sampled items
 * per interacted pair that the user never touched (uniform over the log's items, mulberry32(seed)).
 * - task 0, the sparse main task: the user carted or bought the item;
 * - task 1, the rich auxiliary task: the user interacted with the item at all (a click: pv, or a
 *   cart/fav/buy, which implies one).
 * Inputs: embeddings of the user, the item (items seen fewer than `minItemCount` times share index
 * 0) and the item's category. The user/item/category vocabularies are fitted on the training rows.
 */
import { mulberry32 } from '../../ml/random';
import type { MtlData } from '../../ml/mtl/data';
import type { EventLog } from '../datasets/event-log';

export interface TaobaoPairs {
  readonly n: number;
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly category: Int32Array;
  /** task 0 (cart or buy) and task 1 (any interaction) per row. */
  readonly main: Uint8Array;
  readonly aux: Uint8Array;
  readonly users: number;
  readonly items: number;
  readonly categories: number;
}

const MAIN_TYPES = new Set(['add_to_cart', 'purchase']);

/** Pairs and sampled negatives from an event log (ids are dense indices in first-seen order). */
export function taobaoPairs(log: EventLog, o: { negatives: number; seed: number }): TaobaoPairs {
  const userIx = new Map<string, number>();
  const itemIx = new Map<string, number>();
  const catIx = new Map<string, number>();
  const itemCat: number[] = [];
  const pairs = new Map<string, { u: number; i: number; main: boolean }>();
  for (const { event, item } of log.rows) {
    if (event.itemId === null) continue;
    const u = index(userIx, event.userId);
    const i = index(itemIx, event.itemId);
    if (itemCat[i] === undefined) itemCat[i] = index(catIx, item?.categories[0] ?? '?');
    const key = `${u} ${i}`;
    const p = pairs.get(key) ?? { u, i, main: false };
    p.main ||= MAIN_TYPES.has(event.type);
    pairs.set(key, p);
  }
  const rnd = mulberry32(o.seed);
  const rows: Array<{ u: number; i: number; main: number; aux: number }> = [];
  for (const p of pairs.values()) rows.push({ u: p.u, i: p.i, main: p.main ? 1 : 0, aux: 1 });
  const positives = rows.length;
  const nItems = itemIx.size;
  for (let r = 0; r < positives; r++) {
    const u = rows[r]!.u;
    for (let k = 0; k < o.negatives; k++) {
      // Rejection: the user has touched few of the items, so a handful of draws suffice.
      for (let tries = 0; tries < 100; tries++) {
        const i = Math.floor(rnd() * nItems);
        if (pairs.has(`${u} ${i}`)) continue;
        rows.push({ u, i, main: 0, aux: 0 });
        break;
      }
    }
  }
  const n = rows.length;
  return {
    n,
    user: Int32Array.from(rows, (r) => r.u),
    item: Int32Array.from(rows, (r) => r.i),
    category: Int32Array.from(rows, (r) => itemCat[r.i]!),
    main: Uint8Array.from(rows, (r) => r.main),
    aux: Uint8Array.from(rows, (r) => r.aux),
    users: userIx.size,
    items: nItems,
    categories: catIx.size,
  };
}

function index(m: Map<string, number>, key: string): number {
  let v = m.get(key);
  if (v === undefined) {
    v = m.size;
    m.set(key, v);
  }
  return v;
}

export interface TaobaoMtlEncoder {
  /** Categories per field: user, item, category (index 0 = unseen in training or rare). */
  readonly cardinalities: readonly number[];
  encode(p: TaobaoPairs, which: ArrayLike<number>): MtlData;
}

/** Vocabularies from the training rows; items seen in fewer than `minItemCount` training rows map to 0. */
export function fitTaobaoMtl(p: TaobaoPairs, train: ArrayLike<number>, minItemCount: number): TaobaoMtlEncoder {
  const itemCount = new Map<number, number>();
  for (let k = 0; k < train.length; k++) itemCount.set(p.item[train[k]!]!, (itemCount.get(p.item[train[k]!]!) ?? 0) + 1);
  const vocab = (values: Int32Array, keep: (v: number) => boolean): Map<number, number> => {
    const m = new Map<number, number>();
    for (let k = 0; k < train.length; k++) {
      const v = values[train[k]!]!;
      if (keep(v) && !m.has(v)) m.set(v, m.size + 1);
    }
    return m;
  };
  const users = vocab(p.user, () => true);
  const items = vocab(p.item, (v) => (itemCount.get(v) ?? 0) >= minItemCount);
  const cats = vocab(p.category, () => true);
  return {
    cardinalities: [users.size + 1, items.size + 1, cats.size + 1],
    encode(d, which) {
      const n = which.length;
      const cat = new Int32Array(n * 3);
      const main = new Float32Array(n);
      const aux = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        const r = which[k]!;
        cat[k * 3] = users.get(d.user[r]!) ?? 0;
        cat[k * 3 + 1] = items.get(d.item[r]!) ?? 0;
        cat[k * 3 + 2] = cats.get(d.category[r]!) ?? 0;
        main[k] = d.main[r]!;
        aux[k] = d.aux[r]!;
      }
      return { n, fields: 3, cat, denseDim: 0, dense: new Float32Array(0), labels: [main, aux] };
    },
  };
}
