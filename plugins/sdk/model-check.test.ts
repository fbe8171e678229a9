import { ErrorCode } from '../../errors/codes';
import type { ModelDeclaration, ScorerPlugin } from './contract';
import type { ModelInputInfo, ModelSession } from './model';
import { checkModelDeclaration } from './model-check';

const cols = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${i}`);

function plugin(inputs: ModelDeclaration['inputs']): ScorerPlugin {
  return { id: 'acme/m', version: '1.0.0', features: [], model: { uri: 'm.onnx', inputs }, setup: async () => ({ score: async () => new Float32Array(0) }) };
}

/** A fake session: declared metadata, and a run that refuses rows that are not `width` wide. */
function session(info: ModelInputInfo[] | undefined, width: number, names = info?.map((i) => i.name) ?? ['x']): ModelSession & { runs: number } {
  const s = {
    runs: 0,
    inputNames: names,
    outputNames: ['y'],
    ...(info ? { inputInfo: info } : {}),
    async run(feeds: Record<string, { data: Float32Array; dims: readonly number[] }>) {
      s.runs++;
      for (const [name, t] of Object.entries(feeds)) if (t.dims[1] !== width) throw new Error(`input ${name}: got ${t.dims[1]} expected ${width}`);
      return {};
    },
    close: async () => {},
  };
  return s;
}

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('model declaration checks', () => {
  it('accepts a layout whose width equals the fixed dimension, without a probe', async () => {
    const s = session([{ name: 'x', dtype: 'float32', shape: ['N', 6] }], 6);
    await checkModelDeclaration(plugin([{ name: 'x', columns: cols(6) }]), 'm.onnx', s);
    expect(s.runs).toBe(0);
  });

  it('refuses a 6-column layout against a 5-wide input, naming scorer, input, expected and actual shape', async () => {
    const err = await errorOf(checkModelDeclaration(plugin([{ name: 'x', columns: cols(6) }]), 'm.onnx', session([{ name: 'x', dtype: 'float32', shape: ['N', 5] }], 5)));
    expect(err.code).toBe(ErrorCode.MODEL_SHAPE_MISMATCH);
    expect(err.message).toContain('scorer acme/m');
    expect(err.message).toContain('"x"');
    expect(err.details).toEqual({ scorerId: 'acme/m', input: 'x', expected: { dtype: 'float32', shape: ['N', 6] }, actual: { dtype: 'float32', shape: ['N', 5] } });
  });

  it.each([
    ['an int64 input', { name: 'x', dtype: 'int64', shape: ['N', 3] }, /is int64/],
    ['a non-tensor input', { name: 'x', dtype: null, shape: [] }, /is not a tensor/],
    ['a rank-3 input', { name: 'x', dtype: 'float32', shape: ['N', 3, 2] }, /rank 3/],
  ])('refuses %s', async (_n, info, problem) => {
    const err = await errorOf(checkModelDeclaration(plugin([{ name: 'x', columns: cols(3) }]), 'm.onnx', session([info as ModelInputInfo], 3)));
    expect(err.code).toBe(ErrorCode.MODEL_SHAPE_MISMATCH);
    expect(err.message).toMatch(problem);
  });

  it('probes when the width is symbolic or the runtime gives no metadata, and refuses a failed probe', async () => {
    const symbolic = session([{ name: 'x', dtype: 'float32', shape: ['N', 'W'] }], 4);
    await checkModelDeclaration(plugin([{ name: 'x', columns: cols(4) }]), 'm.onnx', symbolic);
    expect(symbolic.runs).toBe(1);
    const err = await errorOf(checkModelDeclaration(plugin([{ name: 'x', columns: cols(5) }]), 'm.onnx', session(undefined, 4)));
    expect(err.code).toBe(ErrorCode.MODEL_SHAPE_MISMATCH);
    expect(err.message).toMatch(/probe batch .*got 5 expected 4/);
  });

  it('checks names only for bare-name inputs, and still refuses a name mismatch', async () => {
    const s = session([{ name: 'x', dtype: 'int64', shape: ['N', 99] }], 1);
    await checkModelDeclaration(plugin(['x']), 'm.onnx', s);
    expect(s.runs).toBe(0);
    expect((await errorOf(checkModelDeclaration(plugin(['z']), 'm.onnx', s))).code).toBe(ErrorCode.MODEL_INPUT_MISMATCH);
  });

  it('refuses an input declared with no columns as INVALID_PLUGIN', async () => {
    const err = await errorOf(checkModelDeclaration(plugin([{ name: 'x', columns: [] }]), 'm.onnx', session([{ name: 'x', dtype: 'float32', shape: ['N', 0] }], 0)));
    expect(err.code).toBe(ErrorCode.INVALID_PLUGIN);
  });
});
