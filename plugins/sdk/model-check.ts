/**
 * Registration checks of a plugin's ONNX declaration against the opened model: input names,
 * and for inputs declared with their columns, dtype and shape (float32 [N, columns.length]).
 * When the file leaves the width open (a symbolic or missing dimension), a probe batch of one
 * row of zeros per input is run instead and an error refuses the plugin.
 */
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import type { ModelInputDeclaration, ScorerPlugin } from './contract';
import type { DenseTensor, ModelInputInfo, ModelSession } from './model';

/** A relative path joined to `modelsDir`; absolute paths and URIs (`file:`, ...) unchanged. */
export function resolveModelUri(uri: string, modelsDir: string): string {
  if (isAbsolute(uri) || /^[a-z][a-z0-9+.-]*:/i.test(uri)) return uri;
  return resolve(modelsDir, uri);
}

const nameOf = (i: string | ModelInputDeclaration): string => (typeof i === 'string' ? i : i.name);
const showShape = (shape: ReadonlyArray<number | string>): string => `[${shape.join(', ')}]`;

function checkNames(plugin: ScorerPlugin, uri: string, session: ModelSession): void {
  const declared = plugin.model!.inputs.map(nameOf).sort();
  const actual = [...session.inputNames].sort();
  if (declared.length !== actual.length || declared.some((d, i) => d !== actual[i])) {
    throw new CodedError(ErrorCode.MODEL_INPUT_MISMATCH, `scorer ${plugin.id}: declared model inputs [${declared.join(', ')}] but ${uri} has [${actual.join(', ')}]`, {
      scorerId: plugin.id,
      declared,
      actual,
    });
  }
}

function shapeMismatch(plugin: ScorerPlugin, input: ModelInputDeclaration, actual: ModelInputInfo | undefined, problem: string): CodedError {
  const expected = ['N', input.columns.length];
  return new CodedError(
    ErrorCode.MODEL_SHAPE_MISMATCH,
    `scorer ${plugin.id}: model input "${input.name}" ${problem}; the declared layout needs float32 ${showShape(expected)} (${input.columns.length} columns)`,
    {
      scorerId: plugin.id,
      input: input.name,
      expected: { dtype: 'float32', shape: expected },
      actual: actual ? { dtype: actual.dtype, shape: [...actual.shape] } : null,
    },
  );
}

/**
 * Whether the model file fixes this input's type and width. Throws MODEL_SHAPE_MISMATCH on a
 * contradiction; returns false when the width is left open (a probe must decide).
 */
function checkStatic(plugin: ScorerPlugin, input: ModelInputDeclaration, info: ModelInputInfo | undefined): boolean {
  if (!info) return false;
  if (info.dtype === null) throw shapeMismatch(plugin, input, info, 'is not a tensor');
  if (info.dtype !== 'float32') throw shapeMismatch(plugin, input, info, `is ${info.dtype}`);
  if (info.shape.length === 0) return false;
  if (info.shape.length !== 2) throw shapeMismatch(plugin, input, info, `has shape ${showShape(info.shape)} (rank ${info.shape.length})`);
  const width = info.shape[1];
  if (typeof width !== 'number' || width < 0) return false;
  if (width !== input.columns.length) throw shapeMismatch(plugin, input, info, `has shape ${showShape(info.shape)}, ${width} wide`);
  return true;
}

async function probe(plugin: ScorerPlugin, inputs: readonly ModelInputDeclaration[], session: ModelSession): Promise<void> {
  const feeds: Record<string, DenseTensor> = {};
  for (const i of inputs) feeds[i.name] = { data: new Float32Array(i.columns.length), dims: [1, i.columns.length] };
  try {
    await session.run(feeds);
  } catch (err) {
    const first = inputs[0]!;
    const info = session.inputInfo?.find((m) => m.name === first.name);
    throw shapeMismatch(plugin, first, info, `refused a probe batch of one row of zeros per declared input (${(err as Error).message.split('\n').join(' ')})`);
  }
}

/** Check the opened model against the plugin's declaration; throws a CodedError naming the scorer. */
export async function checkModelDeclaration(plugin: ScorerPlugin, uri: string, session: ModelSession): Promise<void> {
  checkNames(plugin, uri, session);
  const laidOut = plugin.model!.inputs.filter((i): i is ModelInputDeclaration => typeof i !== 'string');
  for (const i of laidOut) {
    if (!Array.isArray(i.columns) || i.columns.length === 0 || i.columns.some((c) => typeof c !== 'string')) {
      throw new CodedError(ErrorCode.INVALID_PLUGIN, `scorer ${plugin.id}: model input "${i.name}" must list its columns (a non-empty array of names)`, { scorerId: plugin.id, input: i.name });
    }
  }
  let open = false;
  for (const i of laidOut) {
    if (
      !checkStatic(
        plugin,
        i,
        session.inputInfo?.find((m) => m.name === i.name),
      )
    )
      open = true;
  }
  // A probe needs a value for every input: only possible when every input declares its layout.
  if (open && laidOut.length === session.inputNames.length) await probe(plugin, laidOut, session);
}
