/**
 * The cold-start buckets of events/temporal (users and items with 1-3 training events), on a
 * hand-computed log. Pure: no I/O.
 */
import type { InteractionEvent } from '../../domain/events';
import type { LogRow } from '../../eval/datasets/event-log';
import { temporalMetricRows } from '../../eval/protocols/temporal-metrics';
import { coldBuckets, splitAtCut } from '../../eval/protocols/temporal-split';
import type { MetricRow } from '../../eval/report/types';

let seq = 0;
const ev = (userId: string, itemId: string, type: InteractionEvent['type'], ts: number): LogRow => ({
  event: { eventId: `e${seq++}`, userId, itemId, type, ts, value: 0, dwellMs: null, session: null, referrer: null, query: null },
  item: null,
  line: seq,
});

// Training (ts < 100): u1 has 2 events (cold), u2 has 10; item `cold` has 2 events, `hot` 6, `other` 4.
const rows: LogRow[] = [
  ev('u1', 'hot', 'view', 1),
  ev('u1', 'cold', 'view', 2),
  ...Array.from({ length: 5 }, (_, i) => ev('u2', 'hot', 'view', 10 + i)),
  ev('u2', 'cold', 'view', 20),
  ...Array.from({ length: 4 }, (_, i) => ev('u2', 'other', 'view', 30 + i)),
  // Window [100, 200): u3 has no training event (history:0, in no cold-user bucket).
  ev('u1', 'cold', 'click', 101),
  ev('u1', 'hot', 'click', 102),
  ev('u2', 'hot', 'click', 103),
  ev('u2', 'cold', 'click', 104),
  ev('u3', 'hot', 'click', 105),
];
const split = splitAtCut(rows, 100, 200);
const buckets = coldBuckets(split, 3);

const metrics = temporalMetricRows({
  model: 'm',
  ks: [1, 2],
  segmentK: 2,
  windows: split.windows,
  segmentOf: () => 'history:1-29',
  lists: new Map([
    ['u1', ['hot', 'x']],
    ['u2', ['cold', 'hot']],
    ['u3', ['hot']],
  ]),
  // AUC candidates: the touched items plus one negative each.
  pairs: new Map([
    ['u1', { itemIds: ['cold', 'hot', 'n1'], scores: [1, 3, 2] }],
    ['u2', { itemIds: ['hot', 'cold', 'n2'], scores: [1, 3, 0] }],
    ['u3', { itemIds: ['hot', 'n3'], scores: [1, 0] }],
  ]),
  catalogueSize: 10,
  trainUsers: 2,
  categories: () => [],
  interactedUsers: () => 1,
  buckets,
  intervals: { seed: 1, resamples: 200 },
});
const row = (metric: string, segment: string | undefined, k?: number): MetricRow | undefined => metrics.find((r) => r.metric === metric && r.target === 'click' && r.segment === segment && r.k === k);

describe('events/temporal cold-start buckets', () => {
  it('counts training events per item and labels the buckets by the bound', () => {
    expect(split.trainItemEvents.get('cold')).toBe(2);
    expect(split.trainItemEvents.get('hot')).toBe(6);
    expect(split.trainItemEvents.get('other')).toBe(4);
    expect(buckets.map((b) => b.label)).toEqual(['cold-users:1-3', 'cold-items:1-3']);
    expect(['u1', 'u2', 'u3'].filter(buckets[0]!.user!)).toEqual(['u1']);
    expect(['cold', 'hot', 'other', 'unseen'].filter(buckets[1]!.item!)).toEqual(['cold']);
  });

  it('evaluates the cold users exactly as all users, with intervals', () => {
    // u1: list [hot, x], relevant {cold, hot}.
    expect(row('precision', 'cold-users:1-3', 1)).toMatchObject({ value: 1, n: 1 });
    expect(row('ndcg', 'cold-users:1-3', 2)!.value).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 5);
    expect(row('ndcg', 'cold-users:1-3', 2)!.ci).toBeDefined();
    // u1's pairs: positives cold(1), hot(3) against n1(2).
    expect(row('auc', 'cold-users:1-3')).toMatchObject({ value: 0.5, n: 3 });
    expect(row('gauc', 'cold-users:1-3')).toMatchObject({ value: 0.5, n: 1 });
    // Overall for comparison: every first item is relevant, three users judged.
    expect(row('precision', undefined, 1)).toMatchObject({ value: 1, n: 3 });
  });

  it('restricts the truth to cold positives for the list metrics', () => {
    // Cold truth: u1 {cold}, u2 {cold}, u3 none (not averaged).
    expect(row('precision', 'cold-items:1-3', 1)).toMatchObject({ value: 0.5, n: 2 });
    expect(row('recall', 'cold-items:1-3', 2)).toMatchObject({ value: 0.5, n: 2 });
    expect(row('ndcg', 'cold-items:1-3', 1)).toMatchObject({ value: 0.5, n: 2 });
    expect(row('precision', 'cold-items:1-3', 1)!.ci).toBeDefined();
  });

  it('keeps only the AUC pairs whose positive is a cold item; the negatives stay', () => {
    // Non-cold positives (hot) are dropped: positives {1 (u1), 3 (u2)}, negatives {2, 0, 0 (u3's n3)}.
    expect(row('auc', 'cold-items:1-3')!.value).toBeCloseTo(5 / 6, 5);
    expect(row('auc', 'cold-items:1-3')!.n).toBe(5);
    // Per user: u1 cold(1) vs n1(2) = 0; u2 cold(3) vs n2(0) = 1; u3 has no cold positive.
    expect(row('gauc', 'cold-items:1-3')).toMatchObject({ value: 0.5, n: 2 });
    // The overall AUC keeps every positive.
    expect(row('auc', undefined)!.value).not.toBe(row('auc', 'cold-items:1-3')!.value);
  });
});
