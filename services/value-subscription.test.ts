import type { ValueChange } from '../domain/user-value';
import { sampleChange } from '../pubsub/conformance';
import type { Partner } from './partners';
import { checkValueSubscription, previousSegmentFor, type ValueChangeFilter, type ValueSubscriptionArgs } from './value-subscription';

const partner: Partner = { id: 'acme', segments: ['high-value', 'at-risk'] };
const logged = (over: Partial<ValueChange>) => ({ cursor: '1-0', loggedAt: 1, change: sampleChange(0, over) });

function filter(args: ValueSubscriptionArgs): ValueChangeFilter {
  const r = checkValueSubscription(partner, args);
  if (!r.ok) throw new Error(`unexpected problem ${r.problem.field}: ${r.problem.message}`);
  return r.value;
}

describe('userValueChanged filter', () => {
  it("delivers only the partner's entitled segments by default", () => {
    const f = filter({});
    expect([...f.segments]).toEqual(['high-value', 'at-risk']);
    expect(f.accept(logged({ segment: 'high-value' }))).toBe(true);
    expect(f.accept(logged({ segment: 'at-risk' }))).toBe(true);
    expect(f.accept(logged({ segment: 'dormant' }))).toBe(false);
    expect(f.accept(logged({ segment: 'new' }))).toBe(false);
  });

  it('narrows to the requested entitled segments', () => {
    const f = filter({ segment: ['at-risk'] });
    expect(f.accept(logged({ segment: 'at-risk' }))).toBe(true);
    expect(f.accept(logged({ segment: 'high-value' }))).toBe(false);
  });

  it('keeps |delta| >= minDelta, and every segment change whatever its delta', () => {
    const f = filter({ minDelta: 5 });
    const same = { segment: 'high-value', previousSegment: 'high-value' } as const;
    expect(f.accept(logged({ ...same, delta: 5 }))).toBe(true);
    expect(f.accept(logged({ ...same, delta: -7.5 }))).toBe(true);
    expect(f.accept(logged({ ...same, delta: 4.99 }))).toBe(false);
    expect(f.accept(logged({ segment: 'high-value', previousSegment: 'at-risk', delta: 0.1 }))).toBe(true);
    expect(f.accept(logged({ segment: 'high-value', previousSegment: null, delta: 0 }))).toBe(true);
  });

  it('keeps only the listed users (ids trimmed)', () => {
    const f = filter({ userIds: [' u-1 ', 'u-2'] });
    expect(f.accept(logged({ userId: 'u-1', segment: 'high-value' }))).toBe(true);
    expect(f.accept(logged({ userId: 'u-3', segment: 'high-value' }))).toBe(false);
    expect(f.accept(logged({ userId: 'u-2', segment: 'dormant' }))).toBe(false);
  });

  it.each([
    ['a non-entitled segment', { segment: ['high-value', 'dormant'] }, 'segment[1]', /not entitled to "dormant"/],
    ['an empty segment list', { segment: [] }, 'segment', /must not be empty/],
    ['a negative minDelta', { minDelta: -0.5 }, 'minDelta', />= 0/],
    ['a NaN minDelta', { minDelta: Number.NaN }, 'minDelta', />= 0/],
    ['empty userIds', { userIds: [] }, 'userIds', /must not be empty/],
    ['1,001 userIds', { userIds: Array.from({ length: 1_001 }, (_, i) => `u-${i}`) }, 'userIds', /at most 1000/],
    ['a blank user id', { userIds: ['u-1', '  '] }, 'userIds[1]', /must not be empty/],
    ['a 257-character user id', { userIds: ['x'.repeat(257)] }, 'userIds[0]', /at most 256/],
  ])('rejects %s naming %s', (_label, args, field, message) => {
    const r = checkValueSubscription(partner, args as ValueSubscriptionArgs);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.field).toBe(field);
      expect(r.problem.message).toMatch(message);
    }
  });

  it('shows a previous segment only when the partner is entitled to it', () => {
    expect(previousSegmentFor(partner, 'at-risk')).toBe('at-risk');
    expect(previousSegmentFor(partner, 'dormant')).toBeNull();
    expect(previousSegmentFor(partner, null)).toBeNull();
  });
});
