/** Attribution on surface `ads`: ad clicks are the clicks there, and only there. */
import type { Interaction } from '../domain/events';
import { attribute } from './metrics';
import type { Exposure } from './store';

const T = Date.UTC(2026, 0, 1);
const exposure = (id: string, surface: string, itemIds: string[]): Exposure => ({
  exposureId: id,
  userId: 'u1',
  surface,
  ts: T,
  assignments: [{ experimentId: 'x', variantKey: 'a' }],
  strategyId: 's',
  strategyDigest: 'd',
  scorerVersions: [],
  itemIds,
  latencyMs: 1,
  diversity: 1,
});
const ev = (type: Interaction['type'], itemId: string, dt: number): Interaction => ({ type, itemId, ts: T + dt, value: 0 });

describe('attribute on surface ads', () => {
  const histories = new Map([['u1', [ev('ad_click', 'i1', 1000), ev('click', 'i2', 2000), ev('ad_click', 'i3', 3000), ev('selling_point_click', 'i1', 4000)]]]);
  const run = (surface: string) =>
    attribute({ experimentId: 'x', variantKeys: ['a'], exposures: [exposure('e1', surface, ['i1', 'i2'])], histories, windowMs: 3_600_000, highValueThreshold: 0 })[0]!.users[0]!;

  it('counts ad_click on the ads shown as clicks, and neither feed clicks nor ads not shown', () => {
    expect(run('ads')).toMatchObject({ impressions: 2, clicks: 1 });
  });

  it('on other surfaces an ad_click is not a click', () => {
    expect(run('home')).toMatchObject({ impressions: 2, clicks: 1 });
    const onlyAds = new Map([['u1', [ev('ad_click', 'i1', 1000)]]]);
    expect(attribute({ experimentId: 'x', variantKeys: ['a'], exposures: [exposure('e1', 'home', ['i1'])], histories: onlyAds, windowMs: 3_600_000, highValueThreshold: 0 })[0]!.users[0]!.clicks).toBe(
      0,
    );
  });
});
