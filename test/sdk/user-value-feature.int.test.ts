/** `user.value`: a scorer that declares it reads the user's DUVE state, the same the `userValue` query serves; null without DUVE or for an unseen user. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStrategy } from '../../pipeline/strategy';
import { defineScorer, type UserValueState } from '../../plugins/sdk';
import { FeedDocument, RecordEventsDocument, UserValueDocument } from '../generated/graphql';
import { publishTestDuveModel } from '../support/duve-model';
import { startTestGateway, type TestGateway } from '../support/gateway';

const seen = new Map<string, UserValueState | null>();
const reader = defineScorer({
  id: 'test/value-reader',
  version: '1.0.0',
  features: ['user.value', 'item.stats'] as const,
  timeoutMs: 2_000,
  async setup() {
    return {
      async score({ userId, itemIds, features }) {
        seen.set(userId, features['user.value']);
        const p = features['user.value']?.purchaseProbability ?? 0;
        return Float32Array.from(itemIds, (_, i) => p * (i + 1));
      },
    };
  },
});
const strategy = parseStrategy({ id: 'value', scorers: [{ id: 'test/value-reader', weight: 1 }] });
const base = Date.now() - 2 * 24 * 3_600_000;
const events = Array.from({ length: 16 }, (_, k) => ({
  eventId: `uvf-${k}`,
  userId: `u${k % 2}`,
  type: k % 5 === 0 ? 'purchase' : k % 3 === 0 ? 'add_to_cart' : 'view',
  itemId: `i${k % 5}`,
  ts: new Date(base + k * 3_600_000).toISOString(),
  ...(k % 5 === 0 ? { value: 25 } : {}),
}));

async function feed(t: TestGateway, userId: string): Promise<void> {
  const { data, errors } = await t.gql(FeedDocument, { userId, limit: 3 });
  expect(errors).toBeUndefined();
  expect(data!.feed.degraded).toEqual([]);
}

describe('the user.value feature', () => {
  const root = mkdtempSync(join(tmpdir(), 'uvf-models-'));
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
    seen.clear();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("carries the user's DUVE state when the gateway serves a model, and null for an unseen user", async () => {
    const { modelDir } = await publishTestDuveModel(root);
    t = await startTestGateway({ plugins: [reader], strategy, env: { DUVE_MODEL_DIR: modelDir } });
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(events.length);
    await feed(t, 'u1');
    await feed(t, 'stranger');
    const served = (await t.gql(UserValueDocument, { userId: 'u1' })).data?.userValue;
    const state = seen.get('u1');
    expect(served).toBeDefined();
    expect(state?.modelVersion).toBe('duve/value@1');
    expect(state?.purchaseProbability).toBeCloseTo(served!.purchaseProbability, 4);
    expect(state?.expectedPurchases).toBeCloseTo(served!.expectedPurchases, 4);
    expect(state?.segment.toUpperCase().replace(/-/g, '_')).toBe(served!.segment);
    expect(seen.has('stranger')).toBe(true);
    expect(seen.get('stranger')).toBeNull();
  });

  it('is null on a gateway without a DUVE model', async () => {
    t = await startTestGateway({ plugins: [reader], strategy });
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(events.length);
    await feed(t, 'u1');
    expect(seen.has('u1')).toBe(true);
    expect(seen.get('u1')).toBeNull();
  });
});
