/**
 * The experiment results page, `GET /experiments/<id>`: one self-contained HTML page (no external
 * assets) whose script asks this gateway's GraphQL API for `experimentResults(id)` and renders
 * the per-variant metrics, the lifts with their intervals and adjusted p-values, the SRM status
 * and daily trajectories as inline SVG line charts. The numbers shown are the API's, formatted
 * by `fmt` below (4 significant digits); the page never computes a metric itself.
 *
 * The page itself is a static shell (the same bytes for every id, no data), served without a key;
 * its data needs a key with experiments:read, given as `#key=<key>` in the URL or in a form.
 */
import type { Request, Response } from 'express';

const QUERY = `query($id: ID!) { experimentResults(id: $id) {
  control alpha dataEnd
  experiment { id name hypothesis status surface start stop variants { key weight strategyId } }
  variants { key weight users exposures impressions metrics { metric value numerator denominator } }
  comparisons { metric variant control test absoluteLift absoluteCiLower absoluteCiUpper relativeLift relativeCiLower relativeCiUpper pValue holmPValue bonferroniPValue significant }
  srm { chiSquare pValue mismatch observed expected }
  daily { day variant exposures impressions ctr gmvPerImpression }
} }`;

const SCRIPT = String.raw`
const QUERY = ${JSON.stringify(QUERY)};
const id = decodeURIComponent(location.pathname.split('/').pop());
const fmt = (x) => x === null || x === undefined ? '–' : Number(x).toPrecision(4);
const pct = (x) => x === null || x === undefined ? '–' : (100 * x).toPrecision(3) + '%';
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
function chart(title, points, variants, field) {
  const W = 520, H = 200, P = 36;
  const days = [...new Set(points.map((p) => p.day))].sort();
  const vals = points.map((p) => p[field]).filter((v) => v !== null);
  if (days.length === 0 || vals.length === 0) return '<p class="empty">' + esc(title) + ': no data yet</p>';
  const max = Math.max(...vals, 1e-12), min = Math.min(0, ...vals);
  const x = (d) => P + (days.length === 1 ? (W - 2 * P) / 2 : (days.indexOf(d) * (W - 2 * P)) / (days.length - 1));
  const y = (v) => H - P - ((v - min) / (max - min)) * (H - 2 * P);
  let svg = '<svg class="chart" data-metric="' + field + '" width="' + W + '" height="' + H + '" role="img" aria-label="' + esc(title) + '">';
  svg += '<text x="' + P + '" y="16" class="title">' + esc(title) + '</text>';
  svg += '<line x1="' + P + '" y1="' + (H - P) + '" x2="' + (W - P) + '" y2="' + (H - P) + '" stroke="#999"/>';
  svg += '<text x="4" y="' + (P + 4) + '" class="tick">' + fmt(max) + '</text><text x="4" y="' + (H - P) + '" class="tick">' + fmt(min) + '</text>';
  variants.forEach((v, i) => {
    const pts = points.filter((p) => p.variant === v && p[field] !== null).sort((a, b) => a.day < b.day ? -1 : 1);
    if (pts.length === 0) return;
    svg += '<polyline class="series" data-variant="' + esc(v) + '" fill="none" stroke="' + COLORS[i % COLORS.length] + '" stroke-width="2" points="' + pts.map((p) => x(p.day).toFixed(1) + ',' + y(p[field]).toFixed(1)).join(' ') + '"/>';
    svg += '<text x="' + (W - P + 4) + '" y="' + (y(pts[pts.length - 1][field]) + 4).toFixed(1) + '" fill="' + COLORS[i % COLORS.length] + '" class="tick">' + esc(v) + '</text>';
  });
  return svg + '</svg>';
}
function render(r) {
  const e = r.experiment;
  const keys = r.variants.map((v) => v.key);
  const metrics = r.variants.length ? r.variants[0].metrics.map((m) => m.metric) : [];
  let h = '<h1>' + esc(e.name) + '</h1><p class="meta">' + esc(e.status) + ' · surface ' + esc(e.surface) + ' · control <b>' + esc(r.control) + '</b> · alpha ' + fmt(r.alpha) + ' · data to ' + esc(r.dataEnd) + '</p>';
  if (e.hypothesis) h += '<p class="hypothesis">' + esc(e.hypothesis) + '</p>';
  if (e.surface === 'ads') h += '<p id="ads" class="meta">Ads experiment: impressions are ad slots shown, ctr counts ad_click on them; a variant serves the ads setting its strategy names (ads/sp&lt;N&gt;: N personalised selling points in the title, ads/sp&lt;N&gt;-np: N by global click rate): ' + e.variants.map((v) => esc(v.key) + ' = ' + esc(v.strategyId)).join(', ') + '</p>';
  h += '<p id="srm" class="' + (r.srm.mismatch ? 'bad' : 'ok') + '" data-mismatch="' + r.srm.mismatch + '">SRM: ' + (r.srm.mismatch ? 'MISMATCH' : 'ok') + ' (χ² ' + fmt(r.srm.chiSquare) + ', p ' + fmt(r.srm.pValue) + '; observed ' + r.srm.observed.join(' / ') + ', expected ' + r.srm.expected.map(fmt).join(' / ') + ')</p>';
  h += '<h2>Variants</h2><table id="variants"><thead><tr><th>metric</th>' + r.variants.map((v) => '<th data-variant="' + esc(v.key) + '">' + esc(v.key) + ' (' + pct(v.weight) + ')</th>').join('') + '</tr></thead><tbody>';
  h += '<tr data-metric="users"><td>users</td>' + r.variants.map((v) => '<td>' + v.users + '</td>').join('') + '</tr>';
  h += '<tr data-metric="exposures"><td>exposures</td>' + r.variants.map((v) => '<td>' + v.exposures + '</td>').join('') + '</tr>';
  h += '<tr data-metric="impressions"><td>impressions</td>' + r.variants.map((v) => '<td>' + v.impressions + '</td>').join('') + '</tr>';
  for (const m of metrics) h += '<tr data-metric="' + m + '"><td>' + m + '</td>' + r.variants.map((v) => '<td>' + fmt(v.metrics.find((x) => x.metric === m).value) + '</td>').join('') + '</tr>';
  h += '</tbody></table><h2>Lifts against ' + esc(r.control) + '</h2><table id="comparisons"><thead><tr><th>metric</th><th>variant</th><th>test</th><th>abs. lift</th><th>abs. CI</th><th>rel. lift</th><th>rel. CI</th><th>p</th><th>Holm p</th><th>Bonferroni p</th><th>significant</th></tr></thead><tbody>';
  for (const c of r.comparisons) {
    h += '<tr data-metric="' + c.metric + '" data-variant="' + esc(c.variant) + '"><td>' + c.metric + '</td><td>' + esc(c.variant) + '</td><td>' + c.test + '</td><td>' + fmt(c.absoluteLift) + '</td><td>[' + fmt(c.absoluteCiLower) + ', ' + fmt(c.absoluteCiUpper) + ']</td><td>' + pct(c.relativeLift) + '</td><td>[' + pct(c.relativeCiLower) + ', ' + pct(c.relativeCiUpper) + ']</td><td>' + fmt(c.pValue) + '</td><td>' + fmt(c.holmPValue) + '</td><td>' + fmt(c.bonferroniPValue) + '</td><td class="' + (c.significant ? 'sig' : '') + '">' + (c.significant ? 'yes' : 'no') + '</td></tr>';
  }
  h += '</tbody></table><h2>Daily</h2>' + chart('CTR per day', r.daily, keys, 'ctr') + chart('GMV per impression per day', r.daily, keys, 'gmvPerImpression') + chart('Exposures per day', r.daily, keys, 'exposures');
  document.getElementById('app').innerHTML = h;
  document.body.dataset.ready = 'true';
}
// The API key (a role with experiments:read, e.g. analyst) comes in the URL fragment, which the
// browser never sends to the server: /experiments/<id>#key=<key>. It is kept for this tab only.
const KEY_SLOT = 'recgate.apiKey';
const fromHash = new URLSearchParams(location.hash.slice(1)).get('key');
if (fromHash) {
  sessionStorage.setItem(KEY_SLOT, fromHash);
  history.replaceState(null, '', location.pathname);
}
const apiKey = sessionStorage.getItem(KEY_SLOT);
function askKey(message) {
  document.getElementById('app').innerHTML = '<form id="key-form"><p class="bad">' + esc(message) + '</p><input id="key" type="password" size="50" placeholder="API key with experiments:read (analyst)"> <button>Show results</button></form>';
  document.getElementById('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY_SLOT, document.getElementById('key').value.trim());
    location.reload();
  });
  document.body.dataset.ready = 'key';
}
if (!apiKey) askKey('This page needs an API key.');
else fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + apiKey }, body: JSON.stringify({ query: QUERY, variables: { id } }) })
  .then((r) => r.json())
  .then((body) => {
    if (body.errors && body.errors[0].extensions && body.errors[0].extensions.code === 'UNAUTHENTICATED') {
      sessionStorage.removeItem(KEY_SLOT);
      askKey('That API key is unknown or revoked.');
      return;
    }
    if (body.errors) throw new Error(body.errors.map((e) => (e.extensions && e.extensions.code ? e.extensions.code + ': ' : '') + e.message).join('; '));
    render(body.data.experimentResults);
  })
  .catch((err) => {
    document.getElementById('app').innerHTML = '<p id="error" class="bad">' + esc(err.message) + '</p>';
    document.body.dataset.ready = 'error';
  });
`;

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.ok{color:#2a7}.bad{color:#c22;font-weight:bold}.sig{color:#2a7;font-weight:bold}.meta{color:#666}.chart{display:block;margin:8px 0}.title{font-weight:bold;font-size:12px}.tick{font-size:10px;fill:#666}`;

export function resultsPageHtml(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Experiment results</title><style>${STYLE}</style></head><body><div id="app"><p>Loading…</p></div><script>${SCRIPT}</script></body></html>`;
}

export function serveResultsPage(_req: Request, res: Response): void {
  res.type('html').send(resultsPageHtml());
}
