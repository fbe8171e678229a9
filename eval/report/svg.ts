/**
 * A small inline-SVG chart module (no dependency, no script): line charts (one polyline and one
 * circle per point per series) and grouped bar charts (one rect per group × series). Output is a
 * self-contained `<svg>` string with stable classes and data attributes for tests:
 * `svg.chart.line` / `svg.chart.bar`, `g.series[data-series]`, `circle.point[data-x][data-y]`,
 * `rect.bar[data-group][data-series][data-value]`. All text is escaped.
 */

/** Escape text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Colour of series `i` (a fixed, colour-blind-safe palette: Okabe-Ito). */
export function seriesColour(i: number): string {
  const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];
  return palette[i % palette.length]!;
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^n). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new RangeError(`niceTicks: bounds must be finite, got ${lo}, ${hi}`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.1;
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const start = Math.floor(lo / step) * step;
  const out: number[] = [];
  for (let v = start; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1]! < hi) out.push(Number((out[out.length - 1]! + step).toPrecision(12)));
  return out;
}

/** Short number for tick labels and tooltips. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

export interface ChartFrame {
  /** Title drawn at the top (escaped). */
  readonly title: string;
  readonly yLabel: string;
  /** Extra attributes on the `<svg>` element (e.g. data-metric), escaped. */
  readonly attrs?: Readonly<Record<string, string>>;
  /** Default 560 × 300. */
  readonly width?: number;
  readonly height?: number;
}

export interface LineSeries {
  readonly name: string;
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>;
  /** Drawn thicker (the candidate). */
  readonly emphasis?: boolean;
}

const M = { top: 34, right: 16, bottom: 72, left: 64 };

function attrText(attrs: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(attrs ?? {})
    .map(([k, v]) => ` ${k.replace(/[^a-zA-Z0-9_:-]/g, '')}="${escapeXml(v)}"`)
    .join('');
}

/** Extra height for legend rows beyond the two the bottom margin holds. */
const legendExtra = (series: number): number => 14 * Math.max(0, Math.ceil(series / 3) - 2);

function frame(kind: string, f: ChartFrame, body: string, yTicks: number[], y: (v: number) => number, w: number, h: number, series: number): string {
  const total = h + legendExtra(series);
  const grid = yTicks
    .map(
      (t) =>
        `<line class="grid" x1="${M.left}" x2="${w - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${escapeXml(formatTick(t))}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${kind}" role="img" aria-label="${escapeXml(f.title)}" width="${w}" height="${total}" viewBox="0 0 ${w} ${total}"${attrText(f.attrs)}>` +
    `<title>${escapeXml(f.title)}</title><text x="${w / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(f.title)}</text>` +
    `<text transform="translate(14 ${(M.top + (h - M.bottom)) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(f.yLabel)}</text>` +
    `${grid}<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${h - M.bottom}" stroke="#888"/>${body}</svg>`
  );
}

function yScale(values: number[], h: number): { ticks: number[]; y: (v: number) => number } {
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  return { ticks, y: (v) => h - M.bottom - ((v - lo) / (hi - lo)) * (h - M.top - M.bottom) };
}

function legend(names: readonly string[], w: number, h: number): string {
  return names
    .map((n, i) => {
      const x = M.left + (i % 3) * ((w - M.left - M.right) / 3);
      const y = h - 20 + Math.floor(i / 3) * 14;
      return `<g class="legend-item"><rect x="${x.toFixed(1)}" y="${y - 9}" width="10" height="10" fill="${seriesColour(i)}"/><text x="${(x + 14).toFixed(1)}" y="${y}" font-size="11">${escapeXml(n)}</text></g>`;
    })
    .join('');
}

/** A line chart: x is numeric (e.g. K), one polyline + points per series. */
export function lineChart(f: ChartFrame & { readonly xLabel: string; readonly series: readonly LineSeries[] }): string {
  const w = f.width ?? 560;
  const h = f.height ?? 300;
  const xs = [...new Set(f.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const { ticks, y } = yScale(
    f.series.flatMap((s) => s.points.map((p) => p.y)),
    h,
  );
  const x0 = xs[0] ?? 0;
  const span = (xs[xs.length - 1] ?? 1) - x0 || 1;
  const pad = 24;
  const x = (v: number): number => (xs.length <= 1 ? (M.left + w - M.right) / 2 : M.left + pad + ((v - x0) / span) * (w - M.left - M.right - 2 * pad));
  const axis = xs.map((v) => `<text class="x-tick" x="${x(v).toFixed(1)}" y="${h - M.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(formatTick(v))}</text>`).join('');
  const xTitle = `<text x="${(M.left + w - M.right) / 2}" y="${h - M.bottom + 32}" text-anchor="middle" font-size="11">${escapeXml(f.xLabel)}</text>`;
  const series = f.series
    .map((s, i) => {
      const pts = [...s.points].sort((a, b) => a.x - b.x);
      const c = seriesColour(i);
      const line = `<polyline class="line" fill="none" stroke="${c}" stroke-width="${s.emphasis ? 3 : 1.6}" points="${pts.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}"/>`;
      const dots = pts
        .map(
          (p) =>
            `<circle class="point" data-x="${p.x}" data-y="${p.y}" cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="${s.emphasis ? 4.5 : 3.5}" fill="${c}"><title>${escapeXml(`${s.name}: ${formatTick(p.x)} → ${p.y}`)}</title></circle>`,
        )
        .join('');
      return `<g class="series" data-series="${escapeXml(s.name)}">${line}${dots}</g>`;
    })
    .join('');
  return frame(
    'line',
    f,
    `${axis}${xTitle}${series}${legend(
      f.series.map((s) => s.name),
      w,
      h,
    )}`,
    ticks,
    y,
    w,
    h,
    f.series.length,
  );
}

export interface BarGroup {
  readonly label: string;
  /** Value per series name; a missing series leaves a gap. */
  readonly values: Readonly<Record<string, number>>;
}

/** A grouped bar chart: one group per label, one bar per series inside it. */
export function barChart(f: ChartFrame & { readonly seriesNames: readonly string[]; readonly groups: readonly BarGroup[] }): string {
  const w = f.width ?? 560;
  const h = f.height ?? 300;
  const { ticks, y } = yScale(
    f.groups.flatMap((g) => Object.values(g.values)),
    h,
  );
  const groupW = (w - M.left - M.right) / Math.max(1, f.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, f.seriesNames.length);
  const body = f.groups
    .map((g, gi) => {
      const gx = M.left + gi * groupW + groupW * 0.1;
      const bars = f.seriesNames
        .map((name, si) => {
          const v = g.values[name];
          if (v === undefined) return '';
          // A non-zero value is never drawn as nothing: at least 1 px.
          const height = v === 0 ? 0 : Math.max(1, Math.abs(y(v) - y(0)));
          const top = v >= 0 ? y(0) - height : y(0);
          return `<rect class="bar" data-group="${escapeXml(g.label)}" data-series="${escapeXml(name)}" data-value="${v}" x="${(gx + si * barW).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${height.toFixed(1)}" fill="${seriesColour(si)}"><title>${escapeXml(`${name} · ${g.label}: ${v}`)}</title></rect>`;
        })
        .join('');
      return `<g class="group" data-group="${escapeXml(g.label)}">${bars}<text x="${(gx + groupW * 0.4).toFixed(1)}" y="${h - M.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(g.label)}</text></g>`;
    })
    .join('');
  return frame('bar', f, `${body}${legend(f.seriesNames, w, h)}`, ticks, y, w, h, f.seriesNames.length);
}
