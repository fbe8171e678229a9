/**
 * Publishing a scorer at runtime through the public API of one gateway: upload, publish (refused
 * when the model does not match its manifest), shadow with agreement, canary through an
 * experiment on a published strategy pinning the version, promote, roll back, audit. A version
 * that throws or hangs at serve time degrades the feed like any scorer.
 */
import { readFileSync } from 'node:fs';
import { createPublishedScorer } from '../publishing/onnx-scorer';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { scaffoldLinearScorer } from '../publishing/scaffold';
import { RecordEventsDocument } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

// Answers are checked field by field below: loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const gq = (
  t: TestGateway,
  query: string,
  variables?: Record<string, unknown>,
  opts?: { key?: string | null },
): Promise<{ data?: Loose; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> => t.raw(query, variables, opts);

const COLUMNS = ['log1p(item.stats.purchase.decayed)', 'log1p(item.stats.view)', 'pair.co.sum'];
const SCORER = `id live shadow liveHistory versions { version loadedHere problem publishedBy } agreement { version strategyId requests failures meanRankCorrelation meanTopNOverlap }`;
const FEED = `query($u: String!) { feed(userId: $u) { strategy { id digest } items { itemId contributions { scorerId version } } degraded { scorerId version code } experiments { variantKey } } }`;

interface FeedAnswer {
  strategy: { id: string; digest: string };
  items: Array<{ itemId: string; contributions: Array<{ scorerId: string; version: string }> }>;
  degraded: Array<{ scorerId: string; version: string; code: string }>;
  experiments: Array<{ variantKey: string }>;
}

async function seed(t: TestGateway): Promise<void> {
  const base = Date.now() - 3_600_000;
  const events = Array.from({ length: 240 }, (_, k) => ({
    eventId: `p${k}`,
    userId: `u${k % 12}`,
    itemId: `i${(k * 7) % 31}`,
    type: k % 6 === 0 ? 'purchase' : k % 3 === 0 ? 'click' : 'view',
    ts: new Date(base + k * 1000).toISOString(),
    value: k % 6 === 0 ? 10 + (k % 5) : 0,
  }));
  expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(240);
}

async function upload(t: TestGateway, bytes: Uint8Array, key?: string | null): Promise<Response> {
  return fetch(t.gateway.url.replace('/graphql', '/blobs'), { method: 'POST', headers: { ...t.headers(key === undefined ? {} : { key }), 'content-type': 'application/octet-stream' }, body: bytes });
}

async function publish(t: TestGateway, version: string, weights: number[], opts: { shadow?: boolean; columns?: string[]; model?: Uint8Array } = {}) {
  const { manifest, modelBytes } = scaffoldLinearScorer({ id: 'acme/lin', columns: opts.columns ?? COLUMNS, weights, version });
  const blob = (await (await upload(t, opts.model ?? modelBytes)).json()) as { sha256: string };
  return gq(t, `mutation($m: JSONObject!, $b: String!, $s: Boolean!) { publishScorer(manifest: $m, model: $b, shadow: $s) { ${SCORER} } }`, { m: manifest, b: blob.sha256, s: opts.shadow ?? true });
}

const feedOf = async (t: TestGateway, u: string): Promise<FeedAnswer> => {
  const r = await gq(t, FEED, { u });
  expect(r.errors).toBeUndefined();
  return r.data!.feed as FeedAnswer;
};
const versionsIn = (f: FeedAnswer, id: string): string[] => [...new Set(f.items.flatMap((i) => i.contributions.filter((c) => c.scorerId === id).map((c) => c.version)))];

describe('publishing a scorer at runtime (one gateway)', () => {
  let t: TestGateway;
  afterEach(() => t?.stop());

  it('uploads, refuses bad versions with coded errors, shadows with agreement, canaries, promotes, rolls back and audits', async () => {
    t = await startTestGateway({ env: { SHADOW_SAMPLE_RATE: '1', PUBLISHED_SYNC_MS: '100' } });
    await seed(t);
    const frontend = t.keyFor('frontend');

    // Uploads need scorers:write.
    const bytes = scaffoldLinearScorer({ id: 'acme/lin', columns: COLUMNS }).modelBytes;
    expect((await upload(t, bytes, null)).status).toBe(401);
    expect((await upload(t, bytes, frontend)).status).toBe(403);
    const first = await upload(t, bytes);
    expect(first.status).toBe(201);
    const ref = (await first.json()) as { sha256: string; bytes: number };
    expect(ref).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: bytes.length });
    expect(await (await upload(t, bytes)).json()).toEqual(ref);

    // Refusals, each coded and naming the problem; nothing is published.
    const narrow = scaffoldLinearScorer({ id: 'acme/lin', columns: COLUMNS.slice(0, 2) }).modelBytes;
    const wrongShape = await publish(t, '1.0.0', [1, 1, 1], { model: narrow });
    expect(wrongShape.errors?.[0]?.extensions).toMatchObject({ code: 'MODEL_SHAPE_MISMATCH', input: 'features', expected: { shape: ['N', 3] } });
    const badManifest = await gq(t, `mutation($m: JSONObject!, $b: String!) { publishScorer(manifest: $m, model: $b) { id } }`, {
      m: { ...scaffoldLinearScorer({ id: 'acme/lin', columns: COLUMNS }).manifest, inputs: [{ name: 'features', columns: ['item.stats.nope', 'x', 'y'] }] },
      b: ref.sha256,
    });
    expect(badManifest.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_MANIFEST', field: 'inputs[0].columns[0]' });
    const noBlob = await gq(t, `mutation($m: JSONObject!) { publishScorer(manifest: $m, model: "${'0'.repeat(64)}") { id } }`, {
      m: scaffoldLinearScorer({ id: 'acme/lin', columns: COLUMNS }).manifest,
    });
    expect(noBlob.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'model' });
    expect((await gq(t, `{ publishedScorers { id } }`)).data?.publishedScorers).toEqual([]);
    expect((await gq(t, `mutation { publishScorer(manifest: {}, model: "x") { id } }`, {}, { key: frontend })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Publish 1.0.0 in shadow: scored on live requests, never blended.
    const v1 = await publish(t, '1.0.0', [1, 0.2, 0.5]);
    expect(v1.errors).toBeUndefined();
    expect(v1.data!.publishScorer).toMatchObject({ id: 'acme/lin', live: null, shadow: '1.0.0', versions: [{ version: '1.0.0', loadedHere: true, problem: null, publishedBy: 'test-admin' }] });
    for (let u = 0; u < 12; u++) expect(versionsIn(await feedOf(t, `u${u}`), 'acme/lin')).toEqual([]);
    let agreement: Array<{ requests: number; meanRankCorrelation: number | null; meanTopNOverlap: number | null; strategyId: string }> = [];
    for (let i = 0; i < 50 && (agreement[0]?.requests ?? 0) < 12; i++) {
      await new Promise((r) => setTimeout(r, 50));
      agreement = (await gq(t, `{ publishedScorers(id: "acme/lin") { agreement { version strategyId requests failures meanRankCorrelation meanTopNOverlap } } }`)).data!.publishedScorers[0].agreement;
    }
    expect(agreement).toHaveLength(1);
    expect(agreement[0]).toMatchObject({ version: '1.0.0', strategyId: 'default', requests: 12, failures: 0 });
    expect(agreement[0]!.meanRankCorrelation).toBeGreaterThanOrEqual(-1);
    expect(agreement[0]!.meanRankCorrelation).toBeLessThanOrEqual(1);
    expect(agreement[0]!.meanTopNOverlap).toBeGreaterThanOrEqual(0);
    expect(((await (await t.get('/metrics')).text()).match(/recgate_shadow_requests_total\{[^}]*scorer="acme\/lin"[^}]*outcome="ok"} (\d+)/) ?? [])[1]).toBe('12');

    // Versions only go up.
    expect((await publish(t, '1.0.0', [1, 1, 1])).errors?.[0]?.extensions).toMatchObject({ code: 'VERSION_NOT_HIGHER', highest: '1.0.0' });

    // Canary: a published strategy pins 1.0.0 (not live) and an experiment sends half the users to it.
    const canary = await gq(t, `mutation($s: JSONObject!) { publishStrategy(strategy: $s) { id live servedHere problem } }`, {
      s: {
        id: 'canary',
        scorers: [
          { id: 'baseline/commercial', weight: 0.5 },
          { id: 'acme/lin', version: '1.0.0', weight: 0.5 },
        ],
      },
    });
    expect(canary.data?.publishStrategy).toEqual({ id: 'canary', live: 1, servedHere: true, problem: null });
    const unpinned = await gq(t, `mutation($s: JSONObject!) { publishStrategy(strategy: $s) { id } }`, { s: { id: 'bad', scorers: [{ id: 'acme/lin', weight: 1 }] } });
    expect(unpinned.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STRATEGY', field: 'scorers[0].id' });
    const exp = await gq(t, `mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }`, {
      i: {
        name: 'acme/lin canary',
        variants: [
          { key: 'control', weight: 0.5, strategyId: 'default' },
          { key: 'canary', weight: 0.5, strategyId: 'canary' },
        ],
        primaryMetrics: ['CTR'],
      },
    });
    expect((await gq(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, { id: exp.data!.createExperiment.id })).data?.startExperiment.status).toBe('RUNNING');
    const arms = new Map<string, string[]>();
    for (let u = 0; u < 12; u++) {
      const f = await feedOf(t, `u${u}`);
      arms.set(f.experiments[0]!.variantKey, versionsIn(f, 'acme/lin'));
    }
    expect(arms.get('canary')).toEqual(['1.0.0']);
    expect(arms.get('control')).toEqual([]);

    // Promote 1.0.0, publish the default strategy with it, then promote 1.1.0 and roll back.
    expect((await gq(t, `mutation { promoteScorer(id: "acme/lin") { ${SCORER} } }`)).data?.promoteScorer).toMatchObject({ live: '1.0.0', shadow: null });
    const def = await gq(t, `mutation($s: JSONObject!) { publishStrategy(strategy: $s) { live servedHere } }`, {
      s: {
        id: 'default',
        scorers: [
          { id: 'baseline/commercial', weight: 0.6 },
          { id: 'acme/lin', weight: 0.4 },
        ],
      },
    });
    expect(def.data?.publishStrategy).toEqual({ live: 1, servedHere: true });
    await gq(t, `mutation { stopExperiment(id: "${exp.data!.createExperiment.id}") { status } }`);
    expect(versionsIn(await feedOf(t, 'u1'), 'acme/lin')).toEqual(['1.0.0']);
    expect((await publish(t, '1.1.0', [0.1, 1, 0], { shadow: false })).errors).toBeUndefined();
    const before = (await feedOf(t, 'u1')).strategy.digest;
    expect((await gq(t, `mutation { promoteScorer(id: "acme/lin", version: "1.1.0") { live liveHistory } }`)).data?.promoteScorer).toEqual({ live: '1.1.0', liveHistory: ['1.0.0'] });
    const promoted = await feedOf(t, 'u1');
    expect(versionsIn(promoted, 'acme/lin')).toEqual(['1.1.0']);
    expect(promoted.strategy.digest).not.toBe(before);
    expect((await gq(t, `mutation { rollbackScorer(id: "acme/lin") { live liveHistory } }`)).data?.rollbackScorer).toEqual({ live: '1.0.0', liveHistory: [] });
    expect(versionsIn(await feedOf(t, 'u1'), 'acme/lin')).toEqual(['1.0.0']);
    expect((await gq(t, `mutation { rollbackScorer(id: "acme/lin") { live } }`)).errors?.[0]?.extensions).toMatchObject({ code: 'LIFECYCLE_CONFLICT' });
    // A strategy rollback serves the file strategy of that id again.
    expect((await gq(t, `mutation { rollbackStrategy(id: "default") { live servedHere } }`)).data?.rollbackStrategy).toEqual({ live: null, servedHere: false });
    expect(versionsIn(await feedOf(t, 'u1'), 'acme/lin')).toEqual([]);

    // Every action is in the audit log with the key that made it, and in the catalog's change log.
    const audit = (await gq(t, `{ auditLog(first: 100) { entries { action keyName outcome } } }`)).data!.auditLog.entries as Array<{ action: string; keyName: string; outcome: string }>;
    const actions = audit.filter((e) => e.keyName === 'test-admin').map((e) => `${e.action}:${e.outcome}`);
    for (const a of [
      'uploadBlob:ok',
      'publishScorer:ok',
      'publishScorer:MODEL_SHAPE_MISMATCH',
      'publishScorer:VERSION_NOT_HIGHER',
      'promoteScorer:ok',
      'rollbackScorer:ok',
      'rollbackScorer:LIFECYCLE_CONFLICT',
      'publishStrategy:ok',
      'rollbackStrategy:ok',
    ]) {
      expect(actions).toContain(a);
    }
    const changes = (await gq(t, `{ catalogChanges(first: 50) { revision kind id action version by } }`)).data!.catalogChanges as Array<{ action: string; version: string | null; by: string }>;
    expect(changes.map((c) => `${c.action}@${c.version}`)).toEqual(['publish@1.0.0', 'publish@1', 'promote@1.0.0', 'publish@1', 'publish@1.1.0', 'promote@1.1.0', 'rollback@1.0.0', 'rollback@null']);
    expect(new Set(changes.map((c) => c.by))).toEqual(new Set(['test-admin']));
  });

  it('degrades the feed when a published version throws or hangs at serve time, and keeps serving the rest', async () => {
    const broken = new Map<string, 'throw' | 'hang'>([
      ['2.0.0', 'throw'],
      ['3.0.0', 'hang'],
    ]);
    t = await startTestGateway({
      env: { PUBLISHED_SYNC_MS: '100' },
      publishedScorer: (manifest, bytes) => {
        const plugin = createPublishedScorer(manifest, bytes, loadOnnxModelBytes);
        const mode = broken.get(manifest.version);
        if (!mode) return plugin;
        return {
          ...plugin,
          async setup(ctx) {
            const live = await plugin.setup(ctx);
            return { ...live, score: mode === 'throw' ? () => Promise.reject(new Error('bad at serve time')) : () => new Promise(() => {}) };
          },
        };
      },
    });
    await seed(t);
    for (const [version, w] of [
      ['1.0.0', [1, 0, 0]],
      ['2.0.0', [0, 1, 0]],
      ['3.0.0', [0, 0, 1]],
    ] as const) {
      expect((await publish(t, version, [...w], { shadow: false })).errors).toBeUndefined();
    }
    expect((await gq(t, `mutation { promoteScorer(id: "acme/lin", version: "1.0.0") { live } }`)).data?.promoteScorer.live).toBe('1.0.0');
    const strategy = await gq(t, `mutation($s: JSONObject!) { publishStrategy(strategy: $s) { live } }`, {
      s: {
        id: 'default',
        scorers: [
          { id: 'baseline/commercial', weight: 0.5 },
          { id: 'acme/lin', weight: 0.5 },
        ],
      },
    });
    expect(strategy.data?.publishStrategy.live).toBe(1);
    for (const [version, code] of [
      ['2.0.0', 'SCORER_FAILED'],
      ['3.0.0', 'SCORER_TIMEOUT'],
    ] as const) {
      expect((await gq(t, `mutation { promoteScorer(id: "acme/lin", version: "${version}") { live } }`)).data?.promoteScorer.live).toBe(version);
      const f = await feedOf(t, 'u2');
      expect(f.items.length).toBeGreaterThan(0);
      expect(f.degraded).toEqual([{ scorerId: 'acme/lin', version, code }]);
      expect(versionsIn(f, 'baseline/commercial').length).toBe(1);
    }
    expect((await gq(t, `mutation { rollbackScorer(id: "acme/lin") { live } }`)).data?.rollbackScorer.live).toBe('2.0.0');
    expect((await gq(t, `mutation { rollbackScorer(id: "acme/lin") { live } }`)).data?.rollbackScorer.live).toBe('1.0.0');
    const healed = await feedOf(t, 'u2');
    expect(healed.degraded).toEqual([]);
    expect(versionsIn(healed, 'acme/lin')).toEqual(['1.0.0']);
    // The README's error table documents every code these answers carry.
    expect(readFileSync('README.md', 'utf8')).toContain('`MODEL_PROBE_FAILED`');
  });
});
