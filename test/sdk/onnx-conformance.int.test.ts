/** The conformance suite runs an ONNX scorer through the gateway's own loader (onnxruntime-node). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxModel } from '../../ml/onnx/session';
import { describeScorerConformance } from '../../plugins/sdk/conformance';
import { createStatsOnnxScorer, writeLogisticModel } from '../support/onnx-scorer';

// Written before the suite's beforeAll registers the plugin; the path is relative to modelsDir.
const dir = mkdtempSync(join(tmpdir(), 'onnx-conformance-'));
writeLogisticModel(dir, 'six.onnx', 6);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeScorerConformance(createStatsOnnxScorer({ uri: 'six.onnx' }), { loadModel: loadOnnxModel, modelsDir: dir });
