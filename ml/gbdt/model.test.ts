import { gbdtFromJSON } from './model';
import { syntheticRanking } from './synthetic';
import { trainGbdt } from './train';
import type { GbdtModelJson } from './types';

describe('model JSON', () => {
  const data = syntheticRanking({ groups: 40, groupSize: 15, d: 5, missing: 0.1, seed: 5 });
  const { model } = trainGbdt(data, { trees: 15, minDataInLeaf: 5 });
  const text = JSON.stringify(model.toJSON());

  it('round-trips through JSON text to identical predictions and importances', () => {
    const back = gbdtFromJSON(JSON.parse(text) as GbdtModelJson);
    expect(back.trees).toHaveLength(model.trees.length);
    expect(Array.from(back.predict(data.x, data.n))).toEqual(Array.from(model.predict(data.x, data.n)));
    expect(back.featureImportance()).toEqual(model.featureImportance());
    expect(JSON.stringify(back.toJSON())).toBe(text);
  });

  const cases: Array<[string, (j: GbdtModelJson) => void, string]> = [
    ['format', (j) => ((j as { format: string }).format = 'xgb'), 'format:'],
    ['objective', (j) => ((j as { objective: string }).objective = 'poisson'), 'objective:'],
    ['baseScore', (j) => ((j as { baseScore: unknown }).baseScore = null), 'baseScore:'],
    ['feature index', (j) => (j.trees[1]!.splitFeature[0] = 5), 'trees[1].splitFeature[0]:'],
    ['threshold', (j) => (j.trees[0]!.threshold[0] = 0.1), 'trees[0].threshold[0]:'],
    ['leaf count', (j) => j.trees[2]!.leafValue.pop(), 'trees[2].leafValue:'],
    ['child range', (j) => (j.trees[0]!.leftChild[0] = 999), 'trees[0].leftChild[0]:'],
    ['cycle', (j) => (j.trees[0]!.leftChild[1] = 0), 'trees[0].leftChild/rightChild[1]:'],
    ['defaultLeft', (j) => (j.trees[0]!.defaultLeft[0] = 2), 'trees[0].defaultLeft[0]:'],
  ];
  it.each(cases)('refuses a bad %s with a RangeError naming the field', (_, mutate, field) => {
    const j = JSON.parse(text) as GbdtModelJson;
    mutate(j);
    expect(() => gbdtFromJSON(j)).toThrow(RangeError);
    expect(() => gbdtFromJSON(j)).toThrow(field);
  });

  it('predict() checks the input shape', () => {
    expect(() => model.predict(new Float32Array(7), 2)).toThrow(RangeError);
  });
});
