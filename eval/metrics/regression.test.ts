import { mae, meanError, pearson, rmse, spearman, topDecileCapture, topShareCapture } from './regression';

describe('error metrics', () => {
  // errors pred - actual: -1, 0, -2, 4
  const pred = [1, 2, 3, 4];
  const actual = [2, 2, 5, 0];
  it('MAE = (1 + 0 + 2 + 4) / 4 = 1.75', () => expect(mae(pred, actual)).toBeCloseTo(1.75, 12));
  it('RMSE = sqrt((1 + 0 + 4 + 16) / 4) = sqrt(5.25)', () => expect(rmse(pred, actual)).toBeCloseTo(Math.sqrt(5.25), 12));
  it('bias = (-1 + 0 - 2 + 4) / 4 = 0.25', () => expect(meanError(pred, actual)).toBeCloseTo(0.25, 12));
  it('rejects mismatched or non-finite input', () => {
    expect(() => mae([1], [1, 2])).toThrow(RangeError);
    expect(() => rmse([Number.POSITIVE_INFINITY], [1])).toThrow(RangeError);
  });
});

describe('spearman', () => {
  it('is +1 / -1 for monotone relations, whatever the scale', () => {
    expect(spearman([1, 2, 3, 4], [10, 200, 3000, 40000])).toBeCloseTo(1, 12);
    expect(spearman([4, 3, 2, 1], [1, 2, 3, 4])).toBeCloseTo(-1, 12);
  });

  it('uses average ranks for ties', () => {
    // ranks of pred [1, 2.5, 2.5, 4], of actual [1, 2, 3, 4]; both means 2.5.
    // dx = [-1.5, 0, 0, 1.5], dy = [-1.5, -0.5, 0.5, 1.5]: sxy = 4.5, sxx = 4.5, syy = 5
    // rho = 4.5 / sqrt(4.5 * 5) = sqrt(0.9)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(Math.sqrt(0.9), 12);
  });

  it('is NaN when one side is constant', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
  });
});

describe('top-decile capture', () => {
  it('is the share of actual value held by the top 10% by prediction', () => {
    // n = 10 -> the top 1 customer (pred 10) holds 50 of 100.
    const pred = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const actual = [50, 0, 10, 10, 10, 5, 5, 5, 5, 0];
    expect(topDecileCapture(pred, actual)).toBeCloseTo(0.5, 12);
  });

  it('counts customers tied at the boundary pro rata, independent of order', () => {
    // m = 1 slot, two customers tied at pred 2 with actual 30 and 10: expected capture 0.5 * 40 = 20 of 100.
    const pred = [2, 2, 1, 1, 1, 1, 1, 1, 1, 1];
    const actual = [30, 10, 10, 10, 10, 10, 10, 10, 0, 0];
    expect(topDecileCapture(pred, actual)).toBeCloseTo(0.2, 12);
    expect(topDecileCapture([...pred].reverse(), [...actual].reverse())).toBeCloseTo(0.2, 12);
  });

  it('handles a fractional top set and other shares', () => {
    // n = 4, fraction 0.25 -> 1 slot: pred 9 -> actual 1 of 10.
    expect(topShareCapture([9, 1, 2, 3], [1, 2, 3, 4], 0.25)).toBeCloseTo(0.1, 12);
    // n = 5, fraction 0.1 -> 0.5 slot of the top customer (actual 8 of 10) -> 0.4.
    expect(topShareCapture([5, 4, 3, 2, 1], [8, 0, 1, 1, 0], 0.1)).toBeCloseTo(0.4, 12);
    expect(topDecileCapture([1, 2], [0, 0])).toBeNaN();
    expect(() => topShareCapture([1], [1], 0)).toThrow(RangeError);
  });
});
