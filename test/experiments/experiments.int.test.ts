/**
 * Experiments through the real gateway: create / start / stop / archive over GraphQL with the
 * start checks, sticky hash assignment deciding the served strategy, and exposures (with the
 * strategy digest and scorer versions) logged off the request path into the experiment store.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { assignVariant } from '../../experiments/assignment';
import {
  ArchiveExperimentDocument,
  CreateExperimentDocument,
  ExperimentResultsDocument,
  ExperimentFeedDocument,
  ExperimentsDocument,
  RecordEventsDocument,
  StartExperimentDocument,
  StopExperimentDocument,
} from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/gateway';

let t: TestGateway;
let strategiesDir: string;

beforeAll(async () => {
  strategiesDir = mkdtempSync(join(tmpdir(), 'strategies-'));
  mkdirSync(strategiesDir, { recursive: true });
  writeFileSync(join(strategiesDir, 'commercial-only.json'), JSON.stringify({ id: 'commercial-only', scorers: [{ id: 'baseline/commercial', weight: 1 }] }));
  writeFileSync(join(strategiesDir, 'affinity-only.json'), JSON.stringify({ id: 'affinity-only', scorers: [{ id: 'baseline/affinity', weight: 1 }] }));
  // Needs a scorer this gateway does not have: skipped, so experiments cannot name it.
  writeFileSync(join(strategiesDir, 'needs-duve.json'), JSON.stringify({ id: 'needs-duve', scorers: [{ id: 'duve/purchase', weight: 1 }] }));
  t = await startTestGateway({ env: { STRATEGIES_DIR: strategiesDir } });
  const now = Date.now();
  const events = Array.from({ length: 40 }, (_, i) => ({
    eventId: `x-${i}`,
    userId: `u${i % 10}`,
    type: i % 5 === 0 ? 'purchase' : 'view',
    itemId: `i${i % 13}`,
    ts: new Date(now - (40 - i) * 60_000).toISOString(),
    ...(i % 5 === 0 ? { value: 10 } : {}),
  }));
  expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(40);
});

afterAll(async () => {
  await t?.stop();
  rmSync(strategiesDir, { recursive: true, force: true });
});

const variants = [
  { key: 'a', weight: 0.05, strategyId: 'commercial-only' },
  { key: 'b', weight: 0.05, strategyId: 'affinity-only' },
  { key: 'control', weight: 0.9, strategyId: 'default' },
];

describe('experiments over GraphQL', () => {
  it('lists the servable strategies (a strategy whose scorer is missing is not one)', async () => {
    const res = await t.gql(ExperimentsDocument, {});
    expect(res.data?.strategies).toEqual(['affinity-only', 'commercial-only', 'default']);
  });

  it('refuses to start bad drafts, naming the field', async () => {
    const sum = (
      await t.gql(CreateExperimentDocument, {
        input: {
          name: 'bad sum',
          variants: [
            { key: 'a', weight: 0.5, strategyId: 'default' },
            { key: 'b', weight: 0.6, strategyId: 'commercial-only' },
          ],
          primaryMetrics: ['GMV_PER_IMPRESSION'],
        },
      })
    ).data!.createExperiment;
    expect(sum.status).toBe('DRAFT');
    const r1 = await t.gql(StartExperimentDocument, { id: sum.id });
    expect(r1.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variants' });
    const missing = (
      await t.gql(CreateExperimentDocument, {
        input: {
          name: 'needs duve',
          variants: [
            { key: 'a', weight: 0.5, strategyId: 'needs-duve' },
            { key: 'b', weight: 0.5, strategyId: 'default' },
          ],
          primaryMetrics: ['CTR'],
        },
      })
    ).data!.createExperiment;
    const r2 = await t.gql(StartExperimentDocument, { id: missing.id });
    expect(r2.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variants[0].strategyId' });
    const r3 = await t.gql(CreateExperimentDocument, { input: { name: ' ', variants, primaryMetrics: ['CTR'] } });
    expect(r3.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    const r4 = await t.gql(StartExperimentDocument, { id: 'no-such-id' });
    expect(r4.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect((await t.gql(ArchiveExperimentDocument, { id: sum.id })).data?.archiveExperiment.status).toBe('ARCHIVED');
  });

  it("assigns users stickily by hash, serves their variant's strategy and logs every exposure", async () => {
    const created = (
      await t.gql(CreateExperimentDocument, {
        input: { name: 'LTV 5/5/90', hypothesis: 'commercial-only lifts GMV per impression', variants, primaryMetrics: ['GMV_PER_IMPRESSION', 'CTR'], salt: 'salt-1' },
      })
    ).data!.createExperiment;
    expect(created).toMatchObject({ status: 'DRAFT', salt: 'salt-1', guardrails: ['P99_LATENCY_MS', 'DIVERSITY'], attributionWindowHours: 24, start: null });
    const started = (await t.gql(StartExperimentDocument, { id: created.id })).data!.startExperiment;
    expect(started.status).toBe('RUNNING');
    expect(Date.parse(started.start!)).toBeGreaterThan(0);

    const overlap = (await t.gql(CreateExperimentDocument, { input: { name: 'overlap', variants, primaryMetrics: ['CTR'] } })).data!.createExperiment;
    expect((await t.gql(StartExperimentDocument, { id: overlap.id })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'layer' });

    const users = Array.from({ length: 60 }, (_, i) => `u${i}`);
    for (const u of users) {
      const want = assignVariant('salt-1', u, variants);
      for (let rep = 0; rep < 2; rep++) {
        const f = (await t.gql(ExperimentFeedDocument, { userId: u })).data!.feed;
        expect(f.experiments).toEqual([{ experimentId: created.id, variantKey: want.key }]);
        expect(f.strategy.id).toBe(want.strategyId);
      }
    }
    // Another surface is outside the experiment.
    const other = (await t.gql(ExperimentFeedDocument, { userId: 'u1', surface: 'cart' })).data!.feed;
    expect(other.experiments).toEqual([]);
    expect(other.strategy.id).toBe('default');

    await t.gateway.experiments.exposures.flush();
    const rows = await t.gateway.experiments.store.exposures(created.id);
    expect(rows).toHaveLength(120);
    const first = rows.find((r) => r.userId === 'u0')!;
    const v0 = assignVariant('salt-1', 'u0', variants);
    expect(first.assignments).toEqual([{ experimentId: created.id, variantKey: v0.key }]);
    expect(first.strategyId).toBe(v0.strategyId);
    expect(first.strategyDigest).toMatch(new RegExp(`^${v0.strategyId}@[0-9a-f]{12}$`));
    expect(first.scorerVersions.length).toBeGreaterThan(0);
    expect(first.latencyMs).toBeGreaterThan(0);
    expect(first.diversity).toBeGreaterThan(0);

    // Click the first item shown to each of u0..u9 (attributed); u10 clicks an item never shown to it.
    const shown = new Map(rows.map((r) => [r.userId, r.itemIds]));
    const clicks = Array.from({ length: 10 }, (_, i) => ({ eventId: `ck-${i}`, userId: `u${i}`, type: 'click', itemId: shown.get(`u${i}`)![0]!, ts: new Date().toISOString() }));
    clicks.push({ eventId: 'ck-x', userId: 'u10', type: 'click', itemId: 'never-shown', ts: new Date().toISOString() });
    expect((await t.gql(RecordEventsDocument, { events: clicks })).data?.recordEvents.accepted).toBe(11);
    const res = (await t.gql(ExperimentResultsDocument, { id: created.id })).data!.experimentResults;
    expect(res.control).toBe('control');
    const byKey = new Map(res.variants.map((v) => [v.key, v]));
    for (const v of variants) {
      const assignedUsers = users.filter((u) => assignVariant('salt-1', u, variants).key === v.key);
      expect(byKey.get(v.key)?.users ?? 0).toBe(assignedUsers.length);
      const clicked = assignedUsers.filter((u) => Number(u.slice(1)) < 10).length;
      const ctr = byKey.get(v.key)?.metrics.find((m) => m.metric === 'CTR');
      if (assignedUsers.length > 0) expect(ctr?.numerator).toBe(clicked);
    }
    expect(res.srm.observed.reduce((a, b) => a + b, 0)).toBe(60);
    expect(res.comparisons.every((c) => c.holmPValue >= c.pValue && c.control === 'control')).toBe(true);
    expect(res.daily.length).toBeGreaterThan(0);

    const stopped = (await t.gql(StopExperimentDocument, { id: created.id })).data!.stopExperiment;
    expect(stopped.status).toBe('STOPPED');
    const after = (await t.gql(ExperimentFeedDocument, { userId: 'u3' })).data!.feed;
    expect(after.experiments).toEqual([]);
    expect(after.strategy.id).toBe('default');
    const listed = (await t.gql(ExperimentsDocument, { status: 'STOPPED' })).data!.experiments;
    expect(listed.map((e) => e.id)).toEqual([created.id]);
  });
});
