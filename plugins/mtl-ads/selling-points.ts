/**
 * Selling points: the keywords an ad title may carry ("waterproof", "free shipping", a brand).
 * Pure, no I/O.
 *
 * The candidate list of an item, in this order, normalised (NFKC, lower case, single spaces),
 * first occurrence kept, at most `max` (default MAX_CANDIDATE_SELLING_POINTS = 8):
 *  1. the explicit `sellingPoints` declared on catalogue upsert, in declared order;
 *  2. the brand (when set);
 *  3. each category's last dotted segment (`apparel.outdoor.jackets` -> `jackets`), in the item's
 *     category order, skipping segments that are only digits (numeric category ids say nothing);
 *  4. the title's terms (alphanumeric runs of 3+ characters), skipping stop words and numbers.
 * Every candidate is at most MAX_KEYWORD_LENGTH (32) characters; longer derived ones are dropped.
 */
import { normaliseQuery, termsOf } from '../../domain/events';
import type { ItemRecord } from '../../domain/catalog';
import { MAX_KEYWORD_LENGTH } from '../../domain/validate';

/** Most candidate selling points per item. */
export const MAX_CANDIDATE_SELLING_POINTS = 8;

/** Short function words a title term must not be to count as a selling point. */
const STOP_WORDS: ReadonlySet<string> = new Set(['the', 'and', 'for', 'with', 'from', 'your', 'you', 'our', 'new', 'this', 'that', 'are', 'all', 'per', 'of', 'in', 'on', 'by', 'to', 'a', 'an']);

/** The item's candidate selling points (see the module doc for the rules). */
export function sellingPointsOf(item: Pick<ItemRecord, 'title' | 'categories' | 'brand' | 'sellingPoints'>, max: number = MAX_CANDIDATE_SELLING_POINTS): string[] {
  const out: string[] = [];
  const add = (raw: string): void => {
    if (out.length >= max) return;
    const k = normaliseQuery(raw);
    if (k.length === 0 || k.length > MAX_KEYWORD_LENGTH || out.includes(k)) return;
    out.push(k);
  };
  for (const s of item.sellingPoints ?? []) add(s);
  if (item.brand) add(item.brand);
  for (const c of item.categories) {
    const leaf = c.slice(c.lastIndexOf('.') + 1);
    if (!/^\d+$/.test(leaf)) add(leaf.replace(/[_-]+/g, ' '));
  }
  for (const t of termsOf(item.title)) if (t.length >= 3 && !STOP_WORDS.has(t) && !/^\d+$/.test(t)) add(t);
  return out;
}

/** Every term an ad item matches a query on: its selling points' terms, title terms, brand and category segments. */
export function adTermsOf(item: Pick<ItemRecord, 'title' | 'categories' | 'brand' | 'sellingPoints'>): Set<string> {
  const out = new Set<string>(termsOf(item.title));
  for (const s of item.sellingPoints ?? []) for (const t of termsOf(s)) out.add(t);
  if (item.brand) for (const t of termsOf(item.brand)) out.add(t);
  for (const c of item.categories) for (const seg of c.split('.')) for (const t of termsOf(seg.replace(/[_-]+/g, ' '))) out.add(t);
  return out;
}

/** A highlighted keyword in a rewritten title: [start, end) in UTF-16 code units of `title`. */
export interface HighlightSpan {
  readonly start: number;
  readonly end: number;
  readonly keyword: string;
}

export interface RewrittenTitle {
  readonly title: string;
  readonly highlights: readonly HighlightSpan[];
}

/** Separator between the original title and the appended selling points, and between those. */
export const TITLE_SEPARATOR = ' · ';

/**
 * Rewrite a title to carry `keywords` (in order): a keyword the title already holds as a whole
 * word (case-insensitive) is highlighted where it stands; the others are appended after
 * TITLE_SEPARATOR, each highlighted. Spans are sorted by start and never overlap; no markup is
 * added. An empty title becomes the appended keywords alone.
 */
export function rewriteTitle(title: string, keywords: readonly string[]): RewrittenTitle {
  const base = title.trim();
  const lower = base.toLowerCase();
  const spans: HighlightSpan[] = [];
  const appended: string[] = [];
  const taken = (s: number, e: number): boolean => spans.some((h) => s < h.end && h.start < e);
  for (const k of keywords) {
    let at = -1;
    for (let from = 0; ;) {
      const i = lower.indexOf(k, from);
      if (i < 0) break;
      const before = i === 0 ? '' : lower[i - 1]!;
      const after = lower[i + k.length] ?? '';
      if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after) && !taken(i, i + k.length)) {
        at = i;
        break;
      }
      from = i + 1;
    }
    if (at >= 0 && base.slice(at, at + k.length).toLowerCase() === k) spans.push({ start: at, end: at + k.length, keyword: k });
    else appended.push(k);
  }
  let out = base;
  for (const k of appended) {
    out += out.length === 0 ? '' : TITLE_SEPARATOR;
    spans.push({ start: out.length, end: out.length + k.length, keyword: k });
    out += k;
  }
  spans.sort((a, b) => a.start - b.start);
  return { title: out, highlights: spans };
}
