/** ModelSession backed by onnxruntime-node (CPU execution provider). */
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { DenseTensor, ModelSession } from '../../plugins/sdk/model';

function toPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 };

function wrap(session: ort.InferenceSession): ModelSession {
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputInfo: session.inputMetadata.map((m) => ({ name: m.name, dtype: m.isTensor ? m.type : null, shape: m.isTensor ? [...m.shape] : [] })),
    async run(feeds) {
      const input: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) input[name] = new ort.Tensor('float32', t.data, [...t.dims]);
      const result = await session.run(input);
      const out: Record<string, DenseTensor> = {};
      for (const [name, t] of Object.entries(result)) {
        out[name] = { data: t.data as Float32Array, dims: t.dims.map(Number) };
      }
      return out;
    },
    async close() {
      await session.release();
    },
  };
}

/** Open an .onnx file (path or file: URI). Single intra-op thread: the gateway runs many requests at once. */
export async function loadOnnxModel(uri: string): Promise<ModelSession> {
  return wrap(await ort.InferenceSession.create(toPath(uri), SESSION_OPTIONS));
}

/** Open a model from its bytes (a published scorer's blob), with the same options as loadOnnxModel. */
export async function loadOnnxModelBytes(bytes: Uint8Array): Promise<ModelSession> {
  return wrap(await ort.InferenceSession.create(bytes, SESSION_OPTIONS));
}
