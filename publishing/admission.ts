/**
 * Admission of a published scorer: the checks a manifest plus ONNX bytes pass before they are
 * published (and, offline, in `scorer check`). In order: the bytes open as a model; its input
 * names, dtypes and widths match the manifest (the registry's own model checks); the declared
 * output exists; and a probe batch built from the standard columns over synthetic features gives
 * one finite score per row within the manifest's timeoutMs. The session is always closed.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { columnLayout } from '../plugins/sdk/columns';
import type { ScorerPlugin } from '../plugins/sdk/contract';
import { makeFeatureFixture } from '../plugins/sdk/fixtures';
import type { DenseTensor, ModelInputInfo, ModelSession } from '../plugins/sdk/model';
import { checkModelDeclaration } from '../plugins/sdk/model-check';
import type { ScorerManifest } from './manifest';

/** Why the probe refused a model (`details.problem` of MODEL_PROBE_FAILED). */
export type ProbeProblem = 'unreadable' | 'output-missing' | 'threw' | 'not-finite' | 'wrong-length' | 'too-slow';

export interface AdmissionOptions {
  /** Opens a model from its bytes; the gateway passes `loadOnnxModelBytes` (ml/onnx/session). */
  readonly loadModelBytes: (bytes: Uint8Array) => Promise<ModelSession>;
  /** Candidate rows in the probe batch. Default 64. */
  readonly probeRows?: number;
  /** Timed probe runs at most; the fastest counts, and the first within timeoutMs ends the probe (a busy machine's one slow run does not refuse a model). Default 3. */
  readonly probeAttempts?: number;
  /**
   * Times the probe runs somewhere other than this thread and resolves with the fastest (ms); the
   * gateway passes `timeProbeInWorker` (publishing/probe-timer.ts), so runs are not timed behind
   * its own feed requests. Default: timed here, as `scorer check` does offline.
   */
  readonly timeProbe?: (p: { bytes: Uint8Array; feeds: Readonly<Record<string, DenseTensor>>; attempts: number; timeoutMs: number }) => Promise<number>;
}

export interface Admission {
  /** Wall time of the fastest timed probe run (ms). */
  readonly probeMs: number;
  /** The model's inputs, as the file declares them. */
  readonly inputs: ModelInputInfo[];
}

/** The label model errors use for a published scorer (there is no file path). */
export const publishedLabel = (m: ScorerManifest): string => `published:${m.id}@${m.version}`;

function probeFailed(m: ScorerManifest, problem: ProbeProblem, message: string, extra: Record<string, unknown> = {}): CodedError {
  return new CodedError(ErrorCode.MODEL_PROBE_FAILED, `scorer ${m.id}@${m.version}: ${message}`, { scorerId: m.id, version: m.version, problem, ...extra });
}

/** The manifest as a plugin declaration, for the registry's model checks (never set up). */
function asDeclaration(m: ScorerManifest): ScorerPlugin {
  return {
    id: m.id,
    version: m.version,
    features: m.features,
    model: { uri: publishedLabel(m), inputs: m.inputs },
    setup: () => Promise.reject(new Error('a declaration for model checks only')),
  };
}

/** The probe feeds: each input's standard columns over a seeded synthetic request of `rows` candidates. */
export function probeFeeds(m: ScorerManifest, rows: number): Record<string, DenseTensor> {
  const fixture = makeFeatureFixture({ n: rows, seed: 7 });
  const feeds: Record<string, DenseTensor> = {};
  for (const input of m.inputs) feeds[input.name] = columnLayout(input.columns).tensor(fixture.features, rows, fixture.now);
  return feeds;
}

/** The problem with an output for `rows` rows, or null when it is one finite number per row. */
function outputProblem(m: ScorerManifest, out: DenseTensor | undefined, rows: number): CodedError | null {
  const name = m.output.name;
  if (!out) return probeFailed(m, 'output-missing', `the probe run returned no output "${name}"`);
  const data: ArrayLike<unknown> = out.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    return probeFailed(m, 'not-finite', `output "${name}" is not a float tensor (${Object.prototype.toString.call(data).slice(8, -1)})`);
  }
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return probeFailed(m, 'not-finite', `output "${name}" is ${data[bad]} at index ${bad} of the probe batch`, { index: bad });
  const dims = [...out.dims];
  const shapeOk = (dims.length === 1 && dims[0] === rows) || (dims.length === 2 && dims[0] === rows && dims[1] === 1);
  if (!shapeOk || data.length !== rows) {
    return probeFailed(m, 'wrong-length', `output "${name}" has shape [${dims.join(', ')}] for ${rows} rows; one score per row ([N] or [N, 1]) is needed`, { shape: dims, rows });
  }
  return null;
}

async function runProbe(m: ScorerManifest, session: ModelSession, feeds: Record<string, DenseTensor>): Promise<Record<string, DenseTensor>> {
  try {
    return await session.run(feeds);
  } catch (err) {
    throw probeFailed(m, 'threw', `the model threw on the probe batch: ${(err as Error).message.split('\n').join(' ')}`);
  }
}

async function admitOpened(m: ScorerManifest, session: ModelSession, bytes: Uint8Array, opts: AdmissionOptions): Promise<Admission> {
  try {
    await checkModelDeclaration(asDeclaration(m), publishedLabel(m), session);
  } catch (err) {
    if (!(err instanceof CodedError)) throw err;
    const problem = err.code === ErrorCode.MODEL_INPUT_MISMATCH ? 'input-mismatch' : 'shape-mismatch';
    const message = err.message.replace(`scorer ${m.id}:`, `scorer ${m.id}@${m.version}:`);
    throw new CodedError(err.code, message, { ...err.details, scorerId: m.id, version: m.version, problem });
  }
  if (!session.outputNames.includes(m.output.name)) {
    throw probeFailed(m, 'output-missing', `the model has no output "${m.output.name}" (it has ${session.outputNames.map((o) => `"${o}"`).join(', ')})`);
  }
  const rows = opts.probeRows ?? 64;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`probeRows must be an integer ≥ 1, got ${rows}`);
  const feeds = probeFeeds(m, rows);
  const warm = await runProbe(m, session, feeds);
  const warmProblem = outputProblem(m, warm[m.output.name], rows);
  if (warmProblem) throw warmProblem;
  const attempts = Math.max(1, opts.probeAttempts ?? 3);
  let best = Infinity;
  if (opts.timeProbe) {
    try {
      best = await opts.timeProbe({ bytes, feeds, attempts, timeoutMs: m.timeoutMs });
    } catch (err) {
      throw probeFailed(m, 'threw', `the timed probe runs failed: ${(err as Error).message.split('\n').join(' ')}`);
    }
  }
  for (let attempt = 0; !opts.timeProbe && attempt < attempts && best > m.timeoutMs; attempt++) {
    const started = performance.now();
    const out = await runProbe(m, session, feeds);
    const ms = performance.now() - started;
    const problem = outputProblem(m, out[m.output.name], rows);
    if (problem) throw problem;
    best = Math.min(best, ms);
  }
  const probeMs = Math.round(best * 1000) / 1000;
  if (best > m.timeoutMs) {
    throw probeFailed(m, 'too-slow', `the probe batch of ${rows} rows took ${probeMs} ms, more than timeoutMs ${m.timeoutMs}`, { ms: probeMs, timeoutMs: m.timeoutMs });
  }
  return { probeMs, inputs: [...(session.inputInfo ?? [])] };
}

/**
 * Admit a manifest's model: resolves with the probe time and the model's inputs, or throws a
 * CodedError (MODEL_PROBE_FAILED, MODEL_INPUT_MISMATCH, MODEL_SHAPE_MISMATCH) whose details
 * include scorerId, version and problem.
 */
export async function admitScorer(manifest: ScorerManifest, modelBytes: Uint8Array, opts: AdmissionOptions): Promise<Admission> {
  let session: ModelSession;
  try {
    session = await opts.loadModelBytes(modelBytes);
  } catch (err) {
    throw probeFailed(manifest, 'unreadable', `the model bytes (${modelBytes.length}) do not open as an ONNX model: ${(err as Error).message.split('\n').join(' ')}`);
  }
  try {
    return await admitOpened(manifest, session, modelBytes, opts);
  } finally {
    await session.close();
  }
}
