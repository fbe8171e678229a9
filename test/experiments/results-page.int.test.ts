/**
 * The experiment results page in headless Chromium (Debian `chromium` + playwright-core; CI
 * installs it, without it this test fails): every number the page shows equals the API's
 * `experimentResults` for the same experiment, the SRM status is shown, and the daily charts
 * have one line per variant.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CreateExperimentDocument, ExperimentFeedDocument, ExperimentResultsDocument, RecordEventsDocument, StartExperimentDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../support/gateway';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// The page's formatting (server/results-page.ts): 4 significant digits, '–' for null.
const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : Number(x).toPrecision(4));
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(100 * x).toPrecision(3)}%`);

let t: TestGateway;
let browser: Browser;
let dir: string;
let experimentId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the results page test needs headless Chromium (Debian: apt-get install -y chromium)`);
  dir = mkdtempSync(join(tmpdir(), 'results-page-'));
  writeFileSync(join(dir, 'commercial-only.json'), JSON.stringify({ id: 'commercial-only', scorers: [{ id: 'baseline/commercial', weight: 1 }] }));
  t = await startTestGateway({ env: { STRATEGIES_DIR: dir } });
  const now = Date.now();
  const seed = Array.from({ length: 60 }, (_, i) => ({ eventId: `s-${i}`, userId: `w${i % 12}`, type: 'view', itemId: `i${i % 17}`, ts: new Date(now - (61 - i) * 60_000).toISOString() }));
  await t.gql(RecordEventsDocument, { events: seed });
  const created = (
    await t.gql(CreateExperimentDocument, {
      input: {
        name: 'Results page <test>',
        hypothesis: 'commercial-only & co',
        variants: [
          { key: 'control', weight: 0.5, strategyId: 'default' },
          { key: 'challenger', weight: 0.5, strategyId: 'commercial-only' },
        ],
        primaryMetrics: ['CTR', 'CONVERSION_RATE', 'GMV_PER_IMPRESSION'],
        salt: 'page',
      },
    })
  ).data!.createExperiment;
  experimentId = created.id;
  await t.gql(StartExperimentDocument, { id: experimentId });
  const reactions = [];
  for (let u = 0; u < 40; u++) {
    const f = (await t.gql(ExperimentFeedDocument, { userId: `p${u}` })).data!.feed;
    const first = f.items[0]?.itemId;
    if (first && u % 3 === 0) reactions.push({ eventId: `c-${u}`, userId: `p${u}`, type: 'click', itemId: first, ts: new Date().toISOString() });
    if (first && u % 6 === 0) reactions.push({ eventId: `b-${u}`, userId: `p${u}`, type: 'purchase', itemId: first, ts: new Date().toISOString(), value: 10 + u });
  }
  expect((await t.gql(RecordEventsDocument, { events: reactions })).data?.recordEvents.accepted).toBe(reactions.length);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('experiment results page', () => {
  it("shows the API's numbers, the SRM status and one chart line per variant", async () => {
    const api = (await t.gql(ExperimentResultsDocument, { id: experimentId })).data!.experimentResults;
    expect(api.variants.reduce((a, v) => a + v.users, 0)).toBe(40);
    const page = await browser.newPage();
    await page.goto(t.gateway.url.replace('/graphql', `/experiments/${experimentId}#key=${t.keyFor('analyst')}`));
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    // The key left the address bar (it is kept for the tab only).
    expect(page.url()).toBe(t.gateway.url.replace('/graphql', `/experiments/${experimentId}`));
    expect(await page.textContent('h1')).toBe('Results page <test>');
    // Variant table: header order and every cell.
    const headers = await page.$$eval('#variants thead th[data-variant]', (ths) => ths.map((th) => th.getAttribute('data-variant')));
    expect(headers).toEqual(api.variants.map((v) => v.key));
    const rows = await page.$$eval('#variants tbody tr', (trs) =>
      trs.map((tr) => ({ metric: tr.getAttribute('data-metric'), cells: [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent) })),
    );
    const byMetric = new Map(rows.map((r) => [r.metric, r.cells]));
    expect(byMetric.get('users')).toEqual(api.variants.map((v) => String(v.users)));
    expect(byMetric.get('impressions')).toEqual(api.variants.map((v) => String(v.impressions)));
    for (const m of api.variants[0]!.metrics) {
      expect({ metric: m.metric, cells: byMetric.get(m.metric) }).toEqual({ metric: m.metric, cells: api.variants.map((v) => fmt(v.metrics.find((x) => x.metric === m.metric)!.value)) });
    }
    // Comparisons: one row per API comparison, same numbers.
    const comps = await page.$$eval('#comparisons tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(api.comparisons.length).toBeGreaterThanOrEqual(3);
    expect(comps).toHaveLength(api.comparisons.length);
    api.comparisons.forEach((c, i) => {
      expect(comps[i]).toEqual([
        c.metric,
        c.variant,
        c.test,
        fmt(c.absoluteLift),
        `[${fmt(c.absoluteCiLower)}, ${fmt(c.absoluteCiUpper)}]`,
        pct(c.relativeLift),
        `[${pct(c.relativeCiLower)}, ${pct(c.relativeCiUpper)}]`,
        fmt(c.pValue),
        fmt(c.holmPValue),
        fmt(c.bonferroniPValue),
        c.significant ? 'yes' : 'no',
      ]);
    });
    expect(await page.getAttribute('#srm', 'data-mismatch')).toBe(String(api.srm.mismatch));
    expect(await page.textContent('#srm')).toContain(`observed ${api.srm.observed.join(' / ')}`);
    // Charts: CTR, GMV per impression, exposures; a line per variant with data.
    expect(await page.$$eval('svg.chart', (s) => s.map((x) => x.getAttribute('data-metric')))).toEqual(['ctr', 'gmvPerImpression', 'exposures']);
    const lines = await page.$$eval('svg.chart[data-metric="exposures"] polyline.series', (ps) => ps.map((p) => p.getAttribute('data-variant')));
    expect(lines.sort()).toEqual([...new Set(api.daily.map((d) => d.variant))].sort());
    await page.close();
  });

  it('shows the coded error for an unknown experiment', async () => {
    const page = await browser.newPage();
    await page.goto(t.gateway.url.replace('/graphql', `/experiments/nope#key=${t.keyFor('analyst')}`));
    await page.waitForSelector('body[data-ready="error"]', { timeout: 20_000 });
    expect(await page.textContent('#error')).toContain('NOT_FOUND');
    await page.close();
  });

  it('asks for a key without one, and shows FORBIDDEN for a key without experiments:read', async () => {
    const page = await browser.newPage();
    const url = t.gateway.url.replace('/graphql', `/experiments/${experimentId}`);
    await page.goto(url);
    await page.waitForSelector('body[data-ready="key"]', { timeout: 20_000 });
    expect(await page.textContent('#key-form')).toContain('needs an API key');
    await page.fill('#key', t.keyFor('frontend'));
    await page.click('#key-form button');
    await page.waitForSelector('body[data-ready="error"]', { timeout: 20_000 });
    expect(await page.textContent('#error')).toContain('FORBIDDEN');
    expect(await page.textContent('#error')).toContain('experiments:read');
    await page.goto('about:blank'); // a fragment-only change would not reload the page
    await page.goto(`${url}#key=rgk_not-a-key`);
    await page.waitForSelector('body[data-ready="key"]', { timeout: 20_000 });
    expect(await page.textContent('#key-form')).toContain('unknown or revoked');
    await page.close();
  });
});
