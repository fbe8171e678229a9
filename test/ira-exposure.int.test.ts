/**
 * The policy hook end to end through a served gateway (IRA_DB_PATH): an experiment arm whose
 * strategy names `ira/policy` as its policy serves IRA's slate, and its exposure rows carry the
 * slot propensities, the policy and the decision id, which join the IRA decision log (the same
 * slate, the same propensities). The control arm's rows carry nulls.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIraDecisionLog } from '../plugins/ira/decision-log';
import { CreateExperimentDocument, FeedDocument, RecordEventsDocument, StartExperimentDocument } from './generated/graphql';
import { startTestGateway } from './support/gateway';

describe('exposures of a policy-served arm', () => {
  const root = mkdtempSync(join(tmpdir(), 'ira-exposure-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('record propensities, policy and decision id that join the decision log; the blend arm records nulls', async () => {
    const strategies = join(root, 'strategies');
    mkdirSync(strategies);
    writeFileSync(
      join(strategies, 'ira.json'),
      JSON.stringify({
        id: 'ira',
        scorers: [
          { id: 'baseline/commercial', weight: 1 },
          { id: 'ira/policy', weight: 0, settings: { explore: 'epsilon', epsilon: 0.2, pool: 6 } },
        ],
        policy: { scorer: 'ira/policy' },
      }),
    );
    const iraDb = join(root, 'ira.db');
    const t = await startTestGateway({ env: { IRA_DB_PATH: iraDb, STRATEGIES_DIR: strategies } });
    try {
      const now = Date.now();
      const events = Array.from({ length: 60 }, (_, k) => ({
        eventId: `e${k}`,
        userId: `u${k % 12}`,
        type: k % 7 === 0 ? 'purchase' : 'view',
        itemId: `i${k % 15}`,
        ts: new Date(now - (60 - k) * 60_000).toISOString(),
        ...(k % 7 === 0 ? { value: 12 } : {}),
      }));
      expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(60);
      const created = (
        await t.gql(CreateExperimentDocument, {
          input: {
            name: 'ira vs blend',
            variants: [
              { key: 'ira', weight: 0.5, strategyId: 'ira' },
              { key: 'control', weight: 0.5, strategyId: 'default' },
            ],
            primaryMetrics: ['CTR'],
          },
        })
      ).data!.createExperiment;
      expect((await t.gql(StartExperimentDocument, { id: created.id })).errors).toBeUndefined();
      for (let u = 0; u < 12; u++) {
        const res = await t.gql(FeedDocument, { userId: `u${u}`, limit: 5 });
        expect(res.errors).toBeUndefined();
        expect(res.data!.feed.degraded).toEqual([]);
      }
      await t.gateway.experiments.exposures.flush();
      const rows = await t.gateway.experiments.store.exposures(created.id);
      expect(rows).toHaveLength(12);
      const served = rows.filter((r) => r.strategyId === 'ira');
      const control = rows.filter((r) => r.strategyId === 'default');
      expect(served.length).toBeGreaterThan(0);
      expect(control.length).toBeGreaterThan(0);
      for (const r of control) expect([r.propensities, r.policy, r.decisionId]).toEqual([null, null, null]);
      // Decisions are recorded after the answer: wait until every served row's decision is in the log.
      let logged = new Map<string, { shown: readonly number[]; pool: readonly string[]; propensities: readonly number[] }>();
      for (let k = 0; k < 100 && logged.size < served.length; k++) {
        await new Promise((r) => setTimeout(r, 20));
        const log = openIraDecisionLog(iraDb);
        logged = new Map(log.read().map((d) => [d.decisionId, d] as const));
        log.close();
      }
      for (const r of served) {
        expect(r.policy).toBe('ira/policy@0');
        expect(r.decisionId).toBe(r.exposureId);
        expect(r.propensities).toHaveLength(r.itemIds.length);
        for (const p of r.propensities!) expect(p).toBeGreaterThan(0);
        const d = logged.get(r.decisionId!)!;
        expect(d.shown.map((i) => d.pool[i])).toEqual(r.itemIds);
        expect(d.propensities).toEqual(r.propensities);
      }
    } finally {
      await t.stop();
    }
  });
});
