/**
 * The manifest of a published ONNX scorer: what the gateway needs to serve a model without code.
 * Its feature-vector layout names standard columns (plugins/sdk/columns.ts), which the gateway
 * computes from the declared features, so a model published at runtime is fed exactly what it
 * was trained on.
 */
import semver from 'semver';
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { standardColumn } from '../plugins/sdk/columns';
import type { ScorerId } from '../plugins/sdk/contract';
import { FEATURE_KEYS, SECOND_STAGE_FEATURE, isFeatureKey, type FeatureKey } from '../plugins/sdk/features';

/** What the model's output means (documentation, and how the explanation labels it). */
export type OutputMeaning = 'score' | 'probability' | 'logit';

export interface ManifestInput {
  /** The input's name in the ONNX graph. */
  readonly name: string;
  /** Standard column names (plugins/sdk/columns.ts), in order: the input is float32 [N, columns.length]. */
  readonly columns: readonly string[];
}

export interface ScorerManifest {
  /** Namespaced id (`namespace/name`), the key strategies use. */
  readonly id: ScorerId;
  /** Semantic version (x.y.z); every publish of an id must be higher than the last. */
  readonly version: string;
  /** Free text shown in `scorers` (at most 500 characters). Default empty. */
  readonly description: string;
  /** Declared features; must include every feature the columns read, and the pipeline loads only these. */
  readonly features: readonly FeatureKey[];
  /** One entry per ONNX input. */
  readonly inputs: readonly ManifestInput[];
  /** The ONNX output holding one score per row ([N] or [N, 1]), and what it means. */
  readonly output: { readonly name: string; readonly meaning: OutputMeaning };
  /** Per-request deadline in ms (1..2000); the probe batch at publish must also finish within it. */
  readonly timeoutMs: number;
}

/** Largest manifest, as JSON text (UTF-8 bytes). */
export const MAX_MANIFEST_BYTES = 64 * 1024;
/** Most ONNX inputs a manifest may declare. */
export const MAX_MANIFEST_INPUTS = 8;
/** Most columns of one input. */
export const MAX_INPUT_COLUMNS = 512;
/** Per-request deadline when the manifest gives none (ms). */
export const DEFAULT_MANIFEST_TIMEOUT_MS = 50;
/** Largest per-request deadline a manifest may give (ms). */
export const MAX_MANIFEST_TIMEOUT_MS = 2000;

// The same id pattern and semver form as scorer registration (plugins/sdk/registry.ts), so a
// manifest that parses also registers; semver.valid additionally refuses e.g. leading zeros.
const ID_PATTERN = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9.-]*$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const TOP_KEYS = ['id', 'version', 'description', 'features', 'inputs', 'output', 'timeoutMs'] as const;
const MEANINGS: readonly OutputMeaning[] = ['score', 'probability', 'logit'];

function bad(field: string, message: string): CodedError {
  return new CodedError(ErrorCode.INVALID_MANIFEST, `manifest ${field}: ${message}`, { field });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw bad(`${prefix}${k}`, `unknown key (allowed: ${allowed.join(', ')})`);
}

function nonEmptyString(v: unknown, field: string, max = 128): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw bad(field, `must be a non-empty string of at most ${max} characters`);
  return v;
}

function parseFeatures(raw: unknown): FeatureKey[] {
  if (!Array.isArray(raw)) throw bad('features', 'must be an array of feature keys');
  const out: FeatureKey[] = [];
  raw.forEach((f: unknown, i) => {
    const field = `features[${i}]`;
    if (typeof f !== 'string' || !isFeatureKey(f)) throw bad(field, `unknown feature ${JSON.stringify(f)} (one of ${FEATURE_KEYS.filter((k) => k !== SECOND_STAGE_FEATURE).join(', ')})`);
    if (f === SECOND_STAGE_FEATURE) throw bad(field, `${SECOND_STAGE_FEATURE} is not available to published scorers`);
    if (out.includes(f)) throw bad(field, `duplicate feature "${f}"`);
    out.push(f);
  });
  return out;
}

function parseInputs(raw: unknown, features: readonly FeatureKey[]): ManifestInput[] {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_MANIFEST_INPUTS) throw bad('inputs', `must be an array of 1 to ${MAX_MANIFEST_INPUTS} inputs`);
  const names = new Set<string>();
  return raw.map((input: unknown, i) => {
    const at = `inputs[${i}]`;
    if (!isPlainObject(input)) throw bad(at, 'must be an object { name, columns }');
    onlyKeys(input, ['name', 'columns'], `${at}.`);
    const name = nonEmptyString(input.name, `${at}.name`);
    if (names.has(name)) throw bad(`${at}.name`, `duplicate input name "${name}"`);
    names.add(name);
    const cols: unknown = input.columns;
    if (!Array.isArray(cols) || cols.length < 1 || cols.length > MAX_INPUT_COLUMNS) throw bad(`${at}.columns`, `must be an array of 1 to ${MAX_INPUT_COLUMNS} standard column names`);
    const columns = cols.map((c: unknown, j) => {
      const field = `${at}.columns[${j}]`;
      const column = typeof c === 'string' ? standardColumn(c) : undefined;
      if (!column) throw bad(field, `${JSON.stringify(c)} is not a standard column (see docs/writing-a-scorer.md, "Standard columns")`);
      const missing = column.features.filter((f) => !features.includes(f));
      if (missing.length > 0) throw bad(field, `column "${column.name}" reads ${missing.join(', ')}, which features does not declare`);
      return column.name;
    });
    return Object.freeze({ name, columns: Object.freeze(columns) });
  });
}

function parseOutput(raw: unknown): ScorerManifest['output'] {
  if (!isPlainObject(raw)) throw bad('output', 'must be an object { name, meaning? }');
  onlyKeys(raw, ['name', 'meaning'], 'output.');
  const name = nonEmptyString(raw.name, 'output.name');
  const meaning = raw.meaning ?? 'score';
  if (!MEANINGS.includes(meaning as OutputMeaning)) throw bad('output.meaning', `must be one of ${MEANINGS.join(', ')}`);
  return Object.freeze({ name, meaning: meaning as OutputMeaning });
}

/**
 * Check a manifest (parsed JSON) and return it frozen, with defaults filled in. Every problem is
 * INVALID_MANIFEST with `details.field` naming the field (`id`, `inputs[0].columns[2]`, ...).
 */
export function parseManifest(json: unknown): ScorerManifest {
  if (!isPlainObject(json)) throw bad('manifest', 'must be a JSON object');
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(json), 'utf8');
  } catch (err) {
    throw bad('manifest', `is not serialisable as JSON (${(err as Error).message})`);
  }
  if (size > MAX_MANIFEST_BYTES) throw bad('manifest', `is ${size} bytes of JSON, more than ${MAX_MANIFEST_BYTES}`);
  onlyKeys(json, TOP_KEYS, '');
  const id = json.id;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw bad('id', 'must look like "namespace/name" (lower case, digits, dashes; dots in the name)');
  const version = json.version;
  if (typeof version !== 'string' || !SEMVER.test(version) || semver.valid(version) !== version) throw bad('version', 'must be a semantic version x.y.z (optionally -prerelease)');
  const description = json.description ?? '';
  if (typeof description !== 'string' || description.length > 500) throw bad('description', 'must be a string of at most 500 characters');
  const features = parseFeatures(json.features);
  const inputs = parseInputs(json.inputs, features);
  const output = parseOutput(json.output);
  const timeoutMs = json.timeoutMs ?? DEFAULT_MANIFEST_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_MANIFEST_TIMEOUT_MS) {
    throw bad('timeoutMs', `must be an integer from 1 to ${MAX_MANIFEST_TIMEOUT_MS} (ms)`);
  }
  return Object.freeze({ id: id as ScorerId, version, description, features: Object.freeze(features), inputs: Object.freeze(inputs), output, timeoutMs });
}

/** Parse a manifest from JSON text (size checked before parsing); a syntax error is INVALID_MANIFEST with field `manifest`. */
export function parseManifestText(text: string): ScorerManifest {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_MANIFEST_BYTES) throw bad('manifest', `is ${size} bytes, more than ${MAX_MANIFEST_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad('manifest', `is not valid JSON (${(err as Error).message})`);
  }
  return parseManifest(json);
}
