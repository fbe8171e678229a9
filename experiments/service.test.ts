import type { CodedError } from '../errors/errors';
import type { ExposureLog } from './exposure-log';
import type { Experiment } from './model';
import { createExperimentService, type ExperimentDraft, type ExperimentService } from './service';
import type { ExperimentStore } from './store';

function memoryStore(): ExperimentStore {
  const m = new Map<string, Experiment>();
  return {
    put: async (e) => void m.set(e.id, e),
    get: async (id) => m.get(id) ?? null,
    list: async () => [...m.values()].sort((a, b) => a.id.localeCompare(b.id)),
    appendExposures: async (rows) => rows.length,
    exposures: async () => [],
    exposuresOnSurface: async () => [],
    close: async () => undefined,
  };
}
const noLog = { record: () => undefined } as unknown as ExposureLog;
const draft = (over: Partial<ExperimentDraft> = {}): ExperimentDraft => ({
  name: 'LTV vs commercial',
  variants: [
    { key: 'a', weight: 0.05, strategyId: 'ltv' },
    { key: 'b', weight: 0.05, strategyId: 'commercial-only' },
    { key: 'control', weight: 0.9, strategyId: 'default' },
  ],
  primaryMetrics: ['gmv_per_impression'],
  ...over,
});
async function fails(p: Promise<unknown>): Promise<CodedError> {
  try {
    await p;
  } catch (err) {
    return err as CodedError;
  }
  throw new Error('expected a rejection');
}

describe('experiment service', () => {
  let svc: ExperimentService;
  let store: ExperimentStore;
  const strategies = () => new Set(['default', 'ltv', 'commercial-only']);
  beforeEach(async () => {
    store = memoryStore();
    svc = await createExperimentService({ store, exposures: noLog, strategies, clock: () => 1000 });
  });

  it('reloads running experiments from the store (a restarted gateway keeps assigning)', async () => {
    const e = await svc.start((await svc.create(draft({ salt: 's' }))).id);
    const again = await createExperimentService({ store, exposures: noLog, strategies });
    expect(again.assign('user-9', 'home')).toEqual(svc.assign('user-9', 'home'));
    expect(again.assign('user-9', 'home').assignments[0]!.experimentId).toBe(e.id);
  });

  it('creates drafts with defaults and rejects malformed ones naming the field', async () => {
    const e = await svc.create(draft());
    expect(e).toMatchObject({ status: 'draft', surface: 'home', layer: null, salt: e.id, guardrails: ['p99_latency_ms', 'diversity'], attributionWindowHours: 24, createdAt: 1000, startedAt: null });
    const dup = await fails(
      svc.create(
        draft({
          variants: [
            { key: 'a', weight: 0.5, strategyId: 'ltv' },
            { key: 'a', weight: 0.5, strategyId: 'default' },
          ],
        }),
      ),
    );
    expect(dup.code).toBe('BAD_USER_INPUT');
    expect(dup.details).toMatchObject({ field: 'input.variants[1].key' });
    const one = await fails(svc.create(draft({ variants: [{ key: 'a', weight: 1, strategyId: 'ltv' }] })));
    expect(one.details).toMatchObject({ field: 'input.variants' });
    const w = await fails(svc.create(draft({ attributionWindowHours: 0 })));
    expect(w.details).toMatchObject({ field: 'input.attributionWindowHours' });
  });

  it('starts only a valid draft: weights sum to 1, strategies exist', async () => {
    const bad = await svc.create(
      draft({
        variants: [
          { key: 'a', weight: 0.5, strategyId: 'ltv' },
          { key: 'b', weight: 0.4, strategyId: 'default' },
        ],
      }),
    );
    const sum = await fails(svc.start(bad.id));
    expect(sum.details).toMatchObject({ field: 'variants' });
    expect(sum.message).toContain('sum to 0.9');
    const unknown = await svc.create(
      draft({
        variants: [
          { key: 'a', weight: 0.5, strategyId: 'nope' },
          { key: 'b', weight: 0.5, strategyId: 'default' },
        ],
      }),
    );
    expect((await fails(svc.start(unknown.id))).details).toMatchObject({ field: 'variants[0].strategyId' });
    const ok = await svc.create(draft());
    expect((await svc.start(ok.id)).status).toBe('running');
    expect((await fails(svc.start(ok.id))).details).toMatchObject({ field: 'status' });
    expect((await fails(svc.get('missing'))).code).toBe('NOT_FOUND');
  });

  it('refuses an overlapping experiment on the same surface unless both are in different layers', async () => {
    const first = await svc.start((await svc.create(draft())).id);
    const second = await svc.create(draft({ name: 'other' }));
    expect((await fails(svc.start(second.id))).details).toMatchObject({ field: 'layer' });
    const elsewhere = await svc.create(draft({ surface: 'cart' }));
    expect((await svc.start(elsewhere.id)).status).toBe('running');
    await svc.stop(first.id);
    const l1 = await svc.start((await svc.create(draft({ layer: 'ranking' }))).id);
    const sameLayer = await svc.create(draft({ layer: 'ranking' }));
    expect((await fails(svc.start(sameLayer.id))).details).toMatchObject({ field: 'layer' });
    const l2 = await svc.start(
      (
        await svc.create(
          draft({
            layer: 'zz-holdout',
            variants: [
              { key: 'in', weight: 0.5, strategyId: 'ltv' },
              { key: 'out', weight: 0.5, strategyId: 'default' },
            ],
          }),
        )
      ).id,
    );
    // Both assign; the strategy comes from the first layer in name order.
    const a = svc.assign('user-1', 'home');
    expect(a.assignments.map((x) => x.experimentId)).toEqual([l1.id, l2.id]);
    const v1 = l1.variants.find((v) => v.key === a.assignments[0]!.variantKey)!;
    expect(a.strategyId).toBe(v1.strategyId);
    expect(svc.assign('user-1', 'home')).toEqual(a);
    expect(svc.assign('user-1', 'search')).toEqual({ strategyId: null, assignments: [] });
  });

  it('moves through stop and archive only from the right states', async () => {
    const e = await svc.create(draft());
    expect((await fails(svc.stop(e.id))).details).toMatchObject({ field: 'id' });
    await svc.start(e.id);
    expect((await fails(svc.archive(e.id))).message).toContain('is running');
    const stopped = await svc.stop(e.id);
    expect(stopped).toMatchObject({ status: 'stopped', stoppedAt: 1000 });
    expect(svc.assign('u', 'home').assignments).toEqual([]);
    expect((await svc.archive(e.id)).status).toBe('archived');
    expect((await svc.list('archived')).map((x) => x.id)).toEqual([e.id]);
  });
});
