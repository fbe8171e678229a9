import { csvField, csvHeader, float32Text, rowLine } from './format';
import { mulberry32 } from '../random';

describe('float32Text', () => {
  it('reads back as the same float32 and is never longer than needed', () => {
    const rng = mulberry32(11);
    for (let k = 0; k < 2000; k++) {
      const v = Math.fround(rng() * 10 ** Math.floor(rng() * 8 - 3));
      const s = float32Text(v);
      expect(Math.fround(Number(s))).toBe(v);
      // One significant digit fewer would not read back.
      const digits = s.replace(/^0\.0*|\.|e.*$/g, '').replace(/^0+/, '').length;
      if (digits > 1) expect(Math.fround(Number(v.toPrecision(digits - 1)))).not.toBe(v);
    }
  });

  it('writes integers and float32 roundings plainly', () => {
    expect(float32Text(3)).toBe('3');
    expect(float32Text(0)).toBe('0');
    expect(float32Text(Math.fround(0.3))).toBe('0.3');
    expect(float32Text(0.1 + 0.2)).toBe('0.3');
    expect(float32Text(Math.log1p(2))).toBe('1.0986123');
  });
});

describe('CSV and JSON Lines rows', () => {
  it('quotes only the fields that need it', () => {
    expect(csvField('taobao:1')).toBe('taobao:1');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvHeader(['item.stats.view', 'log1p(pair.co.sum)'])).toBe('user_id,item_id,cut,label,item.stats.view,log1p(pair.co.sum)\n');
  });

  it('writes the same values in both formats', () => {
    const r = { userId: 'u,1', itemId: 'i1', cut: '2024-01-07T00:00:00.000Z', label: 1, values: Float32Array.from([1.5, 0.1, 7]) };
    expect(rowLine('csv', ['a', 'b', 'c'], r)).toBe('"u,1",i1,2024-01-07T00:00:00.000Z,1,1.5,0.1,7\n');
    expect(JSON.parse(rowLine('jsonl', ['a', 'b', 'c'], r))).toEqual({ user_id: 'u,1', item_id: 'i1', cut: '2024-01-07T00:00:00.000Z', label: 1, a: 1.5, b: 0.1, c: 7 });
  });
});
