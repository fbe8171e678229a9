/**
 * The graph filter (filter.ts) as a file inside a dpgcn artifact version: `filter.bin` holds, in
 * order and little-endian, R̃'s row pointers (int32, users + 1), column indices (int32, nnz), values
 * (float32, nnz), V̄ (float32, items × k) and the item degrees (float32, items). The manifest part
 * carries the shape, α, the eigenvalues and a sha256 of the bytes, checked on read.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { transpose } from '../graph/csr';
import type { GraphFilter } from './filter';

export const FILTER_FILE = 'filter.bin';

export interface FilterFilePart {
  readonly file: string;
  readonly numUsers: number;
  readonly numItems: number;
  readonly nnz: number;
  readonly k: number;
  /** The low-pass weight α the filter is served with. */
  readonly alpha: number;
  /** Eigenvalues of R̃ᵀR̃, largest first. */
  readonly eigenvalues: readonly number[];
  readonly sha256: string;
}

function littleEndianOnly(): void {
  if (endianness() !== 'LE') throw new Error('graph filter files are little-endian; this host is big-endian');
}

function bytesOf(a: Int32Array | Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Write `filter.bin` into a (staged) version folder; returns the manifest part. */
export async function writeFilterFile(dir: string, f: GraphFilter, alpha: number): Promise<FilterFilePart> {
  littleEndianOnly();
  const body = Buffer.concat([bytesOf(f.r.indptr), bytesOf(f.r.indices), bytesOf(f.r.values), bytesOf(f.vectors), bytesOf(f.itemDegree)]);
  await writeFile(join(dir, FILTER_FILE), body);
  return {
    file: FILTER_FILE,
    numUsers: f.numUsers,
    numItems: f.numItems,
    nnz: f.r.indices.length,
    k: f.k,
    alpha,
    eigenvalues: Array.from(f.values, (v) => Number(v.toPrecision(6))),
    sha256: createHash('sha256').update(body).digest('hex'),
  };
}

/** Read and check a filter file; throws naming what does not match. */
export async function readFilterFile(dir: string, part: FilterFilePart): Promise<GraphFilter> {
  littleEndianOnly();
  const { numUsers, numItems, nnz, k } = part;
  for (const [name, v] of Object.entries({ numUsers, numItems, nnz, k })) if (!Number.isInteger(v) || v < 0) throw new Error(`filter.${name} must be a non-negative integer`);
  const buf = await readFile(join(dir, part.file));
  const want = 4 * (numUsers + 1 + 2 * nnz + numItems * k + numItems);
  if (buf.byteLength !== want) throw new Error(`${part.file} has ${buf.byteLength} bytes; the manifest's shape needs ${want}`);
  if (createHash('sha256').update(buf).digest('hex') !== part.sha256) throw new Error(`${part.file} does not match its sha256`);
  const body = new Uint8Array(buf).slice().buffer; // aligned copy
  let off = 0;
  const take = <T extends Int32Array | Float32Array>(make: (b: ArrayBuffer, o: number, n: number) => T, n: number): T => {
    const a = make(body, off, n);
    off += 4 * n;
    return a;
  };
  const i32 = (b: ArrayBuffer, o: number, n: number): Int32Array => new Int32Array(b, o, n);
  const f32 = (b: ArrayBuffer, o: number, n: number): Float32Array => new Float32Array(b, o, n);
  const indptr = take(i32, numUsers + 1);
  const indices = take(i32, nnz);
  const values = take(f32, nnz);
  const vectors = take(f32, numItems * k);
  const itemDegree = take(f32, numItems);
  if (indptr[0] !== 0 || indptr[numUsers] !== nnz) throw new Error(`${part.file}: row pointers do not span the ${nnz} entries`);
  for (let i = 0; i < nnz; i++) if (indices[i]! < 0 || indices[i]! >= numItems) throw new Error(`${part.file}: item index out of range at entry ${i}`);
  const r = { numRows: numUsers, numCols: numItems, indptr, indices, values };
  return { numUsers, numItems, r, rt: transpose(r), itemDegree, k, values: Float64Array.from(part.eigenvalues), vectors };
}
