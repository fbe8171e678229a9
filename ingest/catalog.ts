/**
 * Validation of catalogue upserts (users, items, queries). Each function returns records ready
 * for the store, or throws a BAD_USER_INPUT GraphQL error naming the first offending field.
 * Upserts are all-or-nothing per call.
 */
import { normaliseQuery, termsOf } from '../domain/events';
import type { ItemRecord, QueryRecord, UserRecord } from '../domain/catalog';
import { checkId, checkKeyword, MAX_QUERY_LENGTH } from '../domain/validate';
import { badInput } from '../errors/errors';

/** Most records accepted by one upsert call. */
export const MAX_UPSERT_BATCH = 1000;
/** Most explicit selling points per item (each at most MAX_KEYWORD_LENGTH characters). */
export const MAX_SELLING_POINTS = 8;
const MAX_TEXT = 1024;
const MAX_LIST = 100;

function id(field: string, v: string): string {
  const c = checkId(field, v);
  if (!c.ok) throw badInput(c.problem.field, c.problem.message);
  return c.value;
}

function list(field: string, v: readonly string[] | undefined): string[] {
  if (!v) return [];
  if (v.length > MAX_LIST) throw badInput(field, `at most ${MAX_LIST} entries`);
  return v.map((x, i) => id(`${field}[${i}]`, x));
}

function batch<T>(field: string, v: readonly T[]): void {
  if (v.length === 0) throw badInput(field, 'must not be empty');
  if (v.length > MAX_UPSERT_BATCH) throw badInput(field, `at most ${MAX_UPSERT_BATCH} records per call (got ${v.length})`);
}

export interface UserUpsert {
  id: string;
  demographics?: ReadonlyArray<{ key: string; value: string }> | undefined;
  preferences?: readonly string[] | undefined;
}

export function toUserRecords(users: readonly UserUpsert[]): UserRecord[] {
  batch('users', users);
  return users.map((u, i) => {
    const demographics: Record<string, string> = {};
    for (const [j, kv] of (u.demographics ?? []).entries()) {
      const key = id(`users[${i}].demographics[${j}].key`, kv.key);
      if (kv.value.length > MAX_TEXT) throw badInput(`users[${i}].demographics[${j}].value`, `at most ${MAX_TEXT} characters`);
      demographics[key] = kv.value;
    }
    return { id: id(`users[${i}].id`, u.id), demographics, preferences: list(`users[${i}].preferences`, u.preferences) };
  });
}

export interface ItemUpsert {
  id: string;
  title?: string | undefined;
  categories?: readonly string[] | undefined;
  brand?: string | undefined;
  price?: number | undefined;
  available?: boolean | undefined;
  createdAt?: Date | undefined;
  /** Explicit selling-point keywords: at most MAX_SELLING_POINTS, each 1..MAX_KEYWORD_LENGTH (32) characters; stored normalised, deduplicated. */
  sellingPoints?: readonly string[] | undefined;
}

/** Validate explicit selling points: bounded count and length, normalised, first occurrence kept. */
function sellingPoints(field: string, v: readonly string[] | undefined | null): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (v.length > MAX_SELLING_POINTS) throw badInput(field, `at most ${MAX_SELLING_POINTS} selling points (got ${v.length})`);
  const out: string[] = [];
  v.forEach((x, j) => {
    const k = checkKeyword(`${field}[${j}]`, x);
    if (!k.ok) throw badInput(k.problem.field, k.problem.message);
    if (!out.includes(k.value)) out.push(k.value);
  });
  return out;
}

export function toItemRecords(items: readonly ItemUpsert[], now: number): ItemRecord[] {
  batch('items', items);
  return items.map((it, i) => {
    const f = `items[${i}]`;
    if ((it.title ?? '').length > MAX_TEXT) throw badInput(`${f}.title`, `at most ${MAX_TEXT} characters`);
    if (it.price !== undefined && it.price !== null && (!Number.isFinite(it.price) || it.price < 0)) {
      throw badInput(`${f}.price`, `must be a non-negative number (got ${it.price})`);
    }
    const createdAt = it.createdAt ? it.createdAt.getTime() : now;
    if (!Number.isFinite(createdAt)) throw badInput(`${f}.createdAt`, 'is not a valid date');
    const points = sellingPoints(`${f}.sellingPoints`, it.sellingPoints);
    return {
      ...(points !== undefined && points.length > 0 ? { sellingPoints: points } : {}),
      id: id(`${f}.id`, it.id),
      title: (it.title ?? '').trim(),
      categories: list(`${f}.categories`, it.categories),
      brand: it.brand ? id(`${f}.brand`, it.brand) : null,
      price: it.price ?? null,
      available: it.available ?? true,
      createdAt,
    };
  });
}

export function toQueryRecords(queries: ReadonlyArray<{ text: string }>): QueryRecord[] {
  batch('queries', queries);
  return queries.map((q, i) => {
    const text = normaliseQuery(q.text);
    if (text.length === 0) throw badInput(`queries[${i}].text`, 'must not be empty');
    if (text.length > MAX_QUERY_LENGTH) throw badInput(`queries[${i}].text`, `at most ${MAX_QUERY_LENGTH} characters`);
    return { text, terms: termsOf(text) };
  });
}
