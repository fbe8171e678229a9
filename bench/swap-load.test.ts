import { weightsOf, SWAP_COLUMNS } from './swap-driver';
import { classifyFeedAnswer } from './swap-load';

const feed = (items: unknown[], degraded: unknown[] = []): string => JSON.stringify({ data: { feed: { strategy: { id: 'default' }, candidateCount: 3, items, degraded } } });
const item = (...scorers: Array<[string, string]>) => ({ itemId: 'i', contributions: scorers.map(([scorerId, version]) => ({ scorerId, version, value: 0.1 })) });

describe('classifyFeedAnswer', () => {
  it('reads the watched scorer versions, and the degraded codes of any scorer', () => {
    const a = classifyFeedAnswer(
      200,
      feed([item(['bench/linear', '1.0.3'], ['baseline/commercial', '1.0.0']), item(['bench/linear', '1.0.4'])], [{ scorerId: 'x/y', version: '1', code: 'SCORER_TIMEOUT' }]),
      'bench/linear',
    );
    expect(a).toEqual({ kind: 'ok', degradedCodes: ['SCORER_TIMEOUT'], versions: ['1.0.3', '1.0.4'], missingScorer: false });
  });

  it('flags a feed where an item has no contribution from the watched scorer', () => {
    const a = classifyFeedAnswer(200, feed([item(['bench/linear', '1.0.0']), item(['baseline/commercial', '1.0.0'])]), 'bench/linear');
    expect(a.missingScorer).toBe(true);
    expect(a.versions).toEqual(['1.0.0']);
    expect(classifyFeedAnswer(200, feed([]), 'bench/linear').missingScorer).toBe(false);
  });

  it('tells GraphQL errors and unreadable bodies from non-2xx answers', () => {
    expect(classifyFeedAnswer(200, JSON.stringify({ errors: [{ message: 'boom' }], data: null }), 'bench/linear').kind).toBe('graphql-error');
    expect(classifyFeedAnswer(200, JSON.stringify({ data: { feed: null } }), 'bench/linear').kind).toBe('graphql-error');
    expect(classifyFeedAnswer(200, '<html>', 'bench/linear').kind).toBe('graphql-error');
    expect(classifyFeedAnswer(429, feed([item(['bench/linear', '1.0.0'])]), 'bench/linear').kind).toBe('non-2xx');
    expect(classifyFeedAnswer(503, '', 'bench/linear').kind).toBe('non-2xx');
  });
});

it('weightsOf gives each version different positive weights, one per column', () => {
  const seen = new Set<string>();
  for (let k = 1; k <= 100; k++) {
    const w = weightsOf(k);
    expect(w).toHaveLength(SWAP_COLUMNS.length);
    expect(w.every((x) => x >= 0.1 && x <= 0.9)).toBe(true);
    seen.add(w.join(','));
  }
  expect(seen.size).toBe(100);
});
