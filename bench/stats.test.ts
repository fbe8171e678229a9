import { summarise } from './stats';

it('nearest-rank percentiles', () => {
  const s = summarise(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(s).toMatchObject({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  expect(summarise([7])).toMatchObject({ p50: 7, p99: 7 });
});
