import { InvalidArgumentError } from 'commander';
import { parseMetrics, parseVariants } from './simulate';
import { formatTable } from '../sim/report';

describe('simulate flags', () => {
  it('parses key=strategyId:weight lists', () => {
    expect(parseVariants('control=default:0.9, ltv=ltv:0.05,commercial-only=commercial-only:0.05')).toEqual([
      { key: 'control', strategyId: 'default', weight: 0.9 },
      { key: 'ltv', strategyId: 'ltv', weight: 0.05 },
      { key: 'commercial-only', strategyId: 'commercial-only', weight: 0.05 },
    ]);
  });

  it('rejects malformed variants, weights outside (0, 1] and single arms', () => {
    expect(() => parseVariants('control=default')).toThrow(InvalidArgumentError);
    expect(() => parseVariants('a=default:0,b=ltv:1')).toThrow(/weight of "a"/);
    expect(() => parseVariants('a=default:1.5,b=ltv:0.5')).toThrow(/weight of "a"/);
    expect(() => parseVariants('a=default:1')).toThrow(/at least 2 variants/);
  });

  it('takes metric names in any case and refuses unknown ones', () => {
    expect(parseMetrics('ctr,GMV_PER_IMPRESSION,Aov')).toEqual(['CTR', 'GMV_PER_IMPRESSION', 'AOV']);
    expect(() => parseMetrics('ctr,revenue')).toThrow(/unknown metric "revenue"/);
  });
});

describe('report tables', () => {
  it('pads columns to the widest cell and right-aligns numeric columns', () => {
    const text = formatTable(
      ['name', 'value'],
      [
        ['a', '1.5%'],
        ['long-name', '12.25%'],
      ],
    );
    expect(text.split('\n')).toEqual(['name        value', '---------  ------', 'a            1.5%', 'long-name  12.25%']);
  });
});
