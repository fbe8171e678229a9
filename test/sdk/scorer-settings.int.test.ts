/** A strategy file's `scorers[i].settings` reach the scorer on every request, over HTTP. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineScorer } from '../../plugins/sdk';
import { FeedDocument, RecordEventsDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/gateway';

/** Scores 1 for the item named by the `pick` setting, 0 for the others. */
const picker = defineScorer({
  id: 'test/pick',
  version: '1.0.0',
  features: [] as const,
  async setup() {
    return { score: async ({ itemIds, settings }) => Float32Array.from(itemIds, (id) => (id === settings?.['pick'] ? 1 : 0)) };
  },
});

describe('scorer settings from the strategy file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'settings-strategy-'));
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const t of gateways) await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function feedWith(pick: string): Promise<{ top: string | undefined; digest: string }> {
    const file = join(dir, `pick-${pick}.json`);
    writeFileSync(file, JSON.stringify({ id: 'pick', scorers: [{ id: 'test/pick', weight: 1, settings: { pick } }], diversity: { method: 'none' } }));
    const t = await startTestGateway({ plugins: [picker], env: { STRATEGY_FILE: file } });
    gateways.push(t);
    const ts = new Date(Date.now() - 60_000).toISOString();
    const events = Array.from({ length: 27 }, (_, k) => ({ eventId: `s${k}`, userId: `u${k % 3}`, type: 'view', itemId: `i${k % 9}`, ts }));
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(27);
    const { data, errors } = await t.gql(FeedDocument, { userId: 'u0', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data!.feed.degraded).toEqual([]);
    return { top: data!.feed.items[0]?.itemId, digest: data!.feed.strategy.digest };
  }

  it('changes the ranking when only the setting changes, and the strategy digest with it', async () => {
    const a = await feedWith('i4');
    const b = await feedWith('i7');
    expect(a.top).toBe('i4');
    expect(b.top).toBe('i7');
    expect(a.digest).not.toBe(b.digest);
  });

  it('refuses a strategy file with a bad setting, naming the field', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ scorers: [{ id: 'test/pick', weight: 1, settings: ['i4'] }] }));
    await expect(startTestGateway({ plugins: [picker], env: { STRATEGY_FILE: file } })).rejects.toMatchObject({ code: 'INVALID_STRATEGY', details: { field: 'strategy.scorers[0].settings' } });
  });
});
