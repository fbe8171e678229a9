/**
 * The flags of `scorer dataset`, checked before any data is read: every bad flag is a CodedError
 * EVAL_ARGUMENT_INVALID whose `details.flag` names it (as `eval` does), and a column that is not
 * a standard column is INVALID_MANIFEST naming `inputs[0].columns[j]` (as publishing would).
 */
import { EVENT_TYPES, type EventType } from '../../domain/events';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { argError, parseInstant, sourceFromFlags, type TemporalSource } from '../../eval/protocols/temporal-source';
import { parseManifest, type ScorerManifest } from '../../publishing/manifest';
import { standardColumn } from '../../plugins/sdk/columns';
import { DATASET_FORMATS, type DatasetFormat } from './format';

/** The flags as commander hands them over (raw text). */
export interface DatasetFlags {
  columns?: string;
  cut?: string;
  window?: string;
  label?: string;
  maxUsers?: string;
  seed?: string;
  id?: string;
  format?: string;
  negativesPerList?: string;
  positiveListsOnly?: boolean;
  retrieval?: string;
  file?: string;
  mapping?: string;
  preset?: string;
  db?: string;
  maxLines?: string;
}

/** Default scorer id of the manifest skeleton. */
export const DEFAULT_DATASET_ID = 'acme/my-scorer';
/** Default label window after the cut. */
export const DEFAULT_LABEL_WINDOW = '1d';

export interface DatasetSettings {
  readonly columns: readonly string[];
  /** The manifest skeleton (checked by parseManifest). */
  readonly manifest: ScorerManifest;
  readonly source: TemporalSource;
  /** Explicit cut (ms); absent: the end of the data minus the label window. */
  readonly cut?: number;
  readonly windowMs: number;
  readonly label: EventType;
  readonly maxUsers?: number;
  readonly seed: number;
  readonly format: DatasetFormat;
  readonly maxNegativesPerList: number;
  readonly positiveListsOnly: boolean;
  /** Strategy file whose retrievers propose the candidates; absent: the gateway's default strategy. */
  readonly retrieval?: string;
  readonly maxLines?: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration: `<number><unit>` with unit ms, s, m, h or d (e.g. `1d`, `12h`, `1.5d`), or integer milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 'ms']! : Number.NaN;
  if (!(Number.isFinite(ms) && ms >= 1)) throw argError(flag, `"${text}" is not a duration like 1d, 12h, 30m or a number of milliseconds (at least 1 ms)`);
  return Math.round(ms);
}

function integer(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) throw argError(flag, `"${text}" must be an integer of at least ${min}`);
  return n;
}

/** Features a dataset cannot replay as the gateway serves them. */
const NOT_REPLAYED: Readonly<Record<string, string>> = {
  'user.value': "the DUVE engine's online state, which the replay does not fold (the column would be 0 here and non-zero when served)",
};

/** Check the column list and build the manifest skeleton over it. */
export function datasetManifest(columns: readonly string[], o: { id: string; label: EventType; windowMs: number }): ScorerManifest {
  if (columns.length === 0) throw argError('--columns', 'needs at least one standard column (node dist/cli/main.js scorer columns lists them)');
  columns.forEach((name, j) => {
    const field = `inputs[0].columns[${j}]`;
    if (columns.indexOf(name) !== j) throw new CodedError(ErrorCode.INVALID_MANIFEST, `manifest ${field}: column "${name}" is listed twice`, { field });
    const col = standardColumn(name);
    if (!col) throw new CodedError(ErrorCode.INVALID_MANIFEST, `manifest ${field}: "${name}" is not a standard column (see docs/writing-a-scorer.md, "Standard columns")`, { field });
    for (const f of col.features) {
      const why = NOT_REPLAYED[f];
      if (why !== undefined) throw argError('--columns', `column "${name}" reads ${f}: ${why}`);
    }
  });
  const features = [...new Set(columns.flatMap((c) => standardColumn(c)!.features))];
  const hours = o.windowMs / 3_600_000;
  return parseManifest({
    id: o.id,
    version: '1.0.0',
    description: `P(${o.label} within ${Number.isInteger(hours / 24) ? `${hours / 24} d` : `${hours} h`} of the request), trained on \`scorer dataset\` rows`,
    features,
    inputs: [{ name: 'features', columns }],
    output: { name: 'score', meaning: 'probability' },
    timeoutMs: 50,
  });
}

/** Check every flag; nothing is read from disk here. */
export function datasetSettings(f: DatasetFlags): DatasetSettings {
  const columns = (f.columns ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const label = f.label ?? 'purchase';
  if (!(EVENT_TYPES as readonly string[]).includes(label)) throw argError('--label', `"${label}" is not an event type (one of ${EVENT_TYPES.join(', ')})`);
  const windowMs = parseDuration(f.window ?? DEFAULT_LABEL_WINDOW, '--window');
  const format = f.format ?? 'csv';
  if (!(DATASET_FORMATS as readonly string[]).includes(format)) throw argError('--format', `"${format}" must be one of ${DATASET_FORMATS.join(', ')}`);
  const source = sourceFromFlags(f);
  const cut = f.cut !== undefined ? parseInstant(f.cut, '--cut') : undefined;
  const maxUsers = integer(f.maxUsers, '--max-users', 1);
  const maxLines = integer(f.maxLines, '--max-lines', 1);
  const manifest = datasetManifest(columns, { id: f.id ?? DEFAULT_DATASET_ID, label: label as EventType, windowMs });
  return {
    columns,
    manifest,
    source,
    ...(cut !== undefined ? { cut } : {}),
    windowMs,
    label: label as EventType,
    ...(maxUsers !== undefined ? { maxUsers } : {}),
    seed: integer(f.seed, '--seed', 0) ?? 42,
    format: format as DatasetFormat,
    maxNegativesPerList: integer(f.negativesPerList, '--negatives-per-list', 0) ?? 100,
    positiveListsOnly: f.positiveListsOnly ?? false,
    ...(f.retrieval !== undefined ? { retrieval: f.retrieval } : {}),
    ...(maxLines !== undefined ? { maxLines } : {}),
  };
}
