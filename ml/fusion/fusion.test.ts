import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxModel } from '../onnx/session';
import { mulberry32 } from '../random';
import { fitFusion, gauc, type FusionLists } from './fit';
import { fusionH, fusionLossGrad, fusionParamCount, fusionScores, type FusionShape, type PairBatch } from './mlp';
import { FUSION_OUTPUT, fusionOnnx } from './onnx';

function randomBatch(shape: FusionShape, rows: number, pairs: number, seed: number): { theta: Float32Array; b: PairBatch } {
  const rng = mulberry32(seed);
  const theta = Float32Array.from({ length: fusionParamCount(shape) }, () => rng() * 2 - 1);
  const x = Float32Array.from({ length: rows * shape.columns }, () => rng() * 4 - 2);
  const g = Float32Array.from({ length: rows }, () => rng() * 2 - 1);
  const pos = Int32Array.from({ length: pairs }, () => Math.floor(rng() * rows));
  const neg = Int32Array.from({ length: pairs }, () => Math.floor(rng() * rows));
  return { theta, b: { x, g, pos, neg } };
}

describe('fusion network', () => {
  it('has gradients equal to central finite differences of its loss', () => {
    const shape = { columns: 4, hidden: 5 };
    const { theta, b } = randomBatch(shape, 30, 40, 7);
    const grad = new Float32Array(theta.length);
    fusionLossGrad(shape, theta, b, 0, 40, 0.5, 0.01, grad);
    const t64 = Float32Array.from(theta);
    const scratch = new Float32Array(theta.length);
    let checked = 0;
    for (let i = 0; i < theta.length; i++) {
      const eps = 1e-2;
      t64[i] = theta[i]! + eps;
      const up = fusionLossGrad(shape, t64, b, 0, 40, 0.5, 0.01, scratch);
      t64[i] = theta[i]! - eps;
      const down = fusionLossGrad(shape, t64, b, 0, 40, 0.5, 0.01, scratch);
      t64[i] = theta[i]!;
      const fd = (up - down) / (2 * eps);
      // float32 parameters: an absolute tolerance that scales with the gradient.
      expect(Math.abs(fd - grad[i]!)).toBeLessThan(2e-3 + 0.02 * Math.abs(fd));
      if (Math.abs(fd) > 1e-3) checked++;
    }
    expect(checked).toBeGreaterThan(theta.length / 2);
  });

  it('fits α and h: a column that separates positives is learned, and the fused GAUC beats the graph score alone', () => {
    const rng = mulberry32(3);
    const sizes: number[] = [];
    const xs: number[] = [];
    const gs: number[] = [];
    const ys: number[] = [];
    for (let u = 0; u < 300; u++) {
      sizes.push(10);
      for (let r = 0; r < 10; r++) {
        const y = r < 2 ? 1 : 0;
        // Column 0 is raw popularity (log scale) that carries signal; column 1 is noise; the graph score is weakly informative.
        xs.push(Math.exp(rng() * 2 + (y ? 1.5 : 0)), rng() * 10);
        gs.push(rng() * 0.4 - 0.2 + (y ? 0.1 : 0));
        ys.push(y);
      }
    }
    const lists: FusionLists = { x: Float32Array.from(xs), columns: 2, g: Float32Array.from(gs), y: Uint8Array.from(ys), sizes };
    const r = fitFusion(lists, { seed: 1, epochs: 10 });
    expect(r.alpha).toBeGreaterThan(0);
    expect(r.alpha).toBeLessThan(1);
    expect(r.metrics.validGauc!).toBeGreaterThan(r.metrics.validGaucGraph! + 0.05);
    expect(r.metrics.validGauc!).toBeGreaterThan(0.8);
    const starts = Int32Array.from({ length: sizes.length + 1 }, (_, i) => i * 10);
    expect(gauc(lists.g, lists.y, [0, 1, 2], starts)).toBeGreaterThanOrEqual(0);
  });
});

describe('fusion ONNX export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fusion-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the TypeScript forward pass on raw columns, with the standardisation folded in, for any α fed', async () => {
    const shape = { columns: 3, hidden: 6 };
    const { theta, b } = randomBatch(shape, 25, 1, 11);
    const mean = new Float32Array([0.5, -1, 2]);
    const std = new Float32Array([2, 0.5, 1]);
    const file = join(dir, 'fusion.onnx');
    writeFileSync(file, fusionOnnx({ ...shape, theta, mean, std }));
    const session = await loadOnnxModel(file);
    expect([...session.inputNames].sort()).toEqual(['alpha', 'features', 'graph']);
    const raw = Float32Array.from(b.x, (v, i) => v * std[i % 3]! + mean[i % 3]!);
    for (const alpha of [0, 0.3, 1]) {
      const out = await session.run({ graph: { data: b.g, dims: [25, 1] }, features: { data: raw, dims: [25, 3] }, alpha: { data: new Float32Array([alpha]), dims: [1] } });
      const y = out[FUSION_OUTPUT]!;
      expect(y.dims).toEqual([25, 1]);
      const want = fusionScores(shape, theta, b.x, b.g, 25, alpha);
      for (let i = 0; i < 25; i++) expect(y.data[i]).toBeCloseTo(want[i]!, 4);
    }
    const h = new Float64Array(25);
    fusionH(shape, theta, b.x, 25, h);
    expect(new Set(Array.from(h, (v) => v.toFixed(3))).size).toBeGreaterThan(5);
    await session.close();
  });
});
