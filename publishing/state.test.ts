import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { EMPTY_CATALOG, type CatalogActor, type CatalogDoc, type PublishedScorerVersion } from './catalog/port';
import type { ScorerManifest } from './manifest';
import { findScorerVersion, promoteScorer, publishScorer, rollbackScorer, rollbackStrategy, scorerEntry, shadowScorer, publishStrategy, type PublishOptions } from './state';

const BY: CatalogActor = { keyId: 'k1', keyName: 'ci' };
const ID = 'acme/ltv';
const NO_CODE: PublishOptions = { shadow: false, codeIds: new Set() };

function version(v: string, id = ID, at = 1000): PublishedScorerVersion {
  const manifest: ScorerManifest = {
    id: id as ScorerManifest['id'],
    version: v,
    description: '',
    features: ['item.stats'],
    inputs: [{ name: 'features', columns: ['item.stats.purchase'] }],
    output: { name: 'score', meaning: 'score' },
    timeoutMs: 50,
  };
  return { manifest, model: { sha256: `sha-${v}`, bytes: 10 }, publishedAt: at, publishedBy: BY };
}

/** Freeze a document and everything in it, so a transition that mutates its input throws. */
function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x as object)) deepFreeze(v);
  }
  return x;
}

/** Publish versions in order (each transition applied to a frozen document). */
function published(versions: readonly string[], opts: PublishOptions = NO_CODE, start: CatalogDoc = EMPTY_CATALOG): CatalogDoc {
  return versions.reduce((doc, v) => publishScorer(deepFreeze(doc), version(v), opts).doc, start);
}

function codedError(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CodedError) return err;
    throw err;
  }
  throw new Error('expected a CodedError, nothing was thrown');
}

describe('publishScorer', () => {
  it('accepts versions in semver order (1.10.0 after 1.9.0, prereleases before their release) and logs each', () => {
    const order = ['1.2.0', '1.9.0', '1.10.0', '2.0.0-alpha.1', '2.0.0-alpha.2', '2.0.0-beta', '2.0.0-rc.1', '2.0.0', '10.0.0'];
    const doc = published(order);
    expect(scorerEntry(doc, ID).versions.map((v) => v.manifest.version)).toEqual(order);
    expect(scorerEntry(doc, ID)).toMatchObject({ live: null, shadow: null, liveHistory: [] });
    const t = publishScorer(deepFreeze(EMPTY_CATALOG), version('0.1.0', ID, 777), NO_CODE);
    expect(t.change).toEqual({ kind: 'scorer', id: ID, action: 'publish', version: '0.1.0', at: 777, by: BY });
  });

  it.each([
    ['the same version', ['1.0.0'], '1.0.0', '1.0.0'],
    ['a lower version (string order would accept it)', ['1.9.0', '1.10.0'], '1.9.5', '1.10.0'],
    ['a prerelease of the released version', ['2.0.0'], '2.0.0-rc.9', '2.0.0'],
    ['an earlier prerelease', ['2.0.0-rc.2'], '2.0.0-rc.1', '2.0.0-rc.2'],
  ])('refuses %s with VERSION_NOT_HIGHER and the highest version', (_what, before, next, highest) => {
    const doc = deepFreeze(published(before));
    const err = codedError(() => publishScorer(doc, version(next), NO_CODE));
    expect(err.code).toBe(ErrorCode.VERSION_NOT_HIGHER);
    expect(err.details).toEqual({ field: 'manifest.version', id: ID, version: next, highest });
  });

  it('orders numeric prerelease identifiers numerically (rc.10 after rc.2)', () => {
    const doc = published(['2.0.0-rc.2', '2.0.0-rc.10']);
    expect(scorerEntry(doc, ID).versions.map((v) => v.manifest.version)).toEqual(['2.0.0-rc.2', '2.0.0-rc.10']);
  });

  it('keeps versions per id: another id starts from nothing', () => {
    const doc = publishScorer(deepFreeze(published(['3.0.0'])), version('1.0.0', 'acme/other'), NO_CODE).doc;
    expect(Object.keys(doc.scorers).sort()).toEqual(['acme/ltv', 'acme/other']);
    expect(scorerEntry(doc, 'acme/other').versions).toHaveLength(1);
  });

  it('refuses an id served from code with LIFECYCLE_CONFLICT', () => {
    const err = codedError(() => publishScorer(deepFreeze(EMPTY_CATALOG), version('1.0.0', 'baseline/commercial'), { shadow: false, codeIds: new Set(['baseline/commercial']) }));
    expect(err.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    expect(err.details).toEqual({ id: 'baseline/commercial' });
  });

  it('with shadow: true shadows the new version; without it keeps the current shadow', () => {
    const doc = published(['1.0.0'], { shadow: true, codeIds: new Set() });
    expect(scorerEntry(doc, ID).shadow).toBe('1.0.0');
    expect(scorerEntry(published(['1.1.0'], NO_CODE, doc), ID).shadow).toBe('1.0.0');
    expect(scorerEntry(published(['1.1.0'], { shadow: true, codeIds: new Set() }, doc), ID).shadow).toBe('1.1.0');
  });
});

describe('promoteScorer', () => {
  it('promotes the shadowed version by default and stops shadowing it', () => {
    const doc = deepFreeze(published(['1.0.0', '1.1.0', '1.2.0'], NO_CODE, published(['0.9.0'])));
    const shadowed = deepFreeze(shadowScorer(doc, ID, '1.1.0', BY, 5).doc);
    const t = promoteScorer(shadowed, ID, null, BY, 6);
    expect(scorerEntry(t.doc, ID)).toMatchObject({ live: '1.1.0', shadow: null, liveHistory: [] });
    expect(t.change).toEqual({ kind: 'scorer', id: ID, action: 'promote', version: '1.1.0', at: 6, by: BY });
  });

  it('promotes the highest version by default when nothing is shadowed, and keeps the replaced live version', () => {
    const first = deepFreeze(promoteScorer(deepFreeze(published(['1.0.0'])), ID, null, BY, 1).doc);
    expect(scorerEntry(first, ID)).toMatchObject({ live: '1.0.0', liveHistory: [] });
    const second = promoteScorer(deepFreeze(published(['1.9.0', '1.10.0'], NO_CODE, first)), ID, null, BY, 2).doc;
    expect(scorerEntry(second, ID)).toMatchObject({ live: '1.10.0', liveHistory: ['1.0.0'] });
  });

  it('promotes a named version and leaves a different shadow version alone', () => {
    const doc = deepFreeze(published(['1.0.0', '2.0.0'], { shadow: true, codeIds: new Set() }));
    const t = promoteScorer(doc, ID, '1.0.0', BY, 3);
    expect(scorerEntry(t.doc, ID)).toMatchObject({ live: '1.0.0', shadow: '2.0.0' });
  });

  it('refuses the version already live with LIFECYCLE_CONFLICT', () => {
    const doc = deepFreeze(promoteScorer(deepFreeze(published(['1.0.0'])), ID, null, BY, 1).doc);
    const err = codedError(() => promoteScorer(doc, ID, '1.0.0', BY, 2));
    expect(err.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    expect(err.details).toEqual({ id: ID, version: '1.0.0' });
    // The default (highest) is the live one too.
    expect(codedError(() => promoteScorer(doc, ID, null, BY, 2)).code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
  });

  it('refuses an unknown version (NOT_FOUND, field version) and an unknown id (NOT_FOUND, field id)', () => {
    const doc = deepFreeze(published(['1.0.0']));
    const err = codedError(() => promoteScorer(doc, ID, '1.0.1', BY, 1));
    expect(err.code).toBe(ErrorCode.NOT_FOUND);
    expect(err.details).toEqual({ field: 'version', id: ID, version: '1.0.1' });
    const noId = codedError(() => promoteScorer(doc, 'acme/none', null, BY, 1));
    expect(noId.code).toBe(ErrorCode.NOT_FOUND);
    expect(noId.details).toEqual({ field: 'id', id: 'acme/none' });
  });

  it('does not take an inherited property for a published id', () => {
    expect(codedError(() => promoteScorer(deepFreeze(EMPTY_CATALOG), 'toString', null, BY, 1)).code).toBe(ErrorCode.NOT_FOUND);
  });
});

describe('rollbackScorer', () => {
  const promotedThrice = (): CatalogDoc => {
    let doc = published(['1.0.0', '1.1.0', '1.2.0']);
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) doc = promoteScorer(deepFreeze(doc), ID, v, BY, 1).doc;
    return deepFreeze(doc);
  };

  it('restores the previous live version and pops it from the history, one step at a time', () => {
    const doc = promotedThrice();
    expect(scorerEntry(doc, ID)).toMatchObject({ live: '1.2.0', liveHistory: ['1.0.0', '1.1.0'] });
    const once = rollbackScorer(doc, ID, BY, 9);
    expect(scorerEntry(once.doc, ID)).toMatchObject({ live: '1.1.0', liveHistory: ['1.0.0'] });
    expect(once.change).toEqual({ kind: 'scorer', id: ID, action: 'rollback', version: '1.1.0', at: 9, by: BY });
    const twice = rollbackScorer(deepFreeze(once.doc), ID, BY, 10);
    expect(scorerEntry(twice.doc, ID)).toMatchObject({ live: '1.0.0', liveHistory: [] });
    const err = codedError(() => rollbackScorer(deepFreeze(twice.doc), ID, BY, 11));
    expect(err.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    expect(err.details).toEqual({ id: ID, live: '1.0.0' });
  });

  it('refuses a scorer never promoted with LIFECYCLE_CONFLICT, and an unknown id with NOT_FOUND', () => {
    const err = codedError(() => rollbackScorer(deepFreeze(published(['1.0.0'])), ID, BY, 1));
    expect(err.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    expect(err.details).toEqual({ id: ID, live: null });
    expect(codedError(() => rollbackScorer(deepFreeze(EMPTY_CATALOG), ID, BY, 1)).code).toBe(ErrorCode.NOT_FOUND);
  });
});

describe('shadowScorer', () => {
  it('shadows a version, then stops shadowing it, logging which version', () => {
    const doc = deepFreeze(published(['1.0.0', '1.1.0']));
    const on = shadowScorer(doc, ID, '1.0.0', BY, 4);
    expect(scorerEntry(on.doc, ID).shadow).toBe('1.0.0');
    expect(on.change).toEqual({ kind: 'scorer', id: ID, action: 'shadow', version: '1.0.0', at: 4, by: BY });
    const off = shadowScorer(deepFreeze(on.doc), ID, null, BY, 5);
    expect(scorerEntry(off.doc, ID).shadow).toBeNull();
    expect(off.change).toEqual({ kind: 'scorer', id: ID, action: 'unshadow', version: '1.0.0', at: 5, by: BY });
  });

  it('refuses shadowing the shadowed version, unshadowing with none, and an unknown version', () => {
    const doc = deepFreeze(published(['1.0.0'], { shadow: true, codeIds: new Set() }));
    const again = codedError(() => shadowScorer(doc, ID, '1.0.0', BY, 1));
    expect(again.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    expect(again.details).toEqual({ id: ID, version: '1.0.0' });
    const none = deepFreeze(published(['1.0.0']));
    expect(codedError(() => shadowScorer(none, ID, null, BY, 1)).code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    const unknown = codedError(() => shadowScorer(none, ID, '9.9.9', BY, 1));
    expect(unknown.code).toBe(ErrorCode.NOT_FOUND);
    expect(unknown.details).toMatchObject({ field: 'version', version: '9.9.9' });
  });
});

describe('publishStrategy / rollbackStrategy', () => {
  const strategy = (n: number): unknown => ({ id: 'ltv', limit: n });

  it('numbers versions 1, 2, 3, serves the newest, and rolls back down to no live version', () => {
    let doc: CatalogDoc = EMPTY_CATALOG;
    const changes = [];
    for (const n of [1, 2, 3]) {
      const t = publishStrategy(deepFreeze(doc), 'ltv', strategy(n), BY, 100 + n);
      doc = t.doc;
      changes.push(t.change);
    }
    const entry = doc.strategies.ltv!;
    expect(entry.versions.map((v) => [v.version, v.strategy, v.publishedAt])).toEqual([
      [1, strategy(1), 101],
      [2, strategy(2), 102],
      [3, strategy(3), 103],
    ]);
    expect(entry).toMatchObject({ live: 3, liveHistory: [1, 2] });
    expect(changes.map((c) => c.version)).toEqual(['1', '2', '3']);
    expect(changes[0]).toEqual({ kind: 'strategy', id: 'ltv', action: 'publish', version: '1', at: 101, by: BY });

    const r1 = rollbackStrategy(deepFreeze(doc), 'ltv', BY, 200);
    expect(r1.doc.strategies.ltv).toMatchObject({ live: 2, liveHistory: [1] });
    expect(r1.change).toEqual({ kind: 'strategy', id: 'ltv', action: 'rollback', version: '2', at: 200, by: BY });
    const r2 = rollbackStrategy(deepFreeze(r1.doc), 'ltv', BY, 201);
    expect(r2.doc.strategies.ltv).toMatchObject({ live: 1, liveHistory: [] });
    const r3 = rollbackStrategy(deepFreeze(r2.doc), 'ltv', BY, 202);
    expect(r3.doc.strategies.ltv).toMatchObject({ live: null, liveHistory: [] });
    expect(r3.change.version).toBeNull();
    const err = codedError(() => rollbackStrategy(deepFreeze(r3.doc), 'ltv', BY, 203));
    expect(err.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);

    // Publishing after a full rollback continues the numbering and starts a fresh history.
    const again = publishStrategy(deepFreeze(r3.doc), 'ltv', strategy(4), BY, 300).doc.strategies.ltv!;
    expect(again).toMatchObject({ live: 4, liveHistory: [] });
    expect(again.versions).toHaveLength(4);
  });

  it('refuses rolling back an unknown strategy with NOT_FOUND', () => {
    const err = codedError(() => rollbackStrategy(deepFreeze(EMPTY_CATALOG), 'ltv', BY, 1));
    expect(err.code).toBe(ErrorCode.NOT_FOUND);
    expect(err.details).toEqual({ field: 'id', id: 'ltv' });
  });
});

describe('transitions never mutate their input', () => {
  it('leaves a deep-frozen document equal to its former self after every transition', () => {
    let doc = published(['1.0.0', '1.1.0']);
    doc = publishStrategy(deepFreeze(doc), 'ltv', { id: 'ltv' }, BY, 1).doc;
    const frozen = deepFreeze(doc);
    const before = JSON.stringify(frozen);
    const steps: Array<(d: CatalogDoc) => unknown> = [
      (d) => publishScorer(d, version('2.0.0'), { shadow: true, codeIds: new Set() }),
      (d) => promoteScorer(d, ID, '1.0.0', BY, 1),
      (d) => shadowScorer(d, ID, '1.1.0', BY, 1),
      (d) => publishStrategy(d, 'ltv', { id: 'ltv', limit: 3 }, BY, 1),
      (d) => rollbackStrategy(d, 'ltv', BY, 1),
      (d) => rollbackScorer(promoteScorer(promoteScorer(d, ID, '1.0.0', BY, 1).doc, ID, '1.1.0', BY, 1).doc, ID, BY, 1),
    ];
    for (const step of steps) expect(() => step(frozen)).not.toThrow();
    expect(JSON.stringify(frozen)).toBe(before);
  });
});

describe('findScorerVersion', () => {
  it('finds a published version by id and version, and nothing for an unknown one', () => {
    const doc = published(['1.0.0', '1.1.0']);
    expect(findScorerVersion(doc, ID, '1.1.0')?.model.sha256).toBe('sha-1.1.0');
    expect(findScorerVersion(doc, ID, '1.2.0')).toBeUndefined();
    expect(findScorerVersion(doc, 'acme/none', '1.0.0')).toBeUndefined();
    expect(findScorerVersion(doc, 'constructor', '1.0.0')).toBeUndefined();
  });
});

describe('rollback and shadow', () => {
  it('stops shadowing the version a rollback restores', () => {
    const by = { keyId: 'k', keyName: 'n' };
    const v = (version: string) => ({ manifest: { id: 'acme/x', version } as never, model: { sha256: 'a'.repeat(64), bytes: 1 }, publishedAt: 0, publishedBy: by });
    let doc = publishScorer({ scorers: {}, strategies: {} }, v('1.0.0'), { shadow: false, codeIds: new Set() }).doc;
    doc = promoteScorer(doc, 'acme/x', '1.0.0', by, 1).doc;
    doc = publishScorer(doc, v('1.1.0'), { shadow: false, codeIds: new Set() }).doc;
    doc = promoteScorer(doc, 'acme/x', '1.1.0', by, 2).doc;
    doc = shadowScorer(doc, 'acme/x', '1.0.0', by, 3).doc;
    const back = rollbackScorer(doc, 'acme/x', by, 4).doc.scorers['acme/x']!;
    expect({ live: back.live, shadow: back.shadow }).toEqual({ live: '1.0.0', shadow: null });
  });
});
