/**
 * The static columns the fusion network h reads (plugins/sdk/columns.ts names), chosen from what
 * exists on Taobao-like data (user, item, category, behaviour type, time; no brand, rarely a
 * price): popularity by behaviour type (plain and time-decayed), reach, recency, price, the
 * user's category overlap with the item, and the user's history length. Counts enter as log1p.
 */
import { columnLayout } from '../../plugins/sdk/columns';

export const FUSION_COLUMNS: readonly string[] = Object.freeze([
  'log1p(item.stats.view)',
  'log1p(item.stats.view.decayed)',
  'log1p(item.stats.add_to_cart.decayed)',
  'log1p(item.stats.wishlist.decayed)',
  'log1p(item.stats.purchase)',
  'log1p(item.stats.purchase.decayed)',
  'log1p(item.stats.users)',
  'log1p(item.stats.ageDays)',
  'log1p(item.price)',
  'pair.category.overlap',
  'log1p(user.history.length)',
]);

/** The features FUSION_COLUMNS read (what the dpgcn/graph scorer declares for its fusion). */
export const FUSION_FEATURES = columnLayout(FUSION_COLUMNS).features;
