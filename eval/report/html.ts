/**
 * The report as one self-contained HTML page: no script, no network (a CSP forbids any fetch),
 * system fonts, charts as inline SVG (./svg.ts). Stable hooks for tests and scrapers:
 * `#title-block [data-field]`, `table#metrics td[data-model][data-metric][data-k][data-target]`
 * (`.best` marks the best value per column), `table#segments`, `svg.chart.line[data-metric]`,
 * `svg.chart.bar[data-metric]`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalReport, columnKey, columnLabel, isBetter, metricDirection, reportBaseName, reportName } from './json';
import { barChart, escapeXml as esc, lineChart } from './svg';
import type { EvalReport, MetricRow } from './types';

/** Text shown for a metric value in tables (the exact value is in `data-value`). */
export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(3);
  if (a >= 0.001 || v === 0) return v.toFixed(4);
  return v.toExponential(2);
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

interface Column {
  readonly key: string;
  readonly metric: string;
  readonly k: number | undefined;
  readonly target: string | undefined;
}

/** Columns in first-appearance order of target, then metric, then ascending K. */
function columnsOf(rows: readonly MetricRow[]): Column[] {
  const targetOrder = [...new Set(rows.map((r) => r.target ?? ''))];
  const metricOrder = [...new Set(rows.map((r) => r.metric))];
  const seen = new Map<string, Column>();
  for (const r of rows) if (!seen.has(columnKey(r))) seen.set(columnKey(r), { key: columnKey(r), metric: r.metric, k: r.k, target: r.target });
  return [...seen.values()].sort(
    (a, b) => targetOrder.indexOf(a.target ?? '') - targetOrder.indexOf(b.target ?? '') || metricOrder.indexOf(a.metric) - metricOrder.indexOf(b.metric) || (a.k ?? 0) - (b.k ?? 0),
  );
}

function dataAttrs(c: { metric: string; k?: number | undefined; target?: string | undefined }): string {
  return ` data-metric="${esc(c.metric)}"${c.k !== undefined ? ` data-k="${c.k}"` : ''}${c.target !== undefined ? ` data-target="${esc(c.target)}"` : ''}`;
}

/** Models as rows, metric@K as columns; best per column marked. */
function table(id: string, r: EvalReport, rows: readonly MetricRow[], rowKeys: ReadonlyArray<{ model: string; segment?: string }>): string {
  const cols = columnsOf(rows);
  const cell = new Map(rows.map((m) => [`${m.model}\u0000${m.segment ?? ''}\u0000${columnKey(m)}`, m]));
  const best = new Map<string, number>();
  for (const c of cols) {
    for (const rk of rowKeys) {
      const m = cell.get(`${rk.model}\u0000${rk.segment ?? ''}\u0000${c.key}`);
      const group = `${rk.segment ?? ''}\u0000${c.key}`;
      if (m && (!best.has(group) || isBetter(m.metric, m.value, best.get(group)!))) best.set(group, m.value);
    }
  }
  const roles = new Map(r.models.map((m) => [m.id, m.role]));
  const targets = [...new Set(cols.map((c) => c.target ?? ''))];
  const groupRow = `<tr><th rowspan="2">model</th>${rowKeys.some((k) => k.segment) ? '<th rowspan="2">segment</th>' : ''}${targets
    .map((t) => `<th class="target" colspan="${cols.filter((c) => (c.target ?? '') === t).length}">${esc(t === '' ? 'all targets' : t)}</th>`)
    .join('')}</tr>`;
  const head = `<tr>${cols.map((c) => `<th${dataAttrs(c)} title="${metricDirection(c.metric)} is better">${esc(columnLabel({ metric: c.metric, k: c.k }))}</th>`).join('')}</tr>`;
  const body = rowKeys
    .map((rk) => {
      const role = roles.get(rk.model) ?? 'baseline';
      const tds = cols
        .map((c) => {
          const m = cell.get(`${rk.model}\u0000${rk.segment ?? ''}\u0000${c.key}`);
          if (!m) return `<td class="missing"${dataAttrs(c)} data-model="${esc(rk.model)}">–</td>`;
          const isBest = best.get(`${rk.segment ?? ''}\u0000${c.key}`) === m.value;
          const ci = m.ci !== undefined ? ` · ${Math.round(m.ci.level * 100)}% CI [${formatValue(m.ci.lower)}, ${formatValue(m.ci.upper)}]` : '';
          // The interval is drawn by CSS from data-ci (td[data-ci]::after), so the cell's text stays the value.
          const ciAttrs = m.ci !== undefined ? ` data-ci-lower="${m.ci.lower}" data-ci-upper="${m.ci.upper}" data-ci="[${esc(formatValue(m.ci.lower))}, ${esc(formatValue(m.ci.upper))}]"` : '';
          return `<td${isBest ? ' class="best"' : ''} title="n = ${m.n}${esc(ci)}${isBest ? ' · best in column' : ''}" data-model="${esc(rk.model)}"${dataAttrs(c)}${rk.segment ? ` data-segment="${esc(rk.segment)}"` : ''} data-value="${m.value}" data-n="${m.n}"${ciAttrs}>${esc(formatValue(m.value))}</td>`;
        })
        .join('');
      const seg = rk.segment !== undefined ? `<td class="segment">${esc(rk.segment)}</td>` : '';
      return `<tr class="${role}" data-model="${esc(rk.model)}" data-role="${role}"><th scope="row">${esc(rk.model)} <span class="role">${role}</span></th>${seg}${tds}</tr>`;
    })
    .join('');
  return `<div class="scroll"><table id="${id}"><thead>${groupRow}${head}</thead><tbody>${body}</tbody></table></div>`;
}

function lineCharts(r: EvalReport): string {
  const overall = r.metrics.filter((m) => m.segment === undefined && m.k !== undefined);
  const keys = [...new Set(overall.map((m) => `${m.metric}\u0000${m.target ?? ''}`))];
  return keys
    .map((key) => {
      const rows = overall.filter((m) => `${m.metric}\u0000${m.target ?? ''}` === key);
      if (new Set(rows.map((m) => m.k)).size < 2) return '';
      const { metric, target } = rows[0]!;
      const series = r.models
        .map((mod) => ({ name: mod.id, emphasis: mod.role === 'candidate', points: rows.filter((m) => m.model === mod.id).map((m) => ({ x: m.k!, y: m.value })) }))
        .filter((s) => s.points.length > 0);
      const attrs: Record<string, string> = { 'data-metric': metric, ...(target !== undefined ? { 'data-target': target } : {}) };
      return `<figure>${lineChart({ title: `${metric}${target !== undefined ? ` (${target})` : ''} by K`, xLabel: 'K', yLabel: metric, series, attrs })}</figure>`;
    })
    .join('');
}

function barCharts(r: EvalReport): string {
  const seg = r.metrics.filter((m) => m.segment !== undefined);
  const keys = [...new Set(seg.map(columnKey))];
  return keys
    .map((key) => {
      const rows = seg.filter((m) => columnKey(m) === key);
      const { metric, k, target } = rows[0]!;
      const segments = [...new Set(rows.map((m) => m.segment!))];
      const names = r.models.map((m) => m.id).filter((id) => rows.some((m) => m.model === id));
      const groups = segments.map((s) => ({ label: s, values: Object.fromEntries(rows.filter((m) => m.segment === s).map((m) => [m.model, m.value])) }));
      const attrs: Record<string, string> = { 'data-metric': metric, ...(k !== undefined ? { 'data-k': String(k) } : {}), ...(target !== undefined ? { 'data-target': target } : {}) };
      return `<figure>${barChart({ title: `${columnLabel({ metric, k, target })} by segment`, yLabel: metric, seriesNames: names, groups, attrs })}</figure>`;
    })
    .join('');
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dt{color:#666}dd{margin:0}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;white-space:nowrap}
th[scope=row],td.segment{text-align:left}thead th{background:#f4f4f4}th.target{text-align:center}td.best{background:#d9f2d9;font-weight:700}
tr.candidate th[scope=row]{border-left:4px solid #0072B2}.role{font-size:11px;color:#666;font-weight:400;border:1px solid #ccc;border-radius:3px;padding:0 3px}
tr.candidate .role{color:#0072B2;border-color:#0072B2}figure{display:inline-block;margin:8px 12px 8px 0}pre{margin:0;white-space:pre-wrap;font-size:12px}
ul.notes li{margin:4px 0}td[data-ci]::after{content:attr(data-ci);display:block;font-size:11px;color:#666;font-weight:400}`;

/** Render the report page (every text escaped). */
export function renderReportHtml(report: EvalReport): string {
  const r = canonicalReport(report);
  const overall = r.metrics.filter((m) => m.segment === undefined);
  const segRows = r.metrics.filter((m) => m.segment !== undefined);
  const modelKeys = r.models.map((m) => ({ model: m.id }));
  const segKeys = [...new Set(segRows.map((m) => m.segment!))].flatMap((segment) =>
    r.models.filter((m) => segRows.some((x) => x.model === m.id && x.segment === segment)).map((m) => ({ model: m.id, segment })),
  );
  const fact = (field: string, label: string, value: string): string => `<dt>${esc(label)}</dt><dd data-field="${field}">${esc(value)}</dd>`;
  const stats = Object.entries(r.dataset.stats)
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td data-stat="${esc(k)}">${esc(String(v))}</td></tr>`)
    .join('');
  const models = r.models
    .map(
      (m) =>
        `<tr class="${m.role}" data-model="${esc(m.id)}"><th scope="row">${esc(m.id)}</th><td>${esc(m.role)}</td><td>${esc(m.version)}</td><td>${m.trainMs !== undefined ? esc(formatMs(m.trainMs)) : '–'}</td><td style="text-align:left"><pre>${esc(
          Object.entries(m.params)
            .map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join('\n'),
        )}</pre></td></tr>`,
    )
    .join('');
  const title = `${r.protocol} · ${reportName(r)} · seed ${r.seed}`;
  const metricsBy = (d: 'lower' | 'zero'): string => [...new Set(overall.map((m) => m.metric))].filter((m) => metricDirection(m) === d).join(', ');
  const directions = [metricsBy('lower') && `lower is better for ${metricsBy('lower')}`, metricsBy('zero') && `closest to 0 is best for ${metricsBy('zero')}`, 'higher is better otherwise']
    .filter(Boolean)
    .join('; ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${CSS}</style></head><body>
<header id="title-block" data-protocol="${esc(r.protocol)}" data-name="${esc(reportName(r))}" data-dataset="${esc(r.dataset.name)}" data-seed="${r.seed}"><h1>${esc(title)}</h1><dl>
${fact('protocol', 'protocol', r.protocol)}${fact('dataset', 'dataset', `${r.dataset.name} (${r.dataset.path})`)}${fact('split', 'split', r.dataset.split)}${fact('seed', 'seed', String(r.seed))}${fact('startedAt', 'started', r.startedAt)}${fact('wallMs', 'wall time', formatMs(r.wallMs))}${fact('peakRssMiB', 'peak RSS', `${r.peakRssMiB} MiB`)}
</dl></header>
<section id="notes"><h2>Notes</h2><ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>
<section id="results"><h2>Metrics</h2><p>Models as rows; the best value per column is highlighted (${esc(directions)}); the n behind each cell (users, pairs or customers) is in its tooltip${overall.some((m) => m.ci !== undefined) ? '; a bracket under a value is its interval (level in the tooltip; how it is computed in the notes)' : ''}.</p>
${table('metrics', r, overall, modelKeys)}</section>
<section id="charts-k"><h2>Metric by K</h2>${lineCharts(r) || '<p>No metric at several K.</p>'}</section>
<section id="charts-segments"><h2>By segment</h2>${segRows.length > 0 ? `${table('segments', r, segRows, segKeys)}${barCharts(r)}` : '<p>No segment rows.</p>'}</section>
<section id="models"><h2>Models</h2><table id="models-table"><thead><tr><th>id</th><th>role</th><th>version</th><th>train</th><th>params</th></tr></thead><tbody>${models}</tbody></table></section>
<section id="dataset"><h2>Dataset statistics</h2><table id="dataset-stats"><tbody>${stats}</tbody></table></section>
</body></html>
`;
}

/** Write `<dir>/<protocol-slug>-<name>-<seed>.html` and return its path. `dir` defaults to `reports`. */
export async function writeReportHtml(r: EvalReport, dir = 'reports'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${reportBaseName(r)}.html`);
  await writeFile(path, renderReportHtml(r));
  return path;
}
