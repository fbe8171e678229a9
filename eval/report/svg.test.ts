import { barChart, escapeXml, formatTick, lineChart, niceTicks } from './svg';

const all = (re: RegExp, s: string): RegExpExecArray[] => [...s.matchAll(new RegExp(re.source, 'g'))];

describe('niceTicks', () => {
  it('covers the range with steps of 1, 2 or 5 x 10^n', () => {
    // raw step 0.87/5 = 0.174 -> 0.2; 0.8 < 0.87 so one more tick at 1
    expect(niceTicks(0, 0.87)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    // raw step 2 -> 2; start floor(-3/2)*2 = -4; 6 < 7 -> 8
    expect(niceTicks(-3, 7)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
  });
  it('handles a degenerate range and rejects non-finite bounds', () => {
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(() => niceTicks(0, Number.NaN)).toThrow(RangeError);
  });
});

describe('escapeXml and formatTick', () => {
  it('escapes markup and quotes', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('formats ticks compactly', () => {
    expect(formatTick(0.123456)).toBe('0.123');
    expect(formatTick(25000)).toBe('2.5e+4');
    expect(formatTick(0)).toBe('0');
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    title: 'ndcg <by> K',
    yLabel: 'ndcg',
    xLabel: 'K',
    attrs: { 'data-metric': 'ndcg', 'data-target': 'a"b' },
    series: [
      {
        name: 'model-a',
        points: [
          { x: 5, y: 0.1 },
          { x: 10, y: 0.2 },
          { x: 20, y: 0.4 },
        ],
        emphasis: true,
      },
      {
        name: 'model-<b>',
        points: [
          { x: 20, y: 0.3 },
          { x: 5, y: 0.05 },
          { x: 10, y: 0.1 },
        ],
      },
    ],
  });

  it('draws one series group with one point per x, with stable attributes', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('class="chart line"');
    expect(svg).toContain('data-metric="ndcg"');
    expect(svg).toContain('data-target="a&quot;b"');
    expect(all(/<g class="series"/, svg)).toHaveLength(2);
    expect(all(/<circle class="point"/, svg)).toHaveLength(6);
    expect(all(/<polyline class="line"/, svg)).toHaveLength(2);
  });

  it('places higher values higher (smaller y) and x in order', () => {
    const pts = all(/data-x="(\d+)" data-y="([\d.]+)" cx="([\d.]+)" cy="([\d.]+)"/, svg)
      .slice(0, 3)
      .map((m) => ({ x: Number(m[1]), cx: Number(m[3]), cy: Number(m[4]) }));
    expect(pts.map((p) => p.x)).toEqual([5, 10, 20]);
    expect(pts[0]!.cx).toBeLessThan(pts[1]!.cx);
    expect(pts[1]!.cx).toBeLessThan(pts[2]!.cx);
    expect(pts[2]!.cy).toBeLessThan(pts[0]!.cy);
    // x is linear in K: the gap 10 -> 20 is twice the gap 5 -> 10
    expect(pts[2]!.cx - pts[1]!.cx).toBeCloseTo(2 * (pts[1]!.cx - pts[0]!.cx), 0);
  });

  it('escapes every text', () => {
    expect(svg).not.toContain('<by>');
    expect(svg).not.toContain('model-<b>');
    expect(svg).toContain('model-&lt;b&gt;');
  });
});

describe('barChart', () => {
  const svg = barChart({
    title: 'mae by segment',
    yLabel: 'mae',
    seriesNames: ['a', 'b', 'c'],
    groups: [
      { label: 'seg:1', values: { a: 2, b: 1, c: 0 } },
      { label: 'seg:2', values: { a: 4, c: 0.0001 } },
    ],
    attrs: { 'data-metric': 'mae' },
  });
  const bars = all(/<rect class="bar" data-group="([^"]+)" data-series="([^"]+)" data-value="([^"]+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/, svg).map((m) => ({
    group: m[1],
    series: m[2],
    value: Number(m[3]),
    y: Number(m[4]),
    height: Number(m[5]),
  }));

  it('draws one bar per group and series present, leaving gaps for missing ones', () => {
    expect(bars.map((b) => `${b.group}/${b.series}`)).toEqual(['seg:1/a', 'seg:1/b', 'seg:1/c', 'seg:2/a', 'seg:2/c']);
  });

  it('makes heights proportional to values, shares one baseline, and never hides a non-zero value', () => {
    const h = (g: string, s: string): number => bars.find((b) => b.group === g && b.series === s)!.height;
    expect(h('seg:1', 'a')).toBeCloseTo(2 * h('seg:1', 'b'), 0);
    expect(h('seg:2', 'a')).toBeCloseTo(2 * h('seg:1', 'a'), 0);
    expect(h('seg:1', 'c')).toBe(0);
    expect(h('seg:2', 'c')).toBeGreaterThanOrEqual(1);
    const base = new Set(bars.map((b) => (b.y + b.height).toFixed(1)));
    expect(base.size).toBe(1);
  });
});

describe('legend', () => {
  it('grows the chart so that every legend row fits', () => {
    const names = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
    const svg = barChart({ title: 't', yLabel: 'y', seriesNames: names, groups: [{ label: 'g', values: { m1: 1 } }], height: 300 });
    // 7 series -> 3 legend rows; the box grows by one row of 14 px
    expect(svg).toContain('height="314" viewBox="0 0 560 314"');
    const rows = all(/<g class="legend-item"><rect x="[\d.]+" y="([\d.]+)"/, svg).map((m) => Number(m[1]));
    expect(rows).toHaveLength(7);
    expect(Math.max(...rows) + 10).toBeLessThanOrEqual(314);
  });
});
