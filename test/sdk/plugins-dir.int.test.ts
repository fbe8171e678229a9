/**
 * A gateway booted with PLUGINS_DIR serves the plugin modules it finds there (here the documented
 * example, docs/examples/purchase-count.mjs) and boots past the broken ones, listing them in
 * /healthz `skippedScorers` with their code and module.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStrategy } from '../../pipeline/strategy';
import { FeedDocument, RecordEventsDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/gateway';

const EXAMPLE = join(__dirname, '..', '..', 'docs', 'examples', 'purchase-count.mjs');

describe('scorer plugins loaded from PLUGINS_DIR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugins-dir-'));
  copyFileSync(EXAMPLE, join(dir, 'purchase-count.mjs'));
  writeFileSync(join(dir, 'broken.js'), "require('./no-such-helper');\n");
  writeFileSync(
    join(dir, 'wrong-feature.cjs'),
    "exports.scorer = { id: 'acme/wrong', version: '1.0.0', features: ['item.colour'], async setup() { return { score: async ({ itemIds }) => new Float32Array(itemIds.length) }; } };\n",
  );
  let t: TestGateway | undefined;
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the valid plugin in a strategy, and lists the broken ones in /healthz', async () => {
    const strategy = parseStrategy({
      id: 'with-plugin',
      scorers: [
        { id: 'baseline/commercial', weight: 0.5 },
        { id: 'acme/purchase-count', weight: 0.5, settings: { prior: 0.5 } },
      ],
    });
    t = await startTestGateway({ strategy, env: { PLUGINS_DIR: dir } });
    expect(t.gateway.registry.list().map((r) => `${r.id}@${r.version}`)).toContain('acme/purchase-count@1.0.0');

    // Purchases per item: i1 by 3 users, i2 by 2, i3 by 1, i4 by none (viewed only).
    const ts = new Date(Date.now() - 60_000).toISOString();
    const purchases: Record<string, number> = { i1: 3, i2: 2, i3: 1, i4: 0 };
    const events = [
      ...Object.entries(purchases).flatMap(([item, n]) => Array.from({ length: n }, (_, k) => ({ eventId: `p-${item}-${k}`, userId: `buyer${k}`, type: 'purchase', itemId: item, ts, value: 10 }))),
      ...['i1', 'i2', 'i3', 'i4'].map((item) => ({ eventId: `v-${item}`, userId: 'buyer0', type: 'view', itemId: item, ts })),
      { eventId: 'v-u-i4', userId: 'viewer', type: 'view', itemId: 'i4', ts },
    ];
    expect((await t.gql(RecordEventsDocument, { events })).data?.recordEvents.accepted).toBe(events.length);

    const { data, errors } = await t.gql(FeedDocument, { userId: 'viewer', limit: 10 });
    expect(errors).toBeUndefined();
    const feed = data!.feed;
    expect(feed.degraded).toEqual([]);
    expect(feed.items.map((i) => i.itemId).sort()).toEqual(['i1', 'i2', 'i3', 'i4']);
    for (const item of feed.items) {
      const c = item.contributions.find((x) => x.scorerId === 'acme/purchase-count');
      expect(c).toMatchObject({ version: '1.0.0', weight: 0.5 });
      expect(c!.raw).toBeCloseTo(purchases[item.itemId]! + 0.5, 6);
    }
    // The plugin's contribution decides the order between otherwise similar items: most purchased first.
    expect(feed.items.find((i) => i.itemId === 'i1')!.contributions.find((x) => x.scorerId === 'acme/purchase-count')!.normalized).toBeCloseTo(1, 6);

    const health = (await (await t.get('/healthz')).json()) as { scorers: string[]; skippedScorers: Array<{ id: string; code: string; reason: string }> };
    expect(health.scorers).toContain('acme/purchase-count@1.0.0');
    expect(health.skippedScorers.map((k) => [k.id, k.code])).toEqual([
      [join(dir, 'broken.js'), 'INVALID_PLUGIN'],
      ['acme/wrong@1.0.0', 'UNKNOWN_FEATURE'],
    ]);
    expect(health.skippedScorers[0]!.reason).toMatch(/broken\.js: failed to load: Cannot find module '\.\/no-such-helper'/);
    expect(health.skippedScorers[1]!.reason).toContain(join(dir, 'wrong-feature.cjs'));
  });

  it('docs/writing-a-scorer.md shows the example module verbatim', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'writing-a-scorer.md'), 'utf8');
    // Shown inside a list item: indented by three spaces.
    const shown = /<!-- example: docs\/examples\/purchase-count\.mjs -->\n {3}```js\n([\s\S]*?) {3}```/.exec(doc)?.[1];
    expect(shown?.replace(/^ {3}/gm, '')).toBe(readFileSync(EXAMPLE, 'utf8'));
  });
});
