/**
 * The demo catalogue: 20 categories with generated brands, items with log-normal prices and Zipf
 * popularity, created over time, and users with demographics and 2-3 preferred categories.
 * Everything is marked as demo data: ids `demo-u-0001` / `demo-i-0001` / `demo-c-shoes`, titles
 * starting with "[demo]", and `demographics.source = 'demo'`.
 */
import type { ItemRecord, UserRecord } from '../domain/catalog';
import type { Rng } from './prng';

export const DAY_MS = 24 * 3600 * 1000;

interface CategorySpec {
  readonly slug: string;
  readonly nouns: readonly string[];
  /** Median unit price. */
  readonly median: number;
  /** Spread of log(price). */
  readonly sigma: number;
  /** Relative share of the catalogue and of users' interest. */
  readonly weight: number;
}

const CATEGORIES: readonly CategorySpec[] = [
  { slug: 'shoes', nouns: ['Running Shoes', 'Sneakers', 'Hiking Boots', 'Sandals', 'Loafers'], median: 80, sigma: 0.4, weight: 1.4 },
  { slug: 'apparel', nouns: ['T-Shirt', 'Hoodie', 'Jeans', 'Rain Jacket', 'Summer Dress'], median: 40, sigma: 0.5, weight: 1.8 },
  { slug: 'electronics', nouns: ['Headphones', 'Bluetooth Speaker', 'Smartwatch', 'E-Reader', 'Power Bank'], median: 120, sigma: 0.7, weight: 1.3 },
  { slug: 'phones', nouns: ['Smartphone', 'Phone Case', 'Fast Charger', 'Screen Protector'], median: 60, sigma: 1.2, weight: 1.0 },
  { slug: 'computers', nouns: ['Laptop', 'Mechanical Keyboard', 'Wireless Mouse', 'Monitor', 'USB Hub'], median: 150, sigma: 1.0, weight: 0.9 },
  { slug: 'home', nouns: ['Table Lamp', 'Throw Pillow', 'Wall Clock', 'Wool Rug', 'Glass Vase'], median: 35, sigma: 0.6, weight: 1.2 },
  { slug: 'kitchen', nouns: ['Chef Knife', 'Frying Pan', 'Coffee Grinder', 'Blender', 'Kettle'], median: 45, sigma: 0.6, weight: 1.1 },
  { slug: 'beauty', nouns: ['Face Cream', 'Lipstick', 'Shampoo', 'Perfume', 'Vitamin Serum'], median: 25, sigma: 0.6, weight: 1.2 },
  { slug: 'sports', nouns: ['Yoga Mat', 'Dumbbells', 'Tennis Racket', 'Bike Helmet', 'Water Bottle'], median: 35, sigma: 0.7, weight: 0.9 },
  { slug: 'outdoor', nouns: ['Tent', 'Sleeping Bag', 'Hiking Backpack', 'Camping Stove', 'Headlamp'], median: 70, sigma: 0.7, weight: 0.7 },
  { slug: 'toys', nouns: ['Jigsaw Puzzle', 'Building Blocks', 'Plush Bear', 'Board Game', 'RC Car'], median: 25, sigma: 0.6, weight: 0.8 },
  { slug: 'books', nouns: ['Novel', 'Cookbook', 'Travel Guide', 'Comic', 'Biography'], median: 15, sigma: 0.4, weight: 1.0 },
  { slug: 'grocery', nouns: ['Coffee Beans', 'Green Tea', 'Olive Oil', 'Dark Chocolate', 'Granola'], median: 10, sigma: 0.5, weight: 1.1 },
  { slug: 'pets', nouns: ['Dog Food', 'Cat Toy', 'Pet Bed', 'Dog Leash', 'Aquarium Filter'], median: 25, sigma: 0.6, weight: 0.7 },
  { slug: 'garden', nouns: ['Garden Hose', 'Pruning Shears', 'Planter', 'Seed Kit', 'Watering Can'], median: 25, sigma: 0.6, weight: 0.5 },
  { slug: 'baby', nouns: ['Stroller', 'Baby Monitor', 'Diapers', 'Bottle Set', 'Baby Carrier'], median: 50, sigma: 0.9, weight: 0.5 },
  { slug: 'jewelry', nouns: ['Necklace', 'Earrings', 'Silver Ring', 'Bracelet', 'Wristwatch'], median: 90, sigma: 0.9, weight: 0.6 },
  { slug: 'automotive', nouns: ['Car Vacuum', 'Dash Cam', 'Seat Cover', 'Tire Inflator', 'Phone Mount'], median: 40, sigma: 0.6, weight: 0.5 },
  { slug: 'music', nouns: ['Acoustic Guitar', 'Ukulele', 'Digital Piano', 'Guitar Strings', 'Microphone'], median: 110, sigma: 1.0, weight: 0.4 },
  { slug: 'gaming', nouns: ['Game Controller', 'Gaming Headset', 'Gaming Mouse', 'Console Stand', 'Gift Card'], median: 60, sigma: 0.6, weight: 0.9 },
];

const ADJECTIVES = ['Classic', 'Pro', 'Lite', 'Eco', 'Compact', 'Deluxe', 'Everyday', 'Premium', 'Essential', 'Urban', 'Nova', 'Prime'];
const COLOURS = ['Black', 'White', 'Navy', 'Red', 'Olive', 'Grey', 'Sand', 'Blue', 'Green', 'Rose'];
const BRAND_HEADS = ['Nor', 'Ala', 'Vel', 'Quin', 'Bri', 'Cor', 'Lum', 'Tal', 'Ore', 'Zen', 'Kai', 'Mar', 'Sol', 'Fen', 'Ria', 'Dax'];
const BRAND_TAILS = ['dex', 'ora', 'wick', 'ton', 'via', 'mont', 'stone', 'field', 'ware', 'lux', 'berg', 'nest'];
const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'];
const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const GENDERS = ['female', 'male', 'other'];

export interface DemoCategory {
  readonly id: string;
  readonly spec: CategorySpec;
  readonly brands: readonly string[];
}

/** An item plus what the behaviour model needs about it. */
export interface DemoItem {
  readonly record: ItemRecord;
  readonly category: number;
  readonly noun: string;
  /** Zipf popularity weight (larger: more often chosen). */
  readonly popularity: number;
}

export interface DemoUser {
  readonly record: UserRecord;
  /** Preferred category indexes with their weights (2-3 entries). */
  readonly prefs: readonly { readonly category: number; readonly weight: number }[];
  /** How active the user is: the expected number of sessions in the window. */
  readonly activity: number;
}

/** Zero-padded id number, at least 4 digits: `demo-u-0001`. */
export function demoId(kind: 'u' | 'i', n: number, total: number): string {
  return `demo-${kind}-${String(n).padStart(Math.max(4, String(total).length), '0')}`;
}

export function categoryWeights(): number[] {
  return CATEGORIES.map((c) => c.weight);
}

export function makeCategories(rng: Rng): DemoCategory[] {
  const used = new Set<string>();
  return CATEGORIES.map((spec) => {
    const brands: string[] = [];
    while (brands.length < 4) {
      const name = rng.pick(BRAND_HEADS) + rng.pick(BRAND_TAILS);
      if (!used.has(name)) {
        used.add(name);
        brands.push(name);
      }
    }
    return { id: `demo-c-${spec.slug}`, spec, brands };
  });
}

/**
 * Items: category by catalogue share, log-normal price (x.99 or whole), Zipf popularity over a
 * shuffled rank, 40% created in the window (fresh items exist), the rest up to a year before it,
 * ~3% unavailable.
 */
export function makeItems(rng: Rng, cats: readonly DemoCategory[], n: number, windowStart: number, now: number): DemoItem[] {
  const weights = categoryWeights();
  const ranks = rng.sample(n, n);
  return Array.from({ length: n }, (_, i) => {
    const category = rng.weighted(weights);
    const cat = cats[category] as DemoCategory;
    const noun = rng.pick(cat.spec.nouns);
    const brand = rng.pick(cat.brands);
    const raw = rng.logNormal(Math.log(cat.spec.median), cat.spec.sigma);
    const price = raw < 20 ? Math.max(1, Math.round(raw)) - 0.01 : Math.round(raw);
    const createdAt = rng.chance(0.4) ? windowStart + Math.floor(rng.next() * (now - windowStart)) : windowStart - Math.floor(rng.next() * 365 * DAY_MS);
    const title = `[demo] ${brand} ${rng.pick(ADJECTIVES)} ${noun}, ${rng.pick(COLOURS)}`;
    return {
      record: {
        id: demoId('i', i + 1, n),
        title,
        categories: [cat.id],
        brand,
        price: Math.round(price * 100) / 100,
        available: !rng.chance(0.03),
        createdAt,
      },
      category,
      noun,
      popularity: 1 / Math.pow((ranks[i] as number) + 1, 1.05),
    };
  });
}

/** Users: demographics tagged `source: demo`, 2-3 preferred categories, log-normal activity. */
export function makeUsers(rng: Rng, cats: readonly DemoCategory[], n: number, days: number): DemoUser[] {
  const weights = categoryWeights();
  return Array.from({ length: n }, (_, i) => {
    const k = rng.chance(0.5) ? 2 : 3;
    const chosen: number[] = [];
    while (chosen.length < k) {
      const c = rng.weighted(weights);
      if (!chosen.includes(c)) chosen.push(c);
    }
    const share = k === 2 ? [0.6, 0.4] : [0.5, 0.3, 0.2];
    const prefs = chosen.map((category, j) => ({ category, weight: share[j] as number }));
    const record: UserRecord = {
      id: demoId('u', i + 1, n),
      demographics: { source: 'demo', ageBand: rng.pick(AGE_BANDS), region: rng.pick(REGIONS), gender: rng.pick(GENDERS) },
      // About 60% of users stated their interests; the others only show them by behaviour.
      preferences: rng.chance(0.6) ? chosen.map((c) => (cats[c] as DemoCategory).id) : [],
    };
    const activity = Math.min(days * 2, 1 + rng.logNormal(Math.log(2.5), 0.8) * (days / 30));
    return { record, prefs, activity };
  });
}
