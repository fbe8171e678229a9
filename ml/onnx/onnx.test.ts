import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOnnxModel, linearModelSpec } from './export';
import { loadOnnxModel, loadOnnxModelBytes } from './session';

describe('ONNX export round trip through onnxruntime-node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a linear logistic model with the exported weights', async () => {
    const spec = linearModelSpec({
      inputs: [
        { name: 'user', width: 2 },
        { name: 'item', width: 1 },
      ],
      weights: new Float32Array([0.5, -1, 2]),
      bias: 0.25,
      sigmoid: true,
    });
    const file = join(dir, 'linear.onnx');
    writeFileSync(file, encodeOnnxModel(spec));
    const model = await loadOnnxModel(file);
    expect([...model.inputNames].sort()).toEqual(['item', 'user']);
    const out = await model.run({
      user: { data: new Float32Array([1, 2, 0, 0]), dims: [2, 2] },
      item: { data: new Float32Array([3, -1]), dims: [2, 1] },
    });
    const z = [0.5 * 1 - 1 * 2 + 2 * 3 + 0.25, 2 * -1 + 0.25];
    const y = z.map((v) => 1 / (1 + Math.exp(-v)));
    const got = out.score!.data;
    expect(got[0]).toBeCloseTo(y[0]!, 5);
    expect(got[1]).toBeCloseTo(y[1]!, 5);
    await model.close();
  });
  it('opens the same model from its bytes, with the same metadata and outputs', async () => {
    const bytes = encodeOnnxModel(linearModelSpec({ inputs: [{ name: 'x', width: 3 }], weights: new Float32Array([1, -2, 0.5]), bias: 1 }));
    const file = join(dir, 'bytes.onnx');
    writeFileSync(file, bytes);
    const [a, b] = [await loadOnnxModel(file), await loadOnnxModelBytes(bytes)];
    expect(b.inputInfo).toEqual(a.inputInfo);
    expect(b.outputNames).toEqual(['score']);
    const feed = { x: { data: new Float32Array([1, 1, 2, 0, 1, 0]), dims: [2, 3] } };
    const [ya, yb] = [await a.run(feed), await b.run(feed)];
    expect(Array.from(yb.score!.data)).toEqual([1, -1]);
    expect(yb.score!.dims).toEqual([2, 1]);
    expect(Array.from(ya.score!.data)).toEqual(Array.from(yb.score!.data));
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses bytes that are not a model', async () => {
    await expect(loadOnnxModelBytes(new TextEncoder().encode('not an onnx model'))).rejects.toThrow();
  });
});
