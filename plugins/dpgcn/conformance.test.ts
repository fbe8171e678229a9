import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUSION_COLUMNS } from '../../ml/fusion/columns';
import { fusionParamCount } from '../../ml/fusion/mlp';
import { fusionOnnx } from '../../ml/fusion/onnx';
import { loadOnnxModel } from '../../ml/onnx/session';
import { mulberry32 } from '../../ml/random';
import { describeScorerConformance } from '../sdk/conformance';
import { publishDpgcnArtifact, randomDpgcnTables } from './publish';
import { createDpgcnScorer } from './scorer';

/**
 * The suite's fixtures ask for `fixture-user` and `item-0`..`item-199`: the artifact has rows for
 * the user and 150 of those items (so some candidates are unknown) and a fusion network over the
 * standard columns, so both the cosine and the ONNX path run.
 */
const root = mkdtempSync(join(tmpdir(), 'dpgcn-conformance-'));
beforeAll(async () => {
  const C = FUSION_COLUMNS.length;
  const rng = mulberry32(4);
  const net = {
    columns: C,
    hidden: 8,
    theta: Float32Array.from({ length: fusionParamCount({ columns: C, hidden: 8 }) }, () => rng() - 0.5),
    mean: new Float32Array(C),
    std: new Float32Array(C).fill(1),
  };
  const tables = randomDpgcnTables(
    ['fixture-user', 'u1', 'u2'],
    Array.from({ length: 150 }, (_, i) => `item-${i}`),
    16,
    7,
  );
  await publishDpgcnArtifact(root, tables, { fusion: { onnx: fusionOnnx(net), columns: [...FUSION_COLUMNS], alpha: 0.5, alphaRange: [0.25, 0.75] } });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeScorerConformance(createDpgcnScorer({ artifactDir: root }), { loadModel: loadOnnxModel });
describeScorerConformance(createDpgcnScorer({ artifactDir: root }), { loadModel: loadOnnxModel, requestSettings: { fusion: false } });
