/**
 * The HTML report in a real browser: reports from small real runs (3,000 Taobao rows; CDNOW
 * customers 1..800) are written as JSON + HTML to a temp dir and opened in headless Chromium.
 * Chromium is required (CI installs Debian `chromium`): without it this test fails.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runEventsTemporal } from '../../eval/protocols/events-temporal';
import { runValueHoldout } from '../../eval/protocols/value-holdout';
import { formatValue, writeReportHtml } from '../../eval/report/html';
import { canonicalReport, columnKey, metricDirection, writeReportJson } from '../../eval/report/json';
import type { EvalReport } from '../../eval/report/types';
import { CDNOW_MASTER, TAOBAO_FILE, readLines, tempDir, writeLines } from '../import/helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let cleanup: () => Promise<void>;
let browser: Browser;
const reports: Array<{ report: EvalReport; json: string; html: string }> = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the report test needs headless Chromium (Debian: apt-get install -y chromium)`);
  }
  ({ dir, cleanup } = await tempDir());
  const taobao = await writeLines(dir, 'taobao.csv', (await readLines(TAOBAO_FILE)).slice(0, 3000));
  const cdnowAll = await readLines(CDNOW_MASTER);
  const cdnow = await writeLines(dir, 'cdnow.txt', [cdnowAll[0]!, ...cdnowAll.slice(1).filter((l) => Number(l.trim().split(/\s+/)[0]) <= 800)]);
  const runs = [
    await runEventsTemporal({ file: taobao, datasetName: 'taobao <head> & "3000"', negatives: 20, progress: false, workDir: dir }),
    await runValueHoldout({ file: cdnow, datasetName: 'cdnow-800', progress: false, workDir: dir }),
  ];
  for (const report of runs) reports.push({ report, json: await writeReportJson(report, join(dir, 'reports')), html: await writeReportHtml(report, join(dir, 'reports')) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await cleanup?.();
});

async function open(html: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const url = pathToFileURL(html).href;
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url);
  return { page, problems };
}

describe.each([0, 1])('report %i in headless Chromium', (i) => {
  let r: EvalReport;
  let page: Page;
  let problems: string[];
  beforeAll(async () => {
    r = reports[i]!.report;
    ({ page, problems } = await open(reports[i]!.html));
  });
  afterAll(async () => {
    await page?.close();
  });

  it('wrote the JSON under the stable name, in canonical order', async () => {
    const json = reports[i]!.json;
    expect(json).toMatch(i === 0 ? /events-temporal-taobao-head-3000-42\.json$/ : /value-holdout-cdnow-800-42\.json$/);
    const text = await readFile(json, 'utf8');
    expect(JSON.parse(text)).toEqual(canonicalReport(r));
    expect(Object.keys(JSON.parse(text))).toEqual(['schemaVersion', 'protocol', 'dataset', 'seed', 'startedAt', 'wallMs', 'peakRssMiB', 'models', 'metrics', 'notes']);
  });

  it('shows the title block and notes, with every text escaped', async () => {
    const facts = await page.$$eval('#title-block [data-field]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-field'), e.textContent])));
    expect(facts.protocol).toBe(r.protocol);
    expect(facts.seed).toBe(String(r.seed));
    expect(facts.split).toBe(r.dataset.split);
    expect(facts.dataset).toContain(r.dataset.name);
    expect(await page.textContent('h1')).toContain(r.dataset.name);
    expect(await page.$$eval('#title-block b', (els) => els.length)).toBe(0);
    expect(await page.$$eval('#notes li', (els) => els.map((e) => e.textContent))).toEqual([...r.notes]);
  });

  it('shows every overall figure in table#metrics and highlights the best per column', async () => {
    const cells = await page.$$eval('table#metrics td[data-value]', (tds) =>
      tds.map((td) => ({
        model: td.getAttribute('data-model'),
        metric: td.getAttribute('data-metric'),
        k: td.getAttribute('data-k'),
        target: td.getAttribute('data-target'),
        value: td.getAttribute('data-value'),
        text: td.textContent,
        best: td.classList.contains('best'),
        visible: td.getBoundingClientRect().width > 0,
      })),
    );
    const overall = r.metrics.filter((m) => m.segment === undefined);
    expect(cells).toHaveLength(overall.length);
    for (const m of overall) {
      const c = cells.find((x) => x.model === m.model && x.metric === m.metric && x.k === (m.k === undefined ? null : String(m.k)) && x.target === (m.target ?? null));
      expect(c).toBeDefined();
      expect(Number(c!.value)).toBe(m.value);
      expect(c!.text).toBe(formatValue(m.value));
      expect(c!.visible).toBe(true);
      const column = overall.filter((x) => columnKey(x) === columnKey(m)).map((x) => x.value);
      const d = metricDirection(m.metric);
      const bestValue = d === 'higher' ? Math.max(...column) : d === 'lower' ? Math.min(...column) : column.reduce((p, v) => (Math.abs(v) < Math.abs(p) ? v : p));
      expect(c!.best).toBe(m.value === bestValue);
    }
    const roles = await page.$$eval('table#metrics tbody tr', (trs) => trs.map((t) => [t.getAttribute('data-model'), t.getAttribute('data-role')]));
    expect(roles).toEqual(r.models.map((m) => [m.id, m.role]));
  });

  it('draws one line chart per metric at several K, one series per model, one point per K', async () => {
    const groups = new Map<string, Set<number>>();
    for (const m of r.metrics) if (m.segment === undefined && m.k !== undefined) groups.set(`${m.metric}|${m.target ?? ''}`, (groups.get(`${m.metric}|${m.target ?? ''}`) ?? new Set()).add(m.k));
    const expected = [...groups.entries()].filter(([, ks]) => ks.size > 1);
    const charts = await page.$$eval('svg.chart.line', (svgs) =>
      svgs.map((s) => ({
        metric: s.getAttribute('data-metric'),
        target: s.getAttribute('data-target') ?? '',
        size: s.getBoundingClientRect().width * s.getBoundingClientRect().height,
        series: [...s.querySelectorAll('g.series')].map((g) => ({
          name: g.getAttribute('data-series'),
          points: [...g.querySelectorAll('circle.point')].map((c) => c.getBoundingClientRect().width * c.getBoundingClientRect().height),
        })),
      })),
    );
    expect(charts).toHaveLength(expected.length);
    for (const [key, ks] of expected) {
      const c = charts.find((x) => `${x.metric}|${x.target}` === key)!;
      expect(c.size).toBeGreaterThan(0);
      expect(c.series.map((s) => s.name)).toEqual(r.models.map((m) => m.id));
      for (const s of c.series) {
        expect(s.points).toHaveLength(ks.size);
        for (const area of s.points) expect(area).toBeGreaterThan(0);
      }
    }
    if (i === 0) expect(await page.$$('svg.chart.line[data-metric="ndcg"][data-target="click"]')).toHaveLength(1);
  });

  it('draws one grouped bar chart per segment metric, one bar per segment and model', async () => {
    const seg = r.metrics.filter((m) => m.segment !== undefined);
    const keys = [...new Set(seg.map(columnKey))];
    const charts = await page.$$eval('svg.chart.bar', (svgs) =>
      svgs.map((s) => ({
        key: `${s.getAttribute('data-metric')}|${s.getAttribute('data-k') ?? ''}|${s.getAttribute('data-target') ?? ''}`,
        size: s.getBoundingClientRect().width * s.getBoundingClientRect().height,
        bars: [...s.querySelectorAll('rect.bar')].map((b) => ({ value: Number(b.getAttribute('data-value')), height: b.getBoundingClientRect().height, width: b.getBoundingClientRect().width })),
      })),
    );
    expect(charts.map((c) => c.key)).toEqual(keys);
    for (const c of charts) {
      const rows = seg.filter((m) => columnKey(m) === c.key);
      expect(c.size).toBeGreaterThan(0);
      expect(c.bars).toHaveLength(rows.length);
      expect(c.bars.map((b) => b.value).sort()).toEqual(rows.map((m) => m.value).sort());
      for (const b of c.bars) {
        expect(b.width).toBeGreaterThan(0);
        if (b.value !== 0) expect(b.height).toBeGreaterThan(0);
      }
    }
    expect(await page.$$eval('table#segments td[data-value]', (tds) => tds.length)).toBe(seg.length);
  });

  it('logged no console error and made no request', () => {
    expect(problems).toEqual([]);
  });
});
