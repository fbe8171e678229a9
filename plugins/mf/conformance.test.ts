import { buildMfManifest, type MfArtifact } from '../../ml/mf/artifact';
import { trainBpr } from '../../ml/mf/bpr';
import { mulberry32 } from '../../ml/random';
import { describeScorerConformance } from '../sdk/conformance';
import { createBprScorer } from './bpr';

/**
 * The suite's fixtures ask for `fixture-user` and `item-0`..`item-199`: a tiny model is trained
 * here on synthetic interactions over exactly those ids (plus 40 other users), so the scorer is
 * exercised with real, trained rows rather than the all-zero answer for unknown ids.
 */
let trained: Promise<MfArtifact> | undefined;

function tinyModel(): Promise<MfArtifact> {
  trained ??= (async () => {
    const userIds = ['fixture-user', ...Array.from({ length: 40 }, (_, i) => `user-${i}`)];
    const itemIds = Array.from({ length: 200 }, (_, i) => `item-${i}`);
    const rnd = mulberry32(5);
    const rows = userIds.map(() => {
      const s = new Set<number>();
      while (s.size < 12) s.add(Math.floor(rnd() * rnd() * 200)); // skewed towards low ids
      return [...s].sort((a, b) => a - b);
    });
    const indptr = new Int32Array(rows.length + 1);
    rows.forEach((r, u) => (indptr[u + 1] = indptr[u]! + r.length));
    const res = await trainBpr({ numUsers: userIds.length, numItems: itemIds.length, indptr, items: Int32Array.from(rows.flat()) }, { seed: 3, dims: 16, epochs: 5 });
    const manifest = buildMfManifest(res.model, { model: 'mf/bpr', userIds, itemIds, seed: 3, hyperParameters: { ...res.hyper }, training: {}, metrics: {}, createdBy: 'conformance test' }, 0);
    return { manifest, model: res.model };
  })();
  return trained;
}

describeScorerConformance(createBprScorer({ loadArtifact: tinyModel }));
