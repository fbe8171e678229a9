import { describeValueChangeLogConformance, sampleChange } from './conformance';
import { parseCursor } from './cursor';
import { createValueChangeLog } from './factory';
import { createInProcessValueChangeLog } from './in-process';

describeValueChangeLogConformance('in-process', async (opts) => {
  const log = createInProcessValueChangeLog(opts);
  return { log, cleanup: () => log.close() };
});

describe('in-process value-change log (adapter-specific)', () => {
  it('is the adapter the factory picks without a Redis URL, with the configured retention', async () => {
    const log = createValueChangeLog({ retentionMs: 7_200_000 });
    expect([log.kind, log.retentionMs]).toEqual(['in-process', 7_200_000]);
    await log.close();
  });

  it('numbers changes within one millisecond by seq, and never goes back when the clock does', async () => {
    let now = 1_000_000;
    const log = createInProcessValueChangeLog({ clock: () => now });
    const a = await log.append([sampleChange(1), sampleChange(2)]);
    now = 999_000; // the wall clock stepped back
    const b = await log.append([sampleChange(3)]);
    now = 1_000_005;
    const c = await log.append([sampleChange(4)]);
    expect([...a, ...b, ...c]).toEqual(['1000000-1', '1000000-2', '1000000-3', '1000005-0']);
    await log.close();
  });

  it('expires a cursor whose successors were evicted by capacity, even within the retention window', async () => {
    const log = createInProcessValueChangeLog({ capacity: 3 });
    const cursors = await log.append([1, 2, 3, 4, 5].map((i) => sampleChange(i)));
    // Held: 3, 4, 5. Resuming after 1 would skip 2; after 2 is exact.
    await expect(log.subscribe(cursors[0], () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    const got: string[] = [];
    const stop = await log.subscribe(cursors[1], (c) => got.push(c.cursor));
    stop();
    expect(got).toEqual(cursors.slice(2));
    await log.close();
  });

  it('drops changes by age and expires cursors before the drop (fake clock)', async () => {
    let now = Date.UTC(2026, 10, 22);
    const log = createInProcessValueChangeLog({ retentionMs: 60_000, clock: () => now });
    const [old1, old2] = await log.append([sampleChange(1), sampleChange(2)]);
    now += 30_000;
    const [mid] = await log.append([sampleChange(3)]);
    now += 45_000; // old ones are 75 s old, mid is 45 s old
    const [fresh] = await log.append([sampleChange(4)]);
    await expect(log.subscribe(old1, () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    await expect(log.subscribe(old2, () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    const got: string[] = [];
    (await log.subscribe(mid, (c) => got.push(c.cursor)))();
    expect(got).toEqual([fresh]);
    await log.close();
  });

  it('expires cursors issued by an earlier log (a restarted gateway cannot vouch for them)', async () => {
    let now = 5_000_000;
    const earlier = createInProcessValueChangeLog({ clock: () => now });
    const [c] = await earlier.append([sampleChange(1)]);
    await earlier.close();
    now += 1_000;
    const restarted = createInProcessValueChangeLog({ clock: () => now });
    await restarted.append([sampleChange(2)]);
    expect(parseCursor(c!)).toEqual({ ms: 5_000_000, seq: 1 });
    await expect(restarted.subscribe(c, () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    await restarted.close();
  });

  it('delivers a change to subscribers before append resolves', async () => {
    const log = createInProcessValueChangeLog();
    const got: string[] = [];
    await log.subscribe(undefined, (c) => got.push(c.cursor));
    const cursors = await log.append([sampleChange(1)]);
    expect(got).toEqual(cursors);
    await log.close();
  });
});
