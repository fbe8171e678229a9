import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { ACTOR, createMemoryCatalog, createServingFakes, publishedVersion, strategy, type FakeFeed, type MemoryCatalog } from '../test/support/serving-fakes';
import { sleep } from '../test/support/wait';
import { createServing, type ServingSet } from './serving';
import { promoteScorer, publishScorer, publishStrategy, shadowScorer } from './state';

const PUB = 'acme/pub';
const NO_CODE = { shadow: false, codeIds: new Set<string>() };

/** Publish `id@version` and make it live. */
async function live(catalog: MemoryCatalog, id: string, version: string): Promise<number> {
  await catalog.commit((d) => publishScorer(d, publishedVersion(id, version), NO_CODE));
  return catalog.commit((d) => promoteScorer(d, id, version, ACTOR, 2));
}

const publishStrat = (catalog: MemoryCatalog, id: string, scorers: ReadonlyArray<{ id: string; version?: string }>, patch: Record<string, unknown> = {}): Promise<number> =>
  catalog.commit((d) => publishStrategy(d, id, { id, scorers: scorers.map((s) => ({ ...s, weight: 1 })), ...patch }, ACTOR, 3));

const feedOf = (set: ServingSet, id: string): FakeFeed | undefined => set.feeds.get(id) as FakeFeed | undefined;

describe('createServing: boot', () => {
  it('serves the boot default from code at revision 0 and skips a file strategy naming an unpublished scorer', async () => {
    const extra = strategy('extra', [{ id: PUB }]);
    const f = createServingFakes({ files: [strategy('default', [{ id: 'code/a' }]), extra] });
    const serving = await createServing(f.deps);
    const s = serving.current();
    expect(s.revision).toBe(0);
    expect(s.feed.strategy).toBe(f.deps.bootStrategies.strategies.get('default'));
    expect([...s.feeds.keys()]).toEqual(['default']);
    expect(s.strategySources.get('default')).toBe('file');
    expect(s.skippedStrategies).toEqual([{ id: 'extra', source: 'file', reason: expect.stringContaining(`scorer "${PUB}" is not registered`) }]);
    expect(s.registry.get('code/a')).toBe(f.code);
    expect(s.registry.list()).toEqual([f.code]);
    expect(s.shadows).toEqual([]);
    expect(f.made).toEqual([]);
    await serving.close();
  });

  it('refuses to boot when the default strategy is not servable, closing what it loaded', async () => {
    const catalog = createMemoryCatalog();
    await live(catalog, PUB, '1.0.0');
    const f = createServingFakes({ files: [strategy('default', [{ id: 'acme/missing' }])] });
    const err = await createServing(f.deps, await catalog.read()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodedError);
    expect((err as CodedError).code).toBe(ErrorCode.INVALID_STRATEGY);
    expect(f.closed).toEqual([`${PUB}@1.0.0`]);
  });
});

describe('createServing: apply', () => {
  it('swaps to a set serving the live version and the published strategy, leaving the old set as it was', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes({ files: [strategy('default', [{ id: 'code/a' }]), strategy('extra', [{ id: PUB }])] });
    const serving = await createServing(f.deps);
    const old = serving.current();
    await live(catalog, PUB, '1.0.0');
    const rev = await publishStrat(catalog, 'pub', [{ id: PUB }, { id: 'code/a' }]);

    const next = await serving.apply(await catalog.read());
    expect(serving.current()).toBe(next);
    expect(next.revision).toBe(rev);
    const served = next.registry.get(PUB);
    expect(served).toMatchObject({ id: PUB, version: '1.0.0', timeoutMs: 50 });
    expect(served!.scorer).toBe(f.scorers.get(`${PUB}@1.0.0`));
    expect(next.registry.list().map((r) => `${r.id}@${r.version}`)).toEqual(['code/a@1.0.0', `${PUB}@1.0.0`]);
    expect([...next.feeds.keys()].sort()).toEqual(['default', 'extra', 'pub']);
    expect(feedOf(next, 'pub')!.registry).toBe(next.registry);
    expect(feedOf(next, 'pub')!.strategy.scorers.map((s) => s.id)).toEqual([PUB, 'code/a']);
    expect(next.strategySources.get('pub')).toBe(`published@1`);
    expect(next.strategySources.get('extra')).toBe('file');
    expect(next.skippedStrategies).toEqual([]);

    // The old set is untouched: a request that read it before the swap runs entirely on it.
    expect(old.revision).toBe(0);
    expect([...old.feeds.keys()]).toEqual(['default']);
    expect(old.registry.get(PUB)).toBeUndefined();
    expect(old.registry.list()).toEqual([f.code]);
    await serving.close();
  });

  it('changes current() in one step: the old set until the new one is complete, then the new one', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes();
    const serving = await createServing(f.deps);
    const old = serving.current();
    await live(catalog, PUB, '1.0.0');
    await publishStrat(catalog, 'pub', [{ id: PUB }]);
    f.hold();
    const applying = serving.apply(await catalog.read());
    await sleep(20);
    expect(f.made).toEqual([`${PUB}@1.0.0`]);
    expect(serving.current()).toBe(old);
    f.release();
    const next = await applying;
    expect(serving.current()).toBe(next);
    expect(next.feeds.has('pub')).toBe(true);
    await serving.close();
  });

  it('serves the live version for a bare id and a pinned version by id and version, loading nothing else', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes();
    const serving = await createServing(f.deps);
    await live(catalog, PUB, '1.0.0');
    for (const v of ['1.1.0', '1.2.0']) await catalog.commit((d) => publishScorer(d, publishedVersion(PUB, v), NO_CODE));
    await publishStrat(catalog, 'canary', [{ id: PUB, version: '1.1.0' }]);
    const set = await serving.apply(await catalog.read());
    expect(f.made.sort()).toEqual([`${PUB}@1.0.0`, `${PUB}@1.1.0`]);
    expect(set.registry.get(PUB)?.version).toBe('1.0.0');
    expect(set.registry.get(PUB, '1.1.0')?.version).toBe('1.1.0');
    expect(set.registry.get(PUB, '1.2.0')).toBeUndefined();
    expect(set.registry.get('code/a', '9.9.9')).toBeUndefined();
    expect(feedOf(set, 'canary')!.strategy.scorers[0]).toMatchObject({ id: PUB, version: '1.1.0' });
    await serving.close();
  });

  it('hands the shadowed version to every feed as a shadow scorer, not as the live one', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes();
    const serving = await createServing(f.deps);
    await live(catalog, PUB, '1.0.0');
    await catalog.commit((d) => publishScorer(d, publishedVersion(PUB, '2.0.0'), { shadow: true, codeIds: new Set() }));
    const set = await serving.apply(await catalog.read());
    expect(set.shadows.map((s) => `${s.id}@${s.version}`)).toEqual([`${PUB}@2.0.0`]);
    expect(set.registry.get(PUB)?.version).toBe('1.0.0');
    const shadow = feedOf(set, 'default')!.shadow;
    expect(shadow?.scorers).toEqual(set.shadows);
    expect(shadow?.sampleRate).toBe(0.25);
    expect(shadow?.record).toBe(f.deps.recordShadow);
    // Unshadowing drops it from the next set.
    await catalog.commit((d) => shadowScorer(d, PUB, null, ACTOR, 4));
    const after = await serving.apply(await catalog.read());
    expect(after.shadows).toEqual([]);
    expect(feedOf(after, 'default')!.shadow).toBeUndefined();
    await serving.close();
  });

  it('serves what loads when a version does not: the broken ones are skipped, and so are the strategies naming them', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes();
    f.failMake.add('acme/bad@1.0.0');
    f.failSetup.add('acme/worse@1.0.0');
    f.missingBlob.add('acme/noblob@1.0.0');
    const serving = await createServing(f.deps);
    for (const id of [PUB, 'acme/bad', 'acme/worse', 'acme/noblob']) await live(catalog, id, '1.0.0');
    await publishStrat(catalog, 'pub', [{ id: PUB }]);
    await publishStrat(catalog, 'bad', [{ id: 'code/a' }, { id: 'acme/worse' }]);
    const set = await serving.apply(await catalog.read());
    expect(set.registry.skipped.map((k) => [k.id, k.version, k.code]).sort()).toEqual([
      ['acme/bad', '1.0.0', ErrorCode.INVALID_PLUGIN],
      ['acme/noblob', '1.0.0', ErrorCode.INVALID_PLUGIN],
      ['acme/worse', '1.0.0', ErrorCode.INVALID_PLUGIN],
    ]);
    expect(set.registry.skipped.find((k) => k.id === 'acme/worse')?.reason).toContain('setup of acme/worse@1.0.0 failed');
    expect(set.registry.skipped.find((k) => k.id === 'acme/noblob')?.reason).toContain('is not in the catalog');
    expect(set.registry.get('acme/worse')).toBeUndefined();
    expect(set.skippedStrategies).toEqual([{ id: 'bad', source: 'published@1', reason: expect.stringContaining('acme/worse" was skipped (INVALID_PLUGIN') }]);
    expect([...set.feeds.keys()].sort()).toEqual(['default', 'pub']);
    expect(set.registry.get(PUB)?.version).toBe('1.0.0');
    await serving.close();
  });

  it('falls back to the boot default when the published default is not servable, and serves a good published default', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes();
    const serving = await createServing(f.deps);
    const boot = f.deps.bootStrategies.strategies.get('default');
    await publishStrat(catalog, 'default', [{ id: 'acme/missing' }]);
    const broken = await serving.apply(await catalog.read());
    expect(broken.feed.strategy).toBe(boot);
    expect(broken.feeds.get('default')).toBe(broken.feed);
    expect(broken.strategySources.get('default')).toBe('file');
    expect(broken.skippedStrategies).toEqual([{ id: 'default', source: 'published@1', reason: expect.stringContaining('acme/missing') }]);
    expect(f.logs.some((l) => l.level === 'error' && /default strategy not servable/.test(l.msg ?? ''))).toBe(true);

    await publishStrat(catalog, 'default', [{ id: 'code/a' }], { limit: 7 });
    const good = await serving.apply(await catalog.read());
    expect(good.feed.strategy.limit).toBe(7);
    expect(good.strategySources.get('default')).toBe('published@2');
    await serving.close();
  });

  it('keeps serving the previous feed when neither the published default nor the boot file is servable', async () => {
    const catalog = createMemoryCatalog();
    await live(catalog, PUB, '1.0.0');
    const f = createServingFakes({ files: [strategy('default', [{ id: PUB }])] });
    const serving = await createServing(f.deps, await catalog.read());
    const before = serving.current();
    expect(before.feed.strategy.scorers[0]!.id).toBe(PUB);
    f.failSetup.add(`${PUB}@2.0.0`);
    await live(catalog, PUB, '2.0.0');
    const after = await serving.apply(await catalog.read());
    expect(after.revision).toBe(4);
    expect(after.feed).toBe(before.feed);
    await serving.close();
  });

  it('ignores a snapshot at or below the revision it serves', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes();
    const serving = await createServing(f.deps);
    await live(catalog, PUB, '1.0.0');
    const older = await catalog.read();
    await live(catalog, 'acme/other', '1.0.0');
    const newest = await serving.apply(await catalog.read());
    const feedsBuilt = f.feeds.length;
    await expect(serving.apply(older)).resolves.toBe(newest);
    await expect(serving.apply(await catalog.read())).resolves.toBe(newest);
    expect(serving.current()).toBe(newest);
    expect(f.feeds).toHaveLength(feedsBuilt);
    await serving.close();
  });

  it('runs applies one at a time, in call order, and goes on after one fails', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes();
    const serving = await createServing(f.deps);
    await live(catalog, PUB, '1.0.0');
    const first = await catalog.read();
    await live(catalog, 'acme/other', '1.0.0');
    const second = await catalog.read();
    f.hold();
    const a = serving.apply(first);
    const b = serving.apply(second);
    await sleep(20);
    expect(f.made).toEqual([`${PUB}@1.0.0`]);
    f.release();
    const [sa, sb] = await Promise.all([a, b]);
    expect([sa.revision, sb.revision]).toEqual([first.revision, second.revision]);
    expect(f.made).toEqual([`${PUB}@1.0.0`, 'acme/other@1.0.0']);
    expect(serving.current()).toBe(sb);

    // A build that throws rejects its own apply only.
    const makeFeed = f.deps.makeFeed;
    (f.deps as { makeFeed: typeof makeFeed }).makeFeed = () => {
      throw new Error('feed wiring broke');
    };
    await live(catalog, 'acme/third', '1.0.0');
    await expect(serving.apply(await catalog.read())).rejects.toThrow('feed wiring broke');
    expect(serving.current()).toBe(sb);
    (f.deps as { makeFeed: typeof makeFeed }).makeFeed = makeFeed;
    await expect(serving.apply(await catalog.read())).resolves.toMatchObject({ revision: (await catalog.read()).revision });
    await serving.close();
  });
});

describe('createServing: retiring and closing', () => {
  afterEach(() => jest.useRealTimers());

  it('closes a version no longer served only retireAfterMs after the swap; the old set keeps serving it until then', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const catalog = createMemoryCatalog();
    const f = createServingFakes({ retireAfterMs: 1_000 });
    const serving = await createServing(f.deps);
    await live(catalog, PUB, '1.0.0');
    const old = await serving.apply(await catalog.read());
    const oldScorer = old.registry.get(PUB);
    await catalog.commit((d) => publishScorer(d, publishedVersion(PUB, '1.1.0'), NO_CODE));
    await catalog.commit((d) => promoteScorer(d, PUB, '1.1.0', ACTOR, 5));
    const next = await serving.apply(await catalog.read());
    expect(next.registry.get(PUB)?.version).toBe('1.1.0');
    // A request still on the old set sees the version it started with.
    expect(old.registry.get(PUB)).toBe(oldScorer);
    expect(old.registry.get(PUB)?.version).toBe('1.0.0');

    jest.advanceTimersByTime(999);
    expect(f.closed).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(f.closed).toEqual([`${PUB}@1.0.0`]);
    jest.advanceTimersByTime(60_000);
    expect(f.closed).toEqual([`${PUB}@1.0.0`]);
    await serving.close();
    expect(f.closed).toEqual([`${PUB}@1.0.0`, `${PUB}@1.1.0`]);
  });

  it('close() waits for an apply in flight, then closes loaded and retiring scorers at once, never the code ones', async () => {
    const catalog = createMemoryCatalog();
    const f = createServingFakes({ retireAfterMs: 600_000 });
    const serving = await createServing(f.deps);
    await live(catalog, PUB, '1.0.0');
    await serving.apply(await catalog.read());
    await live(catalog, PUB, '1.1.0'); // 1.0.0 starts retiring
    await serving.apply(await catalog.read());
    await live(catalog, 'acme/late', '1.0.0');
    f.hold();
    const applying = serving.apply(await catalog.read());
    const closing = serving.close();
    await sleep(20);
    expect(f.closed).toEqual([]);
    f.release();
    await applying;
    await closing;
    expect(f.closed.sort()).toEqual(['acme/late@1.0.0', `${PUB}@1.0.0`, `${PUB}@1.1.0`]);
    expect(f.codeClose).not.toHaveBeenCalled();
  });
});
