import { buildMfManifest, type MfArtifact } from '../../ml/mf/artifact';
import type { MfModel } from '../../ml/mf/bpr';
import { createBprScorer } from './bpr';

const signal = new AbortController().signal;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = { logger: silent, settings: {}, loadModel: () => Promise.reject(new Error('no models')) };

// dims 2. Users: a = (1, 0), b = (0, 2). Items: x = (1, 1), y = (2, 0), z = (0, 3).
// Scores a: x 1, y 2, z 0.  b: x 2, y 0, z 6.
function handModel(): MfArtifact {
  const model: MfModel = { dims: 2, numUsers: 2, numItems: 3, users: Float32Array.of(1, 0, 0, 2), items: Float32Array.of(1, 1, 2, 0, 0, 3) };
  const manifest = buildMfManifest(model, { model: 'mf/bpr', userIds: ['a', 'b'], itemIds: ['x', 'y', 'z'], seed: 1, hyperParameters: {}, training: {}, metrics: {}, createdBy: 'test' }, 0);
  return { manifest, model };
}

async function scorer() {
  return createBprScorer({ loadArtifact: async () => handModel() }).setup(ctx);
}

describe('mf/bpr scorer', () => {
  it('scores <user, item> by id; unknown items score 0', async () => {
    const s = await scorer();
    const a = await s.score({ userId: 'a', itemIds: ['x', 'y', 'z', 'nope'], features: {}, now: 0, signal });
    expect(Array.from(a)).toEqual([1, 2, 0, 0]);
    const b = await s.score({ userId: 'b', itemIds: ['x', 'y', 'z', 'nope'], features: {}, now: 0, signal });
    expect(Array.from(b)).toEqual([2, 0, 6, 0]);
  });

  it('gives an unknown user a zero vector', async () => {
    const s = await scorer();
    expect(Array.from(await s.score({ userId: 'who', itemIds: ['x', 'z'], features: {}, now: 0, signal }))).toEqual([0, 0]);
  });

  it('re-resolves rows when the candidate list changes, even in place', async () => {
    const s = await scorer();
    const ids = ['z', 'x'];
    expect(Array.from(await s.score({ userId: 'b', itemIds: ids, features: {}, now: 0, signal }))).toEqual([6, 2]);
    expect(Array.from(await s.score({ userId: 'b', itemIds: ['x', 'z'], features: {}, now: 0, signal }))).toEqual([2, 6]);
    ids[0] = 'y';
    expect(Array.from(await s.score({ userId: 'a', itemIds: ids, features: {}, now: 0, signal }))).toEqual([2, 1]);
    expect(Array.from(await s.score({ userId: 'a', itemIds: ids, features: {}, now: 0, signal }))).toEqual([2, 1]);
  });

  it('declares no features and needs an artifact source', async () => {
    expect(createBprScorer({ artifactDir: '/nowhere' }).features).toEqual([]);
    expect(() => createBprScorer({})).toThrow(TypeError);
    const bad = handModel();
    const broken = createBprScorer({ loadArtifact: async () => ({ ...bad, manifest: { ...bad.manifest, dims: 3 } }) });
    await expect(broken.setup(ctx)).rejects.toThrow('does not match');
  });
});
