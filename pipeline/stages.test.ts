import { defineScorer } from '../plugins/sdk/contract';
import { createScorerRegistry } from '../plugins/sdk/registry';
import { blend } from './blend';
import { scoreCandidates, strategyMembers } from './stages';
import { parseStrategy } from './strategy';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const first = (id: string, values: number[]) =>
  defineScorer({
    id: id as `${string}/${string}`,
    version: '1.0.0',
    features: [] as const,
    async setup() {
      return {
        async score() {
          return Float32Array.from(values);
        },
      };
    },
  });
/** A second-stage scorer: 10 × the first stage's `a/one` column plus its `a/two` column (0 when missing). */
const ranker = (fail = false) =>
  defineScorer({
    id: 'ltr/test',
    version: '1.0.0',
    features: ['scores.firstStage'] as const,
    async setup() {
      return {
        async score({ itemIds, features }) {
          if (fail) throw new Error('model missing');
          const f = features['scores.firstStage'];
          const one = f.columns[f.scorerIds.indexOf('a/one')];
          const two = f.columns[f.scorerIds.indexOf('a/two')];
          return Float32Array.from(itemIds, (_, i) => 10 * (one?.[i] ?? 0) + (two?.[i] ?? 0));
        },
      };
    },
  });

async function run(rankerFails: boolean, weights: { ltr: number; one: number; two: number }) {
  const registry = await createScorerRegistry([first('a/one', [1, 2, 3]), first('a/two', [3, 2, 1]), ranker(rankerFails)], { logger: silent, loadModel: () => Promise.reject(new Error('none')) });
  const strategy = parseStrategy({
    scorers: [
      { id: 'ltr/test', weight: weights.ltr },
      { id: 'a/one', weight: weights.one },
      { id: 'a/two', weight: weights.two },
    ],
  });
  const members = strategyMembers(strategy, registry);
  const r = await scoreCandidates(members, { userId: 'u', itemIds: ['x', 'y', 'z'], features: {}, now: 0 });
  await registry.close();
  return { members, ...r };
}

describe('two-stage scoring', () => {
  it("runs zero-weight scorers as the second stage's inputs, and blends only the weighted one", async () => {
    const r = await run(false, { ltr: 1, one: 0, two: 0 });
    expect(r.members.map((m) => [m.reg.id, m.stage])).toEqual([
      ['ltr/test', 2],
      ['a/one', 1],
      ['a/two', 1],
    ]);
    const ltr = r.columns.find((c) => c.scorerId === 'ltr/test')!;
    expect(Array.from(ltr.raw)).toEqual([13, 22, 31]);
    // The explanation keeps the first stage with weight 0; the order is the ranker's.
    expect(r.columns.map((c) => [c.scorerId, c.weight])).toEqual([
      ['a/one', 0],
      ['a/two', 0],
      ['ltr/test', 1],
    ]);
    expect(Array.from(blend(r.columns, 3).scores)).toEqual([0, 0.5, 1]);
  });

  it('does not run zero-weight scorers when no second stage needs them', async () => {
    const registry = await createScorerRegistry([first('a/one', [1, 2, 3]), first('a/two', [3, 2, 1])], { logger: silent, loadModel: () => Promise.reject(new Error('none')) });
    const members = strategyMembers(
      parseStrategy({
        scorers: [
          { id: 'a/one', weight: 1 },
          { id: 'a/two', weight: 0 },
        ],
      }),
      registry,
    );
    expect(members.map((m) => m.reg.id)).toEqual(['a/one']);
    await registry.close();
  });

  it('degrades to an equal-weight blend of the first stage when the ranker fails', async () => {
    const r = await run(true, { ltr: 1, one: 0, two: 0 });
    expect(r.degraded.map((d) => [d.scorerId, d.code])).toEqual([['ltr/test', 'SCORER_FAILED']]);
    expect(r.columns.map((c) => [c.scorerId, c.weight])).toEqual([
      ['a/one', 1],
      ['a/two', 1],
    ]);
    // a/one rises, a/two falls: equal weights tie the three candidates at 0.5.
    expect(Array.from(blend(r.columns, 3).scores)).toEqual([0.5, 0.5, 0.5]);
  });
});
