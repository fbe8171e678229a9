/**
 * Reading `dpgcn/graph` artifacts (`<root>/<n>/`, written by ml/gcn): the mf-embeddings format
 * (ml/mf/artifact.ts: final propagated, row-normalised user and item embeddings) plus, optionally,
 * the fusion network: `fusion.onnx` and `manifest.fusion` (columns, fitted α, the policy's safe
 * range, metrics). Versions only go up; the highest is served.
 */
import { join, resolve } from 'node:path';
import { publishedVersions } from '../../ml/artifacts';
import { readMfArtifact, type MfManifest } from '../../ml/mf/artifact';
import { standardColumn } from '../sdk/columns';

export interface DpgcnFusionManifest {
  /** The ONNX file in the version folder (inputs graph [N,1], features [N,C], alpha [1]; output score [N,1]). */
  readonly file: string;
  /** Standard column names of the `features` input, in order. */
  readonly columns: readonly string[];
  /** Fitted α in [0, 1]. */
  readonly alpha: number;
  /** The policy's safe range for α. */
  readonly alphaRange: readonly [number, number];
  readonly metrics?: Readonly<Record<string, number>>;
}

export type DpgcnManifest = MfManifest & { readonly fusion?: DpgcnFusionManifest | null };

/** A loaded artifact: the tables, the id -> row maps, and the fusion description when there is one. */
export interface DpgcnArtifact {
  readonly manifest: DpgcnManifest;
  /** Absolute path of the version folder (fusion.onnx is read from it); null when supplied in memory. */
  readonly dir: string | null;
  readonly dims: number;
  /** Row-major user and item tables (row-normalised, so a dot product is the cosine). */
  readonly users: Float32Array;
  readonly items: Float32Array;
  readonly userRow: ReadonlyMap<string, number>;
  readonly itemRow: ReadonlyMap<string, number>;
}

/** An artifact that cannot be served; retrying will not fix it. */
export class DpgcnArtifactError extends Error {
  constructor(dir: string, reason: string) {
    super(`dpgcn artifact ${dir}: ${reason}`);
    this.name = 'DpgcnArtifactError';
  }
}

function checkFusion(dir: string, f: unknown): void {
  if (f === undefined || f === null) return;
  const o = f as Record<string, unknown>;
  if (typeof o.file !== 'string' || o.file.length === 0) throw new DpgcnArtifactError(dir, 'fusion.file must name the ONNX file');
  if (!Array.isArray(o.columns) || o.columns.length === 0) throw new DpgcnArtifactError(dir, 'fusion.columns must be a non-empty array');
  o.columns.forEach((c, j) => {
    if (typeof c !== 'string' || !standardColumn(c)) throw new DpgcnArtifactError(dir, `fusion.columns[${j}] "${String(c)}" is not a standard column`);
  });
  const a = o.alpha;
  if (typeof a !== 'number' || !(a >= 0 && a <= 1)) throw new DpgcnArtifactError(dir, 'fusion.alpha must be a number in [0, 1]');
  const r = o.alphaRange;
  if (!Array.isArray(r) || r.length !== 2 || !(r[0] >= 0 && r[0] <= r[1] && r[1] <= 1)) throw new DpgcnArtifactError(dir, 'fusion.alphaRange must be [lo, hi] with 0 <= lo <= hi <= 1');
}

/** Index an in-memory artifact (tests, other storage) after checking its shape. */
export function indexDpgcnArtifact(manifest: DpgcnManifest, tables: { users: Float32Array; items: Float32Array }, dir: string | null): DpgcnArtifact {
  const d = manifest.dims;
  const where = dir ?? '(in memory)';
  if (tables.users.length !== manifest.userIds.length * d || tables.items.length !== manifest.itemIds.length * d) throw new DpgcnArtifactError(where, 'embedding tables do not match ids x dims');
  checkFusion(where, manifest.fusion);
  return {
    manifest,
    dir,
    dims: d,
    users: tables.users,
    items: tables.items,
    userRow: new Map(manifest.userIds.map((id, r) => [id, r])),
    itemRow: new Map(manifest.itemIds.map((id, r) => [id, r])),
  };
}

/** Read one version folder. */
export async function readDpgcnArtifact(dir: string): Promise<DpgcnArtifact> {
  const { manifest, model } = await readMfArtifact(dir);
  return indexDpgcnArtifact(manifest as DpgcnManifest, { users: model.users, items: model.items }, resolve(dir));
}

/** The highest published version folder under `root`, or null when there is none. */
export async function latestDpgcnDir(root: string): Promise<string | null> {
  const v = (await publishedVersions(root)).at(-1);
  return v === undefined ? null : join(root, String(v));
}
