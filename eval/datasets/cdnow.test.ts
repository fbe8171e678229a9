import { isoDay, parseCdnowText, parseYyyymmdd } from './cdnow';

// Header and first rows of CDNOW_master.txt, plus malformed lines.
const SAMPLE = [
  ' customer_id  date number_of_cds  dollar_value',
  ' 00001 19970101  1   11.77',
  ' 00002 19970112  1   12.00',
  ' 00002 19970112  5   77.00',
  ' 00003 19970102  2   20.76',
  ' 00003 19970330  2   20.76',
  ' 00010 19970230  1   5.00',
  ' 00011 19970101  1',
  ' 00012 19970101  x   5.00',
  '',
].join('\n');

describe('CDNOW loader', () => {
  const data = parseCdnowText(SAMPLE);

  it('parses rows, skipping the header', () => {
    expect(data.rows).toHaveLength(5);
    expect(data.rows[0]).toEqual({ customerId: '00001', day: Date.UTC(1997, 0, 1), cds: 1, dollars: 11.77 });
  });

  it('merges rows of one customer-day into one transaction', () => {
    expect(data.transactions.map((t) => [t.customerId, isoDay(t.day), t.cds, t.rows])).toEqual([
      ['00001', '1997-01-01', 1, 1],
      ['00002', '1997-01-12', 6, 2],
      ['00003', '1997-01-02', 2, 1],
      ['00003', '1997-03-30', 2, 1],
    ]);
    expect(data.transactions[1]!.dollars).toBeCloseTo(89, 10);
  });

  it('reports malformed lines and skips them', () => {
    expect(data.problems.map((p) => p.line)).toEqual([7, 8, 9]);
    expect(data.problems[0]!.message).toMatch(/19970230/);
  });

  it('rejects impossible calendar dates', () => {
    expect(parseYyyymmdd('19980630')).toBe(Date.UTC(1998, 5, 30));
    expect(parseYyyymmdd('19970230')).toBeNaN();
    expect(parseYyyymmdd('1997-01-01')).toBeNaN();
  });
});
