/**
 * Built-in mapping presets for the generic CSV importer.
 *
 * Taobao UserBehavior (Tianchi dataId 649): header-less `user_id,item_id,category_id,behavior,unix_ts`;
 * behaviours pv/cart/fav/buy -> view/add_to_cart/wishlist/purchase; the category becomes an item
 * category; ids get the prefix `taobao:` (users, items, categories, events); the eventId is
 * `taobao:<user>:<item>:<behavior>:<unix_ts>` (the rows of the public file are unique).
 * Rows outside the official 2017-11-25..12-03 window are kept: they are valid events.
 */
import type { GraphStore } from '../../graph/port';
import { importCsv } from './csv';
import { parseMapping, type CsvMapping } from './mapping';
import type { ImportOptions, ImportSummary } from './types';

export const TAOBAO_MAPPING: CsvMapping = parseMapping({
  name: 'taobao',
  description: 'Taobao UserBehavior (Tianchi dataId 649): header-less user_id,item_id,category_id,behavior,unix_ts',
  delimiter: ',',
  quote: null,
  header: false,
  columns: ['user_id', 'item_id', 'category_id', 'behavior', 'ts'],
  fields: { userId: 'user_id', itemId: 'item_id', category: 'category_id', type: 'behavior', ts: 'ts' },
  tsUnit: 's',
  eventTypes: { pv: 'view', cart: 'add_to_cart', fav: 'wishlist', buy: 'purchase' },
  idPrefix: 'taobao:',
  eventId: { concat: ['user_id', 'item_id', 'behavior', 'ts'], separator: ':' },
});

/** Presets by name (the names `import csv --preset` would accept). */
export const PRESETS: Readonly<Record<string, CsvMapping>> = { taobao: TAOBAO_MAPPING };

/** Import a Taobao UserBehavior file (the full dataset or any head/slice of it). */
export function importTaobao(store: GraphStore, file: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  return importCsv(store, file, TAOBAO_MAPPING, opts);
}
