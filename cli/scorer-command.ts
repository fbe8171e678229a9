/**
 * `scorer`: published scorers (a manifest plus an ONNX model, no code). This file builds the
 * group with the offline commands; `publish` and `status` are added to the same group elsewhere
 * (`scorerCommand().addCommand(...)`, or on the group `registerScorerCommands` returns).
 *
 *   scorer init <dir> --id <ns/name> --columns <c1,c2,...> [--weights w1,...] [--bias b] [--sigmoid] [--version 1.0.0] [--force]
 *   scorer check <dir> [--model <file>] [--probe-rows <n>]
 *   scorer columns [--json]
 *   scorer dataset <out.csv> --columns <c1,c2,...> [...]   (cli/scorer-dataset.ts)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { STANDARD_COLUMNS } from '../plugins/sdk/columns';
import { admitScorer, type Admission } from '../publishing/admission';
import { parseManifestText, type ScorerManifest } from '../publishing/manifest';
import { scaffoldLinearScorer, type LinearScorerOptions } from '../publishing/scaffold';
import { scorerDatasetCommand } from './scorer-dataset';

type Out = (text: string) => void;

export const MANIFEST_FILE = 'manifest.json';
export const MODEL_FILE = 'model.onnx';

export interface InitOptions extends LinearScorerOptions {
  /** Overwrite manifest.json and model.onnx in a non-empty folder. Default false. */
  readonly force?: boolean;
}

/** Write `<dir>/manifest.json` and `<dir>/model.onnx`; returns the manifest. The folder is created if missing. */
export function initScorerDir(dir: string, opts: InitOptions, out: Out): ScorerManifest {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new CodedError(ErrorCode.BAD_USER_INPUT, `${dir} is not a folder`, { field: 'dir' });
    if (readdirSync(dir).length > 0 && !opts.force) {
      throw new CodedError(ErrorCode.BAD_USER_INPUT, `${dir} is not empty: pass --force to overwrite ${MANIFEST_FILE} and ${MODEL_FILE} in it`, { field: 'dir' });
    }
  }
  const { manifest, modelBytes } = scaffoldLinearScorer(opts);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, MODEL_FILE), modelBytes);
  out(
    `wrote ${join(dir, MANIFEST_FILE)} (${manifest.id}@${manifest.version}, features ${manifest.features.join(', ')})\n` +
      `wrote ${join(dir, MODEL_FILE)} (${manifest.output.meaning === 'probability' ? 'logistic' : 'linear'} over ${manifest.inputs[0]!.columns.length} columns, ${modelBytes.length} bytes)\n` +
      `next: node dist/cli/main.js scorer check ${dir}\n`,
  );
  return manifest;
}

export interface CheckOptions {
  /** The model file. Default `<dir>/model.onnx`. */
  readonly model?: string;
  /** Rows in the probe batch. Default 64. */
  readonly probeRows?: number;
}

function readManifest(dir: string): ScorerManifest {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CodedError(ErrorCode.INVALID_MANIFEST, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { field: MANIFEST_FILE });
  }
  return parseManifestText(text);
}

/** The publish-time checks, offline: parse `<dir>/manifest.json`, admit the model. Throws the CodedError publishing would. */
export async function checkScorerDir(dir: string, opts: CheckOptions = {}): Promise<{ manifest: ScorerManifest; admission: Admission; modelFile: string }> {
  const manifest = readManifest(dir);
  const modelFile = opts.model ?? join(dir, MODEL_FILE);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(modelFile);
  } catch (err) {
    throw new CodedError(
      ErrorCode.MODEL_PROBE_FAILED,
      `scorer ${manifest.id}@${manifest.version}: cannot read the model file ${modelFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        scorerId: manifest.id,
        version: manifest.version,
        problem: 'unreadable',
      },
    );
  }
  const admission = await admitScorer(manifest, bytes, { loadModelBytes: loadOnnxModelBytes, ...(opts.probeRows !== undefined ? { probeRows: opts.probeRows } : {}) });
  return { manifest, admission, modelFile };
}

/** One line for a refusal: code, the field or problem, the message. */
export function describeRefusal(err: CodedError): string {
  const where = typeof err.details.field === 'string' ? ` field=${err.details.field}` : typeof err.details.problem === 'string' ? ` problem=${err.details.problem}` : '';
  return `FAILED ${err.code}${where}: ${err.message}\n`;
}

/** Run `scorer check` and print the outcome; resolves to the exit code (0 admitted, 1 refused). */
export async function runScorerCheck(dir: string, opts: CheckOptions, out: Out, err: Out): Promise<number> {
  try {
    const { manifest, admission, modelFile } = await checkScorerDir(dir, opts);
    const inputs = admission.inputs.map((i) => `${i.name} ${i.dtype ?? 'non-tensor'} [${i.shape.join(', ')}]`).join('; ');
    out(
      `OK ${manifest.id}@${manifest.version}: ${modelFile} admitted\n` +
        `  probe: ${opts.probeRows ?? 64} rows in ${admission.probeMs} ms (timeoutMs ${manifest.timeoutMs})\n  inputs: ${inputs}\n  output: ${manifest.output.name} (${manifest.output.meaning})\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof CodedError)) throw e;
    err(describeRefusal(e));
    return 1;
  }
}

const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function numbers(raw: string): number[] {
  const values = list(raw).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) throw new InvalidArgumentError('must be comma-separated finite numbers');
  return values;
}

function finite(raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError('must be a finite number');
  return v;
}

function positiveInt(raw: string): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > 100000) throw new InvalidArgumentError('must be an integer from 1 to 100000');
  return v;
}

/** The standard-column vocabulary as text (name, features, meaning) or JSON. */
export function formatColumns(json: boolean): string {
  if (json)
    return `${JSON.stringify(
      STANDARD_COLUMNS.map((c) => ({ name: c.name, features: c.features, doc: c.doc })),
      null,
      2,
    )}\n`;
  const width = Math.max(...STANDARD_COLUMNS.map((c) => c.name.length));
  const lines = STANDARD_COLUMNS.map((c) => `${c.name.padEnd(width)}  ${c.doc}  [${c.features.join(', ')}]`);
  return `${lines.join('\n')}\nlog1p(<column>) wraps any column in ln(1 + value).\n`;
}

/** The `scorer` command group with `init`, `check`, `columns` and `dataset`. */
export function scorerCommand(out: Out = (t) => process.stdout.write(t), err: Out = (t) => process.stderr.write(t)): Command {
  const cmd = new Command('scorer').description('published scorers (a manifest plus an ONNX model): start one, check it offline as publishing would');
  cmd
    .command('init')
    .description('write <dir>/manifest.json and <dir>/model.onnx: a linear (or logistic) model over standard columns')
    .argument('<dir>', 'folder to write into (created if missing)')
    .requiredOption('--id <ns/name>', 'namespaced scorer id, e.g. acme/linear')
    .requiredOption('--columns <list>', 'comma-separated standard columns (docs/writing-a-scorer.md, "Standard columns")', list)
    .option('--weights <list>', 'one weight per column (default 1/k each)', numbers)
    .option('--bias <b>', 'bias (default 0)', finite)
    .option('--sigmoid', 'logistic model: sigmoid of the weighted sum, output meaning probability', false)
    .option('--version <semver>', 'manifest version', '1.0.0')
    .option('--force', 'overwrite manifest.json and model.onnx in a non-empty folder', false)
    .action((dir: string, o: { id: string; columns: string[]; weights?: number[]; bias?: number; sigmoid: boolean; version: string; force: boolean }) => {
      initScorerDir(
        resolve(dir),
        {
          id: o.id,
          columns: o.columns,
          sigmoid: o.sigmoid,
          version: o.version,
          force: o.force,
          ...(o.weights ? { weights: o.weights } : {}),
          ...(o.bias !== undefined ? { bias: o.bias } : {}),
        },
        out,
      );
    });
  cmd
    .command('check')
    .description('run the publish-time checks offline: parse <dir>/manifest.json, open the model, check its inputs and output, time a probe batch')
    .argument('<dir>', 'folder holding manifest.json (and model.onnx)')
    .option('--model <file>', 'the ONNX model (default <dir>/model.onnx)')
    .option('--probe-rows <n>', 'rows in the probe batch (default 64)', positiveInt)
    .action(async (dir: string, o: { model?: string; probeRows?: number }) => {
      const code = await runScorerCheck(resolve(dir), { ...(o.model ? { model: resolve(o.model) } : {}), ...(o.probeRows !== undefined ? { probeRows: o.probeRows } : {}) }, out, err);
      if (code !== 0) process.exitCode = code;
    });
  cmd
    .command('columns')
    .description('list the standard columns a manifest may name, with the features each reads')
    .option('--json', 'as JSON: [{ name, features, doc }]', false)
    .action((o: { json: boolean }) => out(formatColumns(o.json)));
  cmd.addCommand(scorerDatasetCommand(out));
  return cmd;
}

/** Add the `scorer` group to the CLI; returns it, so more subcommands (publish, status) can be added. */
export function registerScorerCommands(program: Command): Command {
  const cmd = scorerCommand();
  program.addCommand(cmd);
  return cmd;
}
