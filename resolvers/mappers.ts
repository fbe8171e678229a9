/** Domain records -> schema objects. */
import type { ItemRecord, UserRecord } from '../domain/catalog';
import type { Item, User } from '../schema/catalog';

export function toItem(r: ItemRecord): Item {
  return {
    id: r.id,
    title: r.title,
    categories: [...r.categories],
    brand: r.brand,
    price: r.price,
    available: r.available,
    createdAt: new Date(r.createdAt),
    sellingPoints: [...(r.sellingPoints ?? [])],
  };
}

export function toUser(r: UserRecord): User {
  return {
    id: r.id,
    demographics: Object.entries(r.demographics).map(([key, value]) => ({ key, value })),
    preferences: [...r.preferences],
  };
}
