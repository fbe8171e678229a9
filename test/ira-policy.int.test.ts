/** The IRA policy's GraphQL operations through a real gateway (IRA_DB_PATH): scopes, audit, freeze, rollback, error codes, /healthz and metrics. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ErrorCode } from '../errors/codes';
import { createInProcessQueue } from '../jobs/in-process';
import { createDqn } from '../ml/dqn/agent';
import { qnetOnnx } from '../ml/dqn/onnx';
import { IRA_DIM, IRA_FEATURES_VERSION, createIraRuntime } from '../plugins/ira';
import { parseStrategy } from '../pipeline/strategy';
import { FeedDocument, RecordEventsDocument } from './generated/graphql';
import { startTestGateway, type TestGateway } from './support/gateway';

const STATUS = `{ iraPolicy { frozenAll learningJobs lines { line version source versions frozen halted updates replaySize recentMeanReward guardrail { estimate baseline slots breached } decisions openDecisions } } }`;

describe('iraPolicy of a served gateway (IRA_DB_PATH)', () => {
  const root = mkdtempSync(join(tmpdir(), 'ira-served-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const db = join(root, 'ira.db');
  let t: TestGateway;

  beforeAll(async () => {
    // Another instance (a trainer) publishes two versions of line L into the shared file.
    const jobs = createInProcessQueue();
    const other = createIraRuntime({ dbPath: db, jobs, clock: Date.now, logger: pino({ level: 'silent' }), instanceId: 'trainer', valueSources: {}, store: null, pollMs: 0 });
    for (const seed of [1, 2]) {
      const net = createDqn({ dim: IRA_DIM, hidden: [8], seed }).online;
      await other.snapshots.publish('L', {
        sizes: net.sizes,
        featuresVersion: IRA_FEATURES_VERSION,
        source: seed === 1 ? 'pretrain' : 'online',
        createdAt: 1000 * seed,
        updates: seed,
        guardrail: null,
        params: net.params,
        onnx: qnetOnnx(net),
      });
    }
    other.close();
    await jobs.close();
    t = await startTestGateway({ env: { IRA_DB_PATH: db } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('reads the lines with scorers:read; freeze and rollback need scorers:write, are audited, and answer the DDPG codes', async () => {
    const analyst = t.keyFor('analyst');
    const read = await t.raw(STATUS, {}, { key: analyst });
    expect(read.errors).toBeUndefined();
    expect(read.data!.iraPolicy).toMatchObject({ frozenAll: false, lines: [{ line: 'L', version: 2, source: 'online', versions: 2, frozen: false, halted: null, updates: 0, guardrail: null }] });
    const refused = await t.raw('mutation { freezeIraPolicy(frozen: true) { frozenAll } }', {}, { key: analyst });
    expect(refused.errors?.[0]?.extensions?.code).toBe(ErrorCode.FORBIDDEN);
    const line = await t.raw('mutation { freezeIraPolicy(frozen: true, line: "L") { frozenAll lines { line frozen } } }');
    expect(line.data!.freezeIraPolicy).toEqual({ frozenAll: false, lines: [{ line: 'L', frozen: true }] });
    const all = await t.raw('mutation { freezeIraPolicy(frozen: false) { frozenAll lines { frozen } } }');
    expect(all.data!.freezeIraPolicy).toEqual({ frozenAll: false, lines: [{ frozen: false }] });
    const unknown = await t.raw('mutation { freezeIraPolicy(frozen: true, line: "nope") { frozenAll } }');
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
    const back = await t.raw('mutation { rollbackIraPolicy(line: "L") { lines { line version source } } }');
    expect(back.data!.rollbackIraPolicy).toEqual({ lines: [{ line: 'L', version: 1, source: 'pretrain' }] });
    const none = await t.raw('mutation { rollbackIraPolicy(line: "L") { lines { version } } }');
    expect(none.errors?.[0]?.extensions?.code).toBe(ErrorCode.LIFECYCLE_CONFLICT);
    const audit = await t.raw('{ auditLog(first: 20) { entries { action outcome } } }');
    const actions = (audit.data!.auditLog as { entries: Array<{ action: string; outcome: string }> }).entries.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['freezeIraPolicy:ok', 'freezeIraPolicy:BAD_USER_INPUT', 'rollbackIraPolicy:ok', 'rollbackIraPolicy:LIFECYCLE_CONFLICT']));
  });

  it('shows the lines in /healthz and /metrics, and stores events with IRA on', async () => {
    const health = (await (await t.get('/healthz')).json()) as { iraPolicy: { lines: Array<{ line: string; version: number; halted: string | null }> } };
    expect(health.iraPolicy.lines).toEqual([expect.objectContaining({ line: 'L', version: 1, halted: null })]);
    const metrics = await (await t.get('/metrics')).text();
    expect(metrics).toContain('recgate_ira_version{line="L"} 1');
    expect(metrics).toContain('recgate_ira_halted{line="L"} 0');
    const rec = await t.raw('mutation($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }', {
      e: [{ eventId: 'e1', userId: 'u1', type: 'click', itemId: 'i1', ts: new Date().toISOString() }],
    });
    expect(rec.errors).toBeUndefined();
  });
});

describe('iraPolicy without IRA', () => {
  it('answers MODEL_UNAVAILABLE when IRA_DB_PATH is empty', async () => {
    const t = await startTestGateway({ env: { IRA_DB_PATH: '' } });
    try {
      expect((await t.raw(STATUS)).errors?.[0]?.extensions?.code).toBe(ErrorCode.MODEL_UNAVAILABLE);
      expect(((await (await t.get('/healthz')).json()) as { iraPolicy: unknown }).iraPolicy).toBeNull();
    } finally {
      await t.stop();
    }
  });
});

describe('ira/policy served by the gateway (IRA_DB_PATH)', () => {
  const root = mkdtempSync(join(tmpdir(), 'ira-feed-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves the policy list from version 0 and records the decision for its line', async () => {
    const t = await startTestGateway({
      env: { IRA_DB_PATH: join(root, 'ira.db') },
      strategy: parseStrategy({
        id: 'ira',
        scorers: [
          { id: 'baseline/commercial', weight: 1 },
          { id: 'ira/policy', weight: 0, settings: { explore: 'boltzmann', temperature: 0.1 } },
        ],
        policy: { scorer: 'ira/policy' },
      }),
    });
    try {
      const ts = new Date(Date.now() - 60_000).toISOString();
      const events = Array.from({ length: 30 }, (_, k) => ({ eventId: `d${k}`, userId: `u${k % 4}`, type: k % 5 === 0 ? 'purchase' : 'view', itemId: `i${k % 9}`, ts, value: k % 5 === 0 ? 20 : 0 }));
      expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(30);
      const { data, errors } = await t.gql(FeedDocument, { userId: 'u1' });
      expect(errors).toBeUndefined();
      expect(data!.feed.items.length).toBeGreaterThan(0);
      expect(data!.feed.degraded).toEqual([]);
      // The decision is recorded after the answer (off the critical path).
      let lines: Array<{ line: string; version: number; decisions: number; openDecisions: number }> = [];
      for (let k = 0; k < 50 && lines[0]?.decisions !== 1; k++) {
        await new Promise((r) => setTimeout(r, 20));
        lines = ((await t.raw(STATUS)).data!.iraPolicy as { lines: typeof lines }).lines;
      }
      expect(lines).toEqual([expect.objectContaining({ line: 'g0.6-0.4.none.r15', version: 0, decisions: 1, openDecisions: 1 })]);
    } finally {
      await t.stop();
    }
  });
});
