import { sampleChange } from './conformance';
import { createInProcessValueChangeLog } from './in-process';
import type { LoggedChange } from './port';
import { openChangeStream } from './stream';

async function take(it: AsyncIterator<LoggedChange>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value.cursor);
  }
  return out;
}

describe('openChangeStream', () => {
  it('yields accepted changes in order, whether they arrive before or while the consumer waits', async () => {
    const log = createInProcessValueChangeLog();
    const it = await openChangeStream(log, undefined, { accept: (c) => c.change.segment === 'high-value' });
    const queued = await log.append([0, 1, 2, 3].map((i) => sampleChange(i))); // even i: high-value
    const waiting = it.next();
    const [live] = await log.append([sampleChange(6)]);
    expect((await waiting).value?.cursor).toBe(queued[0]);
    expect(await take(it, 2)).toEqual([queued[2], live]);
    await it.return!();
    await log.close();
  });

  it('replays from `after` and stops delivery on return()', async () => {
    const log = createInProcessValueChangeLog();
    const cursors = await log.append([1, 2, 3].map((i) => sampleChange(i)));
    const it = await openChangeStream(log, cursors[0]);
    expect(await take(it, 2)).toEqual(cursors.slice(1));
    const pending = it.next();
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
    await log.append([sampleChange(4)]);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await log.close();
  });

  it('ends a consumer that falls maxPending behind with SUBSCRIBER_TOO_SLOW, after what was queued', async () => {
    const log = createInProcessValueChangeLog();
    const it = await openChangeStream(log, undefined, { maxPending: 3 });
    const cursors = await log.append([1, 2, 3, 4, 5].map((i) => sampleChange(i)));
    expect(await take(it, 3)).toEqual(cursors.slice(0, 3));
    await expect(it.next()).rejects.toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW', details: { lastCursor: cursors[2] } });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    // Resuming from the last cursor received loses nothing.
    const resumed = await openChangeStream(log, cursors[2]);
    expect(await take(resumed, 2)).toEqual(cursors.slice(3));
    await resumed.return!();
    await log.close();
  });

  it('counts only accepted changes against maxPending', async () => {
    const log = createInProcessValueChangeLog();
    const it = await openChangeStream(log, undefined, { maxPending: 2, accept: (c) => c.change.userId === 'u-1' });
    await log.append([2, 3, 4, 5, 6, 7].map((i) => sampleChange(i)));
    const [mine] = await log.append([sampleChange(1)]);
    expect(await take(it, 1)).toEqual([mine]);
    await it.return!();
    await log.close();
  });

  it('hands out backlogs under a per-turn budget, letting other tasks run in between', async () => {
    const log = createInProcessValueChangeLog();
    const streams = await Promise.all(Array.from({ length: 3 }, () => openChangeStream(log, undefined)));
    await log.append(Array.from({ length: 400 }, (_, i) => sampleChange(i)));
    let otherRanAfter = -1;
    let served = 0;
    setImmediate(() => (otherRanAfter = served));
    // 3 x 400 queued changes drained as fast as possible: the other task gets a turn well before the end.
    await Promise.all(
      streams.map(async (it) => {
        for (let i = 0; i < 400; i++) {
          await it.next();
          served++;
        }
      }),
    );
    expect(served).toBe(1_200);
    expect(otherRanAfter).toBeGreaterThan(0);
    expect(otherRanAfter).toBeLessThanOrEqual(600);
    await Promise.all(streams.map((it) => it.return!()));
    await log.close();
  });

  it('completes when the log closes, and rejects like subscribe for an expired cursor', async () => {
    const log = createInProcessValueChangeLog({ capacity: 1 });
    const cursors = await log.append([sampleChange(1), sampleChange(2), sampleChange(3)]);
    await expect(openChangeStream(log, cursors[0])).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    const it = await openChangeStream(log, undefined);
    const pending = it.next();
    await log.close();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
