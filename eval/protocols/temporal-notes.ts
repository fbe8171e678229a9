/**
 * The protocol statement of events/temporal, in words, with the figures a reader needs to judge
 * the numbers (exact cut, what counts as a click, how much of the truth is reachable at all).
 */
import type { EventLog } from '../datasets/event-log';
import { taobaoLocalTime } from '../datasets/taobao';
import { EVAL_SCORER_TIMEOUT_MS } from './support';
import type { TemporalSplit } from './temporal-split';

export interface TemporalNoteInput {
  readonly split: TemporalSplit;
  readonly window: { readonly start: number; readonly end: number };
  readonly file: string;
  /** What the log was read from. */
  readonly source: 'preset' | 'csv' | 'db';
  /** Show times in the Taobao log's local time (UTC+8). */
  readonly localTime: boolean;
  readonly ks: readonly number[];
  readonly segmentK: number;
  readonly negatives: number;
  readonly health: readonly string[];
  readonly log: EventLog;
  readonly loadMs: number;
  /** Whether the reference/* rows are in the report. */
  readonly references: boolean;
  /** Whether every strategy:* model has the same retrievers and re-ranking (only the scorers differ). */
  readonly sameRecipe: boolean;
  /** Bootstrap resamples of the intervals (0: none). */
  readonly resamples: number;
  readonly seed: number;
  /** Upper bound of the cold-start buckets (training events). */
  readonly coldMax: number;
}

const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');

/** Share of window positives that repeat a training item of the user, or are unseen in training. */
function reach(split: TemporalSplit, pick: 'purchased' | 'clicked'): { total: number; repeat: number; unseen: number; rebought: number } {
  const bought = new Map<string, Set<string>>();
  for (const r of split.train) {
    if (r.event.type !== 'purchase' || r.event.itemId === null) continue;
    let s = bought.get(r.event.userId);
    if (s === undefined) bought.set(r.event.userId, (s = new Set()));
    s.add(r.event.itemId);
  }
  let total = 0;
  let repeat = 0;
  let unseen = 0;
  let rebought = 0;
  for (const [u, w] of split.windows) {
    for (const id of w[pick]) {
      total += 1;
      if (split.trainItemsOf.get(u)?.has(id)) repeat += 1;
      if (!split.trainItems.has(id)) unseen += 1;
      if (bought.get(u)?.has(id)) rebought += 1;
    }
  }
  return { total, repeat, unseen, rebought };
}

/** How the cold-start buckets are formed, with their sizes. */
function coldNote(split: TemporalSplit, coldMax: number, segmentK: number): string {
  const cold = (n: number | undefined): boolean => n !== undefined && n >= 1 && n <= coldMax;
  const ws = [...split.windows.entries()];
  const users = ws.filter(([u]) => cold(split.trainEvents.get(u)));
  const count = (pick: 'purchased' | 'clicked'): { users: number; pairs: number; all: number } => {
    let usersWith = 0;
    let pairs = 0;
    let all = 0;
    for (const [, w] of ws) {
      const n = [...w[pick]].filter((id) => cold(split.trainItemEvents.get(id))).length;
      all += w[pick].size;
      pairs += n;
      if (n > 0) usersWith += 1;
    }
    return { users: usersWith, pairs, all };
  };
  const c = count('clicked');
  const p = count('purchased');
  const b = `1-${coldMax}`;
  return `Cold start (segments cold-users:${b} and cold-items:${b}, every overall metric with the same intervals): cold-users:${b} = the ${users.length} test users (of ${split.windows.size}) with ${b} training events, evaluated exactly as all users; users with no training event are history:0, not in it. cold-items:${b} = positives whose item has ${b} training events (any behaviour, any user): ${c.pairs} of ${c.all} click pairs (${c.users} users) and ${p.pairs} of ${p.all} purchase pairs (${p.users} users). For P/R/NDCG@K the relevant set of a user is restricted to those items (users with none are not averaged; Precision@K = cold hits / K); AUC/GAUC keep the pairs whose positive is a cold item (other positives are dropped from the user's candidates, the sampled negatives stay). The history:* segment rows (ndcg@${segmentK}, GAUC) are unchanged.`;
}

export function temporalNotes(x: TemporalNoteInput): string[] {
  const { split, window } = x;
  const local = x.localTime;
  const when = (ms: number): string => (local ? `${taobaoLocalTime(ms)} (${ms / 1000} s)` : `${new Date(ms).toISOString()} (${ms / 1000} s)`);
  const before = split.train.filter((r) => r.event.ts < window.start).length;
  const click = reach(split, 'clicked');
  const buy = reach(split, 'purchased');
  const purchaseUsers = [...split.windows.values()].filter((w) => w.purchased.size > 0).length;
  const clickUsers = [...split.windows.values()].filter((w) => w.clicked.size > 0).length;
  return [
    `Global time cut at ${when(split.cut)}; evaluation window [cut, ${when(window.end)}). Training = the ${split.train.length} events before the cut (including ${before} rows dated before the official window start ${when(window.start)}, kept as the importer keeps them), loaded into a fresh embedded GraphStore (temp SQLite file) through the importer's batching sink in ${x.loadMs} ms; ${split.evalEvents} events fall in the evaluation window, ${split.afterEnd} after it (unused). ${x.source === 'db' ? `Store: ${x.file} (${x.log.lines} stored item interactions, read with scanInteractions and the item records).` : `File: ${x.file} (${x.log.lines} lines converted by the importer's row converter and validateEvent, ${x.log.rowErrors.length} rejected rows).`}`,
    `${
      x.source === 'preset' && x.localTime
        ? 'Targets: "purchase" = Taobao buy; "click" = Taobao pv, which the importer maps to the event type view (Taobao logs no separate click).'
        : 'Targets: "purchase" = events of type purchase; "click" = events of type click or view (a product view counts as a click).'
    } Relevant items of a user = distinct items with that behaviour in the evaluation window. Test users = the ${split.windows.size} users with any event in the window; ${purchaseUsers} have a purchase, ${clickUsers} a click.`,
    `Feed metrics: each test user gets one feed of ${x.ks[x.ks.length - 1]} items from the real FeedService.feed({ userId, limit }) (createScorerRegistry + the model's strategy; data time = the newest training event); @K metrics use its first K items (MMR and the category cap pick greedily, so they equal a feed of limit K). Precision@K = hits/K; Recall@K = hits/|relevant|; NDCG@K with binary relevance and ideal DCG over min(K, |relevant|); means over the users with at least one relevant item (n).`,
    `AUC/GAUC: per test user the candidate set = the items they touched in the window (any behaviour) that exist in the training data (items unseen in training have no features and are left out), plus ${x.negatives} items sampled uniformly (seeded) from the training catalogue among those they did not touch; label = purchased (resp. clicked) in the window; score = the strategy's blended score from the pipeline's loadFeatures -> runScorers -> blend (per-request min-max and weights, before re-ranking), the neighbourhood walk keeping every walked neighbour. AUC pools all pairs (n = pairs; ties count 1/2); GAUC = per-user AUC weighted by the user's labelled pairs, over users with both classes (n = users).`,
    `Coverage@K = distinct items in all top-K lists / items in the training catalogue. Diversity@K = mean over lists of 1 - mean pairwise Jaccard of item categories. Novelty@K = mean over lists of the mean -log2 p(item), p = (training users who interacted with it + 1) / (training users + 1). Segment rows: ndcg@${x.segmentK} and GAUC by the user's number of training events.`,
    `Reachability: of ${click.total} (user, clicked item) pairs in the window, ${pct(click.repeat, click.total)} are items the user already interacted with before the cut (only the "recent" retriever, where a strategy enables it, and trending propose a user's own items; the neighbourhood walk never does) and ${pct(click.unseen, click.total)} are items absent from training (no model here can recommend them). Of ${buy.total} purchase pairs, ${pct(buy.repeat, buy.total)} repeat a training item, ${pct(buy.unseen, buy.total)} are unseen in training, ${pct(buy.rebought, buy.total)} re-buy an item bought before the cut (the feed excludes purchased items).`,
    coldNote(split, x.coldMax, x.segmentK),
    ...(x.resamples > 0
      ? [
          `Intervals: the overall P@K, NDCG@K and GAUC rows carry a 95% percentile bootstrap interval over test users (${x.resamples} resamples of the users the value averages over, seed ${x.seed}; GAUC resampled with each user's pair weight), the randomness of which users happened to be in the window; it ignores the negative sampling. Two models whose intervals do not overlap differ clearly; overlapping intervals alone do not show that they are equal (the models are scored on the same users, a paired comparison is sharper).`,
        ]
      : []),
    `Scorer deadlines are raised to ${EVAL_SCORER_TIMEOUT_MS} ms offline so that a busy CPU cannot drop a scorer and make runs differ. ${x.health.length === 0 ? 'No scorer was dropped in any feed or pair scoring.' : x.health.join(' ')}`,
    `${x.sameRecipe ? 'The strategy:* models share the same retrievers and re-ranking, so their comparison isolates the scorers.' : 'The strategy:* models differ in more than their scorers: read their retrievers and diversity params before comparing them.'}${x.references ? " The reference/* rows are computed straight from the training events, not through the gateway (popularity: most training events; recent-items: the user's own latest items, re-targeting with no scorer and no re-ranking); they show what the gateway's retrieval, blending and diversity re-ranking gain or lose against plain rules." : ''}`,
  ];
}
