import { ACTOR, createMemoryCatalog, createServingFakes, publishedVersion, type MemoryCatalog } from '../test/support/serving-fakes';
import { sleep } from '../test/support/wait';
import type { CatalogStore } from './catalog/port';
import { createServing, type Serving } from './serving';
import { promoteScorer, publishScorer, publishStrategy } from './state';
import { startCatalogSync, type CatalogSync } from './sync';

const PUB = 'acme/pub';

async function publishLive(catalog: MemoryCatalog): Promise<number> {
  await catalog.commit((d) => publishScorer(d, publishedVersion(PUB, '1.0.0'), { shadow: false, codeIds: new Set() }));
  await catalog.commit((d) => promoteScorer(d, PUB, '1.0.0', ACTOR, 2));
  return catalog.commit((d) => publishStrategy(d, 'pub', { id: 'pub', scorers: [{ id: PUB, weight: 1 }] }, ACTOR, 3));
}

interface Rig {
  readonly catalog: MemoryCatalog;
  readonly serving: Serving;
  readonly fakes: ReturnType<typeof createServingFakes>;
  readonly sync: CatalogSync;
}

/** A sync on the real serving module with fake plugins and feeds; `store` wraps the in-memory catalog. */
async function rig(opts: { everyMs?: number; store?: (c: MemoryCatalog) => CatalogStore; clock?: () => number } = {}): Promise<Rig> {
  const catalog = createMemoryCatalog();
  const fakes = createServingFakes();
  const serving = await createServing(fakes.deps);
  const sync = startCatalogSync({
    catalog: opts.store ? opts.store(catalog) : catalog,
    serving,
    everyMs: opts.everyMs ?? 3_600_000,
    logger: fakes.deps.logger,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return { catalog, serving, fakes, sync };
}

async function teardown(r: Rig): Promise<void> {
  await r.sync.stop();
  await r.serving.close();
}

describe('startCatalogSync: poll', () => {
  it('applies nothing while the change log has nothing after the served revision', async () => {
    let now = 1_000;
    const r = await rig({ clock: () => now++ });
    const changesSince = jest.spyOn(r.catalog, 'changesSince');
    const read = jest.spyOn(r.catalog, 'read');
    const apply = jest.spyOn(r.serving, 'apply');
    await r.sync.poll();
    expect(changesSince).toHaveBeenCalledWith(0, 1);
    expect(read).not.toHaveBeenCalled();
    expect(apply).not.toHaveBeenCalled();
    expect(r.sync.status()).toEqual({ everyMs: 3_600_000, revision: 0, polls: 1, lastPollAt: 1_000, lastError: null });
    await teardown(r);
  });

  it('reads the document and swaps once the log has a change, then asks after the new revision', async () => {
    const r = await rig();
    const rev = await publishLive(r.catalog);
    const apply = jest.spyOn(r.serving, 'apply');
    const changesSince = jest.spyOn(r.catalog, 'changesSince');
    await r.sync.poll();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply.mock.calls[0]![0].revision).toBe(rev);
    expect(r.serving.current().revision).toBe(rev);
    expect(r.serving.current().feeds.has('pub')).toBe(true);
    expect(r.sync.status()).toMatchObject({ revision: rev, polls: 1, lastError: null });
    await r.sync.poll();
    expect(changesSince).toHaveBeenLastCalledWith(rev, 1);
    expect(apply).toHaveBeenCalledTimes(1);
    await teardown(r);
  });

  it('runs one poll at a time: a poll asked for during another waits for it', async () => {
    let releaseFirst = (): void => undefined;
    const started: number[] = [];
    const r = await rig({
      store: (c) => ({
        ...c,
        async changesSince(after, limit) {
          started.push(after);
          if (started.length === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
          return c.changesSince(after, limit);
        },
      }),
    });
    const rev = await publishLive(r.catalog);
    const first = r.sync.poll();
    const second = r.sync.poll();
    await sleep(20);
    expect(started).toEqual([0]);
    releaseFirst();
    await Promise.all([first, second]);
    // The second poll started after the first had swapped, so it asked after the new revision.
    expect(started).toEqual([0, rev]);
    expect(r.sync.status().polls).toBe(2);
    await teardown(r);
  });
});

describe('startCatalogSync: failures', () => {
  it('records a failing catalog in lastError, logs it once, keeps serving, and recovers', async () => {
    let failures = 2;
    const r = await rig({
      store: (c) => ({
        ...c,
        changesSince: (after, limit) => (failures-- > 0 ? Promise.reject(new Error('catalog unreachable')) : c.changesSince(after, limit)),
      }),
    });
    const served = r.serving.current();
    await expect(r.sync.poll()).resolves.toBeUndefined();
    expect(r.sync.status()).toMatchObject({ polls: 1, lastError: 'catalog unreachable', revision: 0 });
    await r.sync.poll();
    expect(r.sync.status()).toMatchObject({ polls: 2, lastError: 'catalog unreachable' });
    expect(r.fakes.logs.filter((l) => l.level === 'error' && /catalog sync failed/.test(l.msg ?? ''))).toHaveLength(1);
    expect(r.serving.current()).toBe(served);

    const rev = await publishLive(r.catalog);
    await r.sync.poll();
    expect(r.sync.status()).toMatchObject({ polls: 3, lastError: null, revision: rev });
    expect(r.fakes.logs.some((l) => l.level === 'info' && l.msg === 'catalog sync recovered')).toBe(true);
    await teardown(r);
  });

  it('records a failing read or apply the same way', async () => {
    let readFails = true;
    const r = await rig({ store: (c) => ({ ...c, read: () => (readFails ? Promise.reject(new Error('read timed out')) : c.read()) }) });
    await publishLive(r.catalog);
    await r.sync.poll();
    expect(r.sync.status()).toMatchObject({ lastError: 'read timed out', revision: 0 });
    readFails = false;
    jest.spyOn(r.serving, 'apply').mockRejectedValueOnce(new Error('build failed'));
    await r.sync.poll();
    expect(r.sync.status()).toMatchObject({ lastError: 'build failed', revision: 0 });
    await r.sync.poll();
    expect(r.sync.status()).toMatchObject({ lastError: null, revision: 3 });
    await teardown(r);
  });

  it('refuses a period that is not positive', async () => {
    const catalog = createMemoryCatalog();
    const fakes = createServingFakes();
    const serving = await createServing(fakes.deps);
    for (const everyMs of [0, -5, Number.NaN]) {
      expect(() => startCatalogSync({ catalog, serving, everyMs, logger: fakes.deps.logger })).toThrow(RangeError);
    }
    await serving.close();
  });
});

describe('startCatalogSync: timer', () => {
  afterEach(() => jest.useRealTimers());

  it('polls every everyMs and stops polling after stop()', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const r = await rig({ everyMs: 1_000 });
    await jest.advanceTimersByTimeAsync(999);
    expect(r.sync.status().polls).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(r.sync.status().polls).toBe(1);
    const rev = await publishLive(r.catalog);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(r.sync.status()).toMatchObject({ polls: 2, revision: rev });
    await r.sync.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(r.sync.status().polls).toBe(2);
    await r.serving.close();
  });

  it('stop() waits for the poll in flight', async () => {
    let release = (): void => undefined;
    const r = await rig({
      store: (c) => ({
        ...c,
        changesSince: async (after, limit) => {
          await new Promise<void>((resolve) => (release = resolve));
          return c.changesSince(after, limit);
        },
      }),
    });
    const polling = r.sync.poll();
    let stopped = false;
    const stopping = r.sync.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    release();
    await Promise.all([polling, stopping]);
    expect(stopped).toBe(true);
    expect(r.sync.status().polls).toBe(1);
    await r.serving.close();
  });
});
