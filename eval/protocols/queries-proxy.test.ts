import { describe, expect, it } from '@jest/globals';
import type { EventType } from '../../domain/events';
import { mulberry32 } from '../../ml/random';
import { buildQueryIndex } from '../../plugins/dpgcn/queries/query-index';
import { dot, rankQueries, recencyWeights } from '../../plugins/dpgcn/queries/rank';
import type { LogRow } from '../datasets/event-log';
import { buildCategoryProxy, categoryText, targetRank } from './queries-proxy';

const HOUR = 3_600_000;
let line = 0;
function row(userId: string, itemId: string, category: string | null, ts: number, type: EventType = 'view'): LogRow {
  line++;
  return {
    event: { eventId: `e${line}`, userId, type, itemId, ts, value: 0, dwellMs: null, session: null, referrer: null, query: null },
    item: { id: itemId, categories: category === null ? [] : [category], title: null, price: null, brand: null },
    line,
  };
}

describe('buildCategoryProxy', () => {
  it("counts categories before the cut, keeps each user's first category at or after it, skips impressions", () => {
    const cut = 10 * HOUR;
    const rows = [
      row('u1', 'i1', 'taobao:12', 1 * HOUR),
      row('u1', 'i2', 'taobao:13', 2 * HOUR),
      row('u2', 'i1', 'taobao:12', 3 * HOUR),
      row('u2', 'i3', 'taobao:14', 4 * HOUR, 'impression'),
      row('u1', 'i3', 'taobao:14', 12 * HOUR),
      row('u1', 'i2', 'taobao:13', 11 * HOUR), // earlier, though later in the file: the target
      row('u3', 'i1', null, 11 * HOUR), // an item whose category comes from another row
      row('u4', 'i9', null, 11 * HOUR), // an item with no category: no target
      row('u2', 'i1', 'taobao:12', 30 * HOUR), // at or after the end
    ];
    const p = buildCategoryProxy(rows, cut, 20 * HOUR);
    expect(categoryText('taobao:2520377')).toBe('2520377');
    expect([...p.counts]).toEqual([
      ['12', 2],
      ['13', 1],
    ]);
    expect([...p.ledTo.get('12')!]).toEqual([['i1', 2]]);
    expect(p.history.get('u1')).toEqual([
      { text: '12', ts: HOUR },
      { text: '13', ts: 2 * HOUR },
    ]);
    expect(Object.fromEntries(p.targets)).toEqual({ u1: '13', u3: '12' });
    expect(p.categoryOf.get('12')).toBe('taobao:12');
  });
});

describe('targetRank', () => {
  it("equals the target's position in rankQueries' full ranking (random index, vectors, recency, prefixes)", () => {
    const rnd = mulberry32(5);
    const dims = 4;
    const texts = Array.from({ length: 120 }, (_, i) => String(1000 + Math.floor(rnd() * 9000)) + (i % 3 === 0 ? '' : String(i)));
    const ix = buildQueryIndex(
      texts.map((text) => ({ text, count: Math.floor(rnd() * 5) })),
      { dims, own: { ids: texts.filter((_, i) => i % 4 !== 0), vectors: Float32Array.from({ length: texts.filter((_, i) => i % 4 !== 0).length * dims }, () => rnd() - 0.5) } },
    );
    const n = ix.texts.length;
    const user = Float32Array.from({ length: dims }, () => rnd() - 0.5);
    const recent = recencyWeights(
      ix,
      Array.from({ length: 8 }, () => ({ text: ix.texts[Math.floor(rnd() * n)]!, ts: Math.floor(rnd() * 100) })),
      100,
      30,
    );
    const dense = new Float64Array(n);
    for (const [p, w] of recent) dense[p] = w;
    const cos = Float64Array.from({ length: n }, (_, i) => (ix.hasVector[i] === 1 ? dot(user, ix.vectors, i * dims, dims) : 0));
    for (const w of [
      { personal: 1, popular: 0.1, recent: 0.5 },
      { personal: 0, popular: 1, recent: 0 },
      { personal: 0, popular: 1e-3, recent: 1 },
    ]) {
      for (let t = 0; t < n; t += 7) {
        for (const chars of [0, 1, 2]) {
          const prefix = ix.texts[t]!.slice(0, chars);
          const [lo, hi] = ix.prefixRange(prefix);
          const full = rankQueries(ix, { vector: user, recent }, prefix, 50, w, 1_000_000);
          const want = full.findIndex((s) => s.text === ix.texts[t]) + 1;
          const got = targetRank(ix, { cos, recent: [dense] }, 0, lo, hi, t, w);
          if (want > 0) expect(got).toBe(want);
          else expect(got).toBeGreaterThan(50);
        }
      }
    }
  });
});
