import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { encodeOnnxModel, linearModelSpec, type OnnxGraphSpec } from '../ml/onnx/export';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import type { ModelSession } from '../plugins/sdk/model';
import { admitScorer, probeFeeds } from './admission';
import { parseManifest, type ScorerManifest } from './manifest';

const COLUMNS = ['item.stats.purchase', 'log1p(item.stats.view.decayed)', 'item.stats.users', 'pair.co.sum', 'pair.category.overlap', 'item.price'];

function manifest(patch: Record<string, unknown> = {}): ScorerManifest {
  return parseManifest({
    id: 'acme/probe',
    version: '1.0.0',
    features: ['item.stats', 'pair.coInteraction', 'user.history', 'user.historyItems', 'item.meta'],
    inputs: [{ name: 'features', columns: COLUMNS }],
    output: { name: 'score' },
    timeoutMs: 1000,
    ...patch,
  });
}

const linear = (width: number, opts: { sigmoid?: boolean; name?: string } = {}): Uint8Array =>
  encodeOnnxModel(linearModelSpec({ inputs: [{ name: opts.name ?? 'features', width }], weights: new Float32Array(width).fill(0.1), bias: 0.5, ...(opts.sigmoid ? { sigmoid: true } : {}) }));

/** A batch-dynamic graph from `features` [N, k] through `nodes` to `score` of the given dims. */
function graph(k: number, nodes: OnnxGraphSpec['nodes'], initializers: OnnxGraphSpec['initializers'], outDims: ReadonlyArray<number | string>): Uint8Array {
  return encodeOnnxModel({ name: 'test', inputs: [{ name: 'features', dims: ['N', k] }], outputs: [{ name: 'score', dims: outDims }], initializers, nodes });
}

const K = COLUMNS.length;
/** 0 / 0 for every row: NaN. */
const nanModel = (): Uint8Array =>
  graph(
    K,
    [
      { op: 'MatMul', inputs: ['features', 'W'], outputs: ['zero'] },
      { op: 'Div', inputs: ['zero', 'zero'], outputs: ['score'] },
    ],
    [{ name: 'W', dims: [K, 1], data: new Float32Array(K) }],
    ['N', 1],
  );
/** Two scores per row. */
const twoWide = (): Uint8Array => graph(K, [{ op: 'MatMul', inputs: ['features', 'W'], outputs: ['score'] }], [{ name: 'W', dims: [K, 2], data: new Float32Array(2 * K).fill(0.1) }], ['N', 2]);
/** One number for the whole batch. */
const scalar = (): Uint8Array => graph(K, [{ op: 'ReduceMean', inputs: ['features'], outputs: ['score'], attributes: { keepdims: 0 } }], [], []);
/** Four 1024x1024 MatMuls per row: tens of ms for 64 rows on one thread. */
function slowModel(): Uint8Array {
  const H = 1024;
  const nodes: OnnxGraphSpec['nodes'][number][] = [{ op: 'MatMul', inputs: ['features', 'W_in'], outputs: ['h0'] }];
  for (let l = 0; l < 4; l++) nodes.push({ op: 'MatMul', inputs: [`h${l}`, 'W_hh'], outputs: [`h${l + 1}`] });
  nodes.push({ op: 'MatMul', inputs: ['h4', 'W_out'], outputs: ['score'] });
  return graph(
    K,
    nodes,
    [
      { name: 'W_in', dims: [K, H], data: new Float32Array(K * H).fill(1 / K) },
      { name: 'W_hh', dims: [H, H], data: new Float32Array(H * H).fill(1 / H) },
      { name: 'W_out', dims: [H, 1], data: new Float32Array(H).fill(1 / H) },
    ],
    ['N', 1],
  );
}

async function refusal(p: Promise<unknown>): Promise<CodedError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CodedError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** The real loader, counting sessions opened and closed. */
function countingLoader(): { load: (b: Uint8Array) => Promise<ModelSession>; opened: number; closed: number } {
  const c = {
    opened: 0,
    closed: 0,
    load: async (b: Uint8Array): Promise<ModelSession> => {
      const s = await loadOnnxModelBytes(b);
      c.opened++;
      return {
        ...s,
        close: async () => {
          c.closed++;
          await s.close();
        },
      };
    },
  };
  return c;
}

describe('admitScorer', () => {
  it('admits a linear model over the manifest columns, reports the probe time and inputs, and closes the session', async () => {
    const loader = countingLoader();
    const a = await admitScorer(manifest(), linear(K, { sigmoid: true }), { loadModelBytes: loader.load });
    expect(a.probeMs).toBeGreaterThan(0);
    expect(a.probeMs).toBeLessThan(1000);
    expect(a.inputs).toEqual([{ name: 'features', dtype: 'float32', shape: ['N', K] }]);
    expect([loader.opened, loader.closed]).toEqual([1, 1]);
  });

  it('probes with probeRows rows, and refuses a probeRows below 1', async () => {
    const seen: number[] = [];
    const loader = async (b: Uint8Array): Promise<ModelSession> => {
      const s = await loadOnnxModelBytes(b);
      return { ...s, run: (feeds) => (seen.push(feeds.features!.dims[0]!), s.run(feeds)) };
    };
    await admitScorer(manifest(), linear(K), { loadModelBytes: loader, probeRows: 7 });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen)).toEqual(new Set([7]));
    await expect(admitScorer(manifest(), linear(K), { loadModelBytes: loadOnnxModelBytes, probeRows: 0 })).rejects.toThrow(RangeError);
  });

  it('feeds the probe from the columns over synthetic features (not all zeros, one row per probe row)', () => {
    const feeds = probeFeeds(manifest(), 64);
    const x = feeds.features!;
    expect(x.dims).toEqual([64, K]);
    for (let j = 0; j < K; j++) expect(new Set(Array.from({ length: 64 }, (_, i) => x.data[i * K + j])).size).toBeGreaterThan(1);
  });

  it('refuses a 5-wide model against a 6-column layout with MODEL_SHAPE_MISMATCH', async () => {
    const loader = countingLoader();
    const err = await refusal(admitScorer(manifest(), linear(5), { loadModelBytes: loader.load }));
    expect(err.code).toBe(ErrorCode.MODEL_SHAPE_MISMATCH);
    expect(err.details).toMatchObject({
      scorerId: 'acme/probe',
      version: '1.0.0',
      problem: 'shape-mismatch',
      input: 'features',
      expected: { dtype: 'float32', shape: ['N', 6] },
      actual: { shape: ['N', 5] },
    });
    expect(err.message).toMatch(/^scorer acme\/probe@1\.0\.0: model input "features" has shape \[N, 5\]/);
    expect(loader.closed).toBe(1);
  });

  it('refuses a model whose input names differ with MODEL_INPUT_MISMATCH', async () => {
    const err = await refusal(admitScorer(manifest(), linear(K, { name: 'x' }), { loadModelBytes: loadOnnxModelBytes }));
    expect(err.code).toBe(ErrorCode.MODEL_INPUT_MISMATCH);
    expect(err.details).toMatchObject({ scorerId: 'acme/probe', version: '1.0.0', problem: 'input-mismatch', declared: ['features'], actual: ['x'] });
  });

  it.each<[string, string, () => Uint8Array, Record<string, unknown>]>([
    ['garbage bytes', 'unreadable', () => new TextEncoder().encode('definitely not protobuf'), {}],
    ['a model without the declared output', 'output-missing', () => linear(K), { output: { name: 'probability' } }],
    ['a model that outputs NaN', 'not-finite', nanModel, {}],
    ['a model with two outputs per row', 'wrong-length', twoWide, {}],
    ['a model with one output for the batch', 'wrong-length', scalar, {}],
  ])('refuses %s: MODEL_PROBE_FAILED, problem %s', async (_name, problem, bytes, patch) => {
    const loader = countingLoader();
    const err = await refusal(admitScorer(manifest(patch), bytes(), { loadModelBytes: loader.load }));
    expect(err.code).toBe(ErrorCode.MODEL_PROBE_FAILED);
    expect(err.details).toMatchObject({ scorerId: 'acme/probe', version: '1.0.0', problem });
    expect(loader.closed).toBe(loader.opened);
  });

  it('refuses a model slower than timeoutMs (too-slow, with ms and timeoutMs), and admits it with a generous timeout', async () => {
    const bytes = slowModel();
    const err = await refusal(admitScorer(manifest({ timeoutMs: 1 }), bytes, { loadModelBytes: loadOnnxModelBytes }));
    expect(err.code).toBe(ErrorCode.MODEL_PROBE_FAILED);
    expect(err.details).toMatchObject({ problem: 'too-slow', timeoutMs: 1 });
    expect(err.details.ms as number).toBeGreaterThan(1);
    const ok = await admitScorer(manifest({ timeoutMs: 2000 }), bytes, { loadModelBytes: loadOnnxModelBytes });
    expect(ok.probeMs).toBeGreaterThan(1);
  });

  it('refuses a model that throws on the probe (threw), and closes it', async () => {
    let closed = 0;
    const throwing: ModelSession = {
      inputNames: ['features'],
      outputNames: ['score'],
      inputInfo: [{ name: 'features', dtype: 'float32', shape: ['N', K] }],
      run: () => Promise.reject(new Error('kernel failed\nat node 3')),
      close: async () => void closed++,
    };
    const err = await refusal(admitScorer(manifest(), new Uint8Array(1), { loadModelBytes: async () => throwing }));
    expect(err.details).toMatchObject({ scorerId: 'acme/probe', version: '1.0.0', problem: 'threw' });
    expect(err.message).toContain('kernel failed at node 3');
    expect(closed).toBe(1);
  });
});
