import { parseDateTime, parseTs, parseZone } from './timestamp';

const OCT1 = Date.UTC(2019, 9, 1);

describe('parseTs', () => {
  it.each([
    ['2019-10-01 00:00:00 UTC', OCT1],
    ['2019-10-01 00:00:00 utc', OCT1],
    ['2019-10-01 00:00:00 GMT', OCT1],
    ['2019-10-01 00:00:00Z', OCT1],
    ['2019-10-01T00:00:00Z', OCT1],
    ['2019-10-01T08:00:00+08:00', OCT1],
    ['2019-10-01 08:00:00 +0800', OCT1],
    ['2019-10-01 08:00:00+08', OCT1],
    ['2019-10-01 08:00:00 UTC+8', OCT1],
    ['2019-09-30 19:00:00 -05:00', OCT1],
    ['2019-10-01T00:00:00.250Z', OCT1 + 250],
    ['2019-10-01T00:00:00,5Z', OCT1 + 500],
    ['2019-10-01T00:00:00.123456789Z', OCT1 + 123],
    ['2019-10-01 00:00', OCT1],
    ['2019-10-01', OCT1],
    ['2019/10/01 00:00:00', OCT1],
  ])('reads the date-time %s (iso and auto)', (text, ms) => {
    expect(parseTs(text, 'iso')).toBe(ms);
    expect(parseTs(text, 'auto')).toBe(ms);
  });

  it.each([
    ['1569888000', OCT1],
    ['1569888000.5', OCT1 + 500],
    ['1569888000000', OCT1],
    ['1569888000000000', OCT1],
    ['1569888000000000000', OCT1],
    [' 1569888000 ', OCT1],
  ])('auto tells epoch units apart by magnitude: %s', (text, ms) => {
    expect(parseTs(text, 'auto')).toBe(ms);
  });

  it('declared units read numbers only, in that unit', () => {
    expect(parseTs('1569888000', 's')).toBe(OCT1);
    expect(parseTs('1569888000000', 'ms')).toBe(OCT1);
    expect(parseTs('1569888000', 'ms')).toBe(1569888000);
    expect(parseTs(1569888000, 's')).toBe(OCT1);
    expect(parseTs('2019-10-01 00:00:00 UTC', 's')).toBeNaN();
    expect(parseTs('1569888000', 'iso')).toBeNaN();
  });

  it.each([
    'bad-1',
    '',
    '  ',
    '12a',
    '2019-13-01 00:00:00',
    '2019-02-29 00:00:00',
    '2019-10-01 24:00:00',
    '2019-10-01 00:60:00',
    '2019-10-01 00:00:00 CET',
    '2019-10-01 00:00:00 +25:00',
    '2019-10-01T',
    'NaN',
    'Infinity',
    '10/01/2019 00:00:00',
  ])('rejects %j', (text) => {
    expect(parseTs(text, 'auto')).toBeNaN();
    expect(parseTs(text, 'iso')).toBeNaN();
  });

  it('accepts a leap day and applies the default zone to zone-less date-times only', () => {
    expect(parseTs('2020-02-29 00:00:00', 'iso')).toBe(Date.UTC(2020, 1, 29));
    expect(parseDateTime('2019-10-01 08:00:00', 480)).toBe(OCT1);
    expect(parseDateTime('2019-10-01 00:00:00 UTC', 480)).toBe(OCT1);
    expect(parseTs('2019-10-01 08:00:00', 'auto', 480)).toBe(OCT1);
  });
});

describe('parseZone', () => {
  it.each([
    ['UTC', 0],
    ['Z', 0],
    ['gmt', 0],
    ['+08:00', 480],
    ['+0800', 480],
    ['-05', -300],
    ['UTC+8', 480],
    ['GMT-03:30', -210],
  ])('%s is %d minutes east', (text, minutes) => {
    expect(parseZone(text)).toBe(minutes);
  });
  it.each(['CET', '+8:00:00', '+24:00', '', '08:00'])('rejects %j', (text) => {
    expect(parseZone(text)).toBeNull();
  });
});
