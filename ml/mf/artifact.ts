/**
 * Versioned matrix-factorisation artifacts: `<root>/<name>/<version>/` holding
 *
 *   embeddings.bin  little-endian float32: numUsers·dims user values, then numItems·dims item values
 *   manifest.json   MfManifest (dims, ids in row order, seed, hyper-parameters, training and metrics)
 *
 * Versions are positive integers and only go up: a new artifact is assembled in a staging
 * directory and published by an atomic rename to max(existing) + 1 (retrying with the next number
 * if another writer took it), so a reader never sees a half-written version.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { publishedVersions, stageFiles } from '../artifacts';
import type { MfModel } from './bpr';

export const MF_MANIFEST = 'manifest.json';
export const MF_EMBEDDINGS = 'embeddings.bin';

export interface MfManifest {
  readonly format: 'mf-embeddings';
  readonly formatVersion: 1;
  /** Model id, e.g. `mf/bpr`. */
  readonly model: string;
  /** The artifact version (the directory name); 0 while staged. */
  readonly version: number;
  readonly dims: number;
  /** Gateway ids of the user rows, in row order. */
  readonly userIds: readonly string[];
  /** Gateway ids of the item rows, in row order. */
  readonly itemIds: readonly string[];
  readonly embeddings: { readonly file: string; readonly dtype: 'float32'; readonly byteOrder: 'little-endian'; readonly layout: 'users then items, row-major' };
  readonly seed: number;
  readonly hyperParameters: Readonly<Record<string, unknown>>;
  /** Training record: epochs, time, loss per epoch, data used. */
  readonly training: Readonly<Record<string, unknown>>;
  /** Offline metrics measured at the end of training (e.g. `recall@20`). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly createdBy: string;
}

export interface MfArtifact {
  readonly manifest: MfManifest;
  readonly model: MfModel;
}

function toLittleEndian(values: Float32Array): Buffer {
  if (endianness() === 'LE') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const buf = Buffer.alloc(values.byteLength);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, i * 4);
  return buf;
}

function fromLittleEndian(buf: Buffer, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (endianness() === 'LE') {
    new Uint8Array(out.buffer).set(buf.subarray(offset, offset + count * 4));
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = buf.readFloatLE(offset + i * 4);
  return out;
}

/** Published versions under `<root>/<name>`, ascending (non-integer entries are ignored). */
export function listVersions(root: string, name: string): Promise<number[]> {
  return publishedVersions(join(root, name));
}

export type StagedManifest = Omit<MfManifest, 'format' | 'formatVersion' | 'version' | 'dims' | 'embeddings'>;

/** A staged artifact: readable at `dir` (version 0) until `publish` moves it to its version. */
export interface StagedArtifact {
  readonly dir: string;
  /** Rewrite the manifest with final metrics, then rename to the next version. Returns its directory. */
  publish(metrics?: Readonly<Record<string, number>>): Promise<{ dir: string; version: number }>;
  /** Remove the staging directory (after a failure). */
  discard(): Promise<void>;
}

function checkModel(model: MfModel, m: StagedManifest): void {
  if (m.userIds.length !== model.numUsers || m.itemIds.length !== model.numItems) {
    throw new RangeError(`id lists (${m.userIds.length} users, ${m.itemIds.length} items) do not match the model (${model.numUsers}, ${model.numItems})`);
  }
  if (model.users.length !== model.numUsers * model.dims || model.items.length !== model.numItems * model.dims) {
    throw new RangeError('embedding tables do not match numUsers/numItems x dims');
  }
}

/** The manifest of `model` described by `meta`, at `version` (0 = unpublished). */
export function buildMfManifest(model: MfModel, meta: StagedManifest, version: number): MfManifest {
  checkModel(model, meta);
  return {
    format: 'mf-embeddings',
    formatVersion: 1,
    model: meta.model,
    version,
    dims: model.dims,
    userIds: meta.userIds,
    itemIds: meta.itemIds,
    embeddings: { file: MF_EMBEDDINGS, dtype: 'float32', byteOrder: 'little-endian', layout: 'users then items, row-major' },
    seed: meta.seed,
    hyperParameters: meta.hyperParameters,
    training: meta.training,
    metrics: meta.metrics,
    createdBy: meta.createdBy,
  };
}

/** Write the model and manifest into a staging directory under `<root>/<name>`. */
export async function stageMfArtifact(root: string, name: string, model: MfModel, meta: StagedManifest): Promise<StagedArtifact> {
  checkModel(model, meta);
  const manifest = (version: number, metrics: Readonly<Record<string, number>>): MfManifest => buildMfManifest(model, { ...meta, metrics }, version);
  const staged = await stageFiles(
    join(root, name),
    {
      [MF_EMBEDDINGS]: Buffer.concat([toLittleEndian(model.users), toLittleEndian(model.items)]),
      [MF_MANIFEST]: JSON.stringify(manifest(0, meta.metrics)),
    },
    MF_MANIFEST,
  );
  return {
    dir: staged.dir,
    publish: (metrics = meta.metrics) => staged.publish((version) => manifest(version, metrics)),
    discard: staged.discard,
  };
}

/** Read and check an artifact's manifest only. */
export async function readMfManifest(dir: string): Promise<MfManifest> {
  const manifest = JSON.parse(await readFile(join(dir, MF_MANIFEST), 'utf8')) as MfManifest;
  if (manifest.format !== 'mf-embeddings' || manifest.formatVersion !== 1) throw new Error(`${dir}: not an mf-embeddings v1 artifact`);
  if (manifest.embeddings.dtype !== 'float32' || manifest.embeddings.byteOrder !== 'little-endian') throw new Error(`${dir}: unsupported embedding encoding`);
  return manifest;
}

/** Read an artifact directory (published or staged). Checks sizes against the manifest. */
export async function readMfArtifact(dir: string): Promise<MfArtifact> {
  const manifest = await readMfManifest(dir);
  const { dims } = manifest;
  const numUsers = manifest.userIds.length;
  const numItems = manifest.itemIds.length;
  const buf = await readFile(join(dir, manifest.embeddings.file));
  const expected = (numUsers + numItems) * dims * 4;
  if (buf.length !== expected) throw new Error(`${dir}: ${manifest.embeddings.file} has ${buf.length} bytes, expected ${expected}`);
  return {
    manifest,
    model: {
      dims,
      numUsers,
      numItems,
      users: fromLittleEndian(buf, 0, numUsers * dims),
      items: fromLittleEndian(buf, numUsers * dims * 4, numItems * dims),
    },
  };
}
