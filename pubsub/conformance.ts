/**
 * The ValueChangeLog conformance suite: the behaviours every adapter must show, registered as
 * jest tests. An adapter's test file calls it with a function that opens a fresh log in its own
 * namespace (for Redis: a unique stream key on a test Redis).
 *
 * Waits poll for an observable state with a deadline instead of sleeping, except where the
 * absence of a delivery is the thing checked. Behaviours that need two processes (two logs on one
 * Redis) are adapter-specific and live in test/pubsub/redis.int.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { sleep, until } from '../test/support/wait';
import type { ValueChange } from '../domain/user-value';
import { compareCursors, parseCursor } from './cursor';
import type { LoggedChange, ValueChangeLog } from './port';

export interface ValueChangeLogHarness {
  readonly log: ValueChangeLog;
  /** Close the log (again: `close` is idempotent) and release what the harness opened. */
  cleanup(): Promise<void>;
}

export type OpenValueChangeLog = (opts?: { retentionMs?: number }) => Promise<ValueChangeLogHarness>;

/** A change that differs by `i` in every numeric field (fractions and nulls included). */
export function sampleChange(i: number, over: Partial<ValueChange> = {}): ValueChange {
  return {
    userId: `u-${i}`,
    segment: i % 2 === 0 ? 'high-value' : 'at-risk',
    previousSegment: i % 3 === 0 ? null : 'new',
    value: 10 + i + 0.125,
    previousValue: i % 3 === 0 ? null : 5.5,
    delta: 10 + i + 0.125 - (i % 3 === 0 ? 0 : 5.5),
    purchaseProbability: 0.01 * (i % 100),
    modelVersion: 'duve/value@1',
    reason: i % 2 === 0 ? 'event' : 'refresh',
    asOf: Date.UTC(2026, 10, 22) + i * 1000,
    ...over,
  };
}

const range = (from: number, n: number): ValueChange[] => Array.from({ length: n }, (_, k) => sampleChange(from + k));

async function withLog(open: OpenValueChangeLog, fn: (log: ValueChangeLog) => Promise<void>, opts?: { retentionMs?: number }): Promise<void> {
  const h = await open(opts);
  try {
    await fn(h.log);
  } finally {
    await h.cleanup();
  }
}

/** Register the suite as `describe(`ValueChangeLog conformance: ${name}`)`. */
export function describeValueChangeLogConformance(name: string, open: OpenValueChangeLog): void {
  describe(`ValueChangeLog conformance: ${name}`, () => {
    it('returns one <ms>-<seq> cursor per change, strictly increasing across appends', () =>
      withLog(open, async (log) => {
        const before = Date.now();
        const a = await log.append([sampleChange(1)]);
        const b = await log.append(range(2, 5));
        const none = await log.append([]);
        expect([a.length, b.length, none]).toEqual([1, 5, []]);
        const parsed = [...a, ...b].map((c) => parseCursor(c));
        expect(parsed.every((c) => c !== undefined)).toBe(true);
        for (let i = 1; i < parsed.length; i++) expect(compareCursors(parsed[i - 1]!, parsed[i]!)).toBeLessThan(0);
        // The ms part is the log's clock at append (Redis's clock on Redis: same machine here).
        expect(Math.abs(parsed[0]!.ms - before)).toBeLessThan(5_000);
      }));

    it('delivers changes appended after a live subscribe, in order and intact, and none from before', () =>
      withLog(open, async (log) => {
        await log.append(range(0, 2));
        const got: LoggedChange[] = [];
        const stop = await log.subscribe(undefined, (c) => got.push(c));
        const changes = range(10, 3);
        const cursors = [...(await log.append(changes.slice(0, 1))), ...(await log.append(changes.slice(1)))];
        await until('three changes', () => got.length >= 3);
        await sleep(30);
        stop();
        expect(got.map((g) => g.cursor)).toEqual(cursors);
        expect(got.map((g) => g.change)).toEqual(changes);
        expect(got.map((g) => g.loggedAt)).toEqual(cursors.map((c) => parseCursor(c)!.ms));
      }));

    it('replays from a cursor then goes live, with no gap or duplicate while appends race the subscribe', () =>
      withLog(open, async (log) => {
        const first = await log.append(range(0, 20));
        const raced: string[] = [];
        const appender = (async () => {
          for (let i = 0; i < 30; i++) raced.push(...(await log.append([sampleChange(100 + i)])));
        })();
        const got: string[] = [];
        const stop = await log.subscribe(first[4], (c) => got.push(c.cursor));
        await appender;
        const expected = [...first.slice(5), ...raced];
        await until(`${expected.length} changes`, () => got.length >= expected.length);
        await sleep(30);
        stop();
        expect(got).toEqual(expected);
      }));

    it('resumes after a disconnect with exactly the changes missed, then live ones', () =>
      withLog(open, async (log) => {
        const firstRun: string[] = [];
        const stop = await log.subscribe(undefined, (c) => firstRun.push(c.cursor));
        const seen = await log.append(range(0, 3));
        await until('three changes', () => firstRun.length === 3);
        stop();
        stop(); // idempotent
        const missed = await log.append(range(3, 4));
        await sleep(50);
        expect(firstRun).toEqual(seen); // nothing after unsubscribe
        const secondRun: string[] = [];
        const stop2 = await log.subscribe(firstRun[firstRun.length - 1], (c) => secondRun.push(c.cursor));
        const live = await log.append(range(7, 2));
        await until('six changes', () => secondRun.length >= 6);
        await sleep(30);
        stop2();
        expect(secondRun).toEqual([...missed, ...live]);
      }));

    it('fans out every change once to each of many subscribers', () =>
      withLog(open, async (log) => {
        const got: string[][] = Array.from({ length: 50 }, () => []);
        const stops = await Promise.all(got.map((list) => log.subscribe(undefined, (c) => list.push(c.cursor))));
        const cursors = [...(await log.append(range(0, 4))), ...(await log.append(range(4, 6)))];
        await until('every subscriber has ten', () => got.every((l) => l.length >= 10));
        await sleep(30);
        stops.forEach((s) => s());
        for (const list of got) expect(list).toEqual(cursors);
      }));

    it('rejects a cursor older than the retention window with CURSOR_EXPIRED, and resumes a recent one', () =>
      withLog(
        open,
        async (log) => {
          const [old] = await log.append([sampleChange(1)]);
          await sleep(450);
          const [recent] = await log.append([sampleChange(2)]);
          const [next] = await log.append([sampleChange(3)]);
          await expect(log.subscribe(old, () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED', details: { field: 'after' } });
          const got: string[] = [];
          const stop = await log.subscribe(recent, (c) => got.push(c.cursor));
          await until('the change after the recent cursor', () => got.length >= 1);
          stop();
          expect(got).toEqual([next]);
        },
        { retentionMs: 300 },
      ));

    it('rejects a malformed cursor with BAD_USER_INPUT and a cursor the log never issued with CURSOR_EXPIRED', () =>
      withLog(open, async (log) => {
        await log.append([sampleChange(1)]);
        for (const bad of ['abc', '12', '1-2-3', '01-1', '-1-0', '1.5-0', '']) {
          await expect(log.subscribe(bad, () => undefined)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
        }
        const future = `${Date.now() + 3_600_000}-0`;
        await expect(log.subscribe(future, () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED', details: { field: 'after' } });
      }));

    it('ends only the subscription whose listener throws', () =>
      withLog(open, async (log) => {
        const ends: (Error | undefined)[] = [];
        let calls = 0;
        await log.subscribe(
          undefined,
          () => {
            calls++;
            throw new Error('listener bug');
          },
          (err) => ends.push(err),
        );
        const healthy: string[] = [];
        const stop = await log.subscribe(undefined, (c) => healthy.push(c.cursor));
        const cursors = [...(await log.append([sampleChange(1)])), ...(await log.append([sampleChange(2)]))];
        await until('two changes on the healthy subscriber', () => healthy.length >= 2);
        stop();
        expect(healthy).toEqual(cursors);
        expect(calls).toBe(1);
        expect(ends.map((e) => e?.message)).toEqual(['listener bug']);
      }));

    it('close() ends live subscriptions, stops delivery and refuses further use', async () => {
      const h = await open();
      try {
        const got: string[] = [];
        const ends: (Error | undefined)[] = [];
        const stop = await h.log.subscribe(
          undefined,
          (c) => got.push(c.cursor),
          (err) => ends.push(err),
        );
        const [c1] = await h.log.append([sampleChange(1)]);
        await until('one change', () => got.length === 1);
        await h.log.close();
        expect(ends).toEqual([undefined]);
        await expect(h.log.append([sampleChange(2)])).rejects.toThrow(/closed/);
        await expect(h.log.subscribe(undefined, () => undefined)).rejects.toThrow(/closed/);
        await h.log.close(); // idempotent
        stop(); // harmless after close
        await sleep(50);
        expect(got).toEqual([c1]);
      } finally {
        await h.cleanup();
      }
    });
  });
}
