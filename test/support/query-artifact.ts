/**
 * A tiny dpgcn artifact for query-suggestion tests: `<artifactDir>/<version>/` in the
 * mf-embeddings format, optionally with `queries.bin` + `manifest.queryIds` (contract 1).
 * Rows are given as plain arrays and written as they are (the reader normalises query rows).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMfManifest } from '../../ml/mf/artifact';

export interface TestQueryArtifact {
  readonly version: number;
  readonly users: Record<string, readonly number[]>;
  readonly items: Record<string, readonly number[]>;
  readonly queries?: Record<string, readonly number[]>;
}

const f32 = (rows: readonly (readonly number[])[]): Buffer => Buffer.from(Float32Array.from(rows.flat()).buffer);

export function writeQueryArtifact(artifactDir: string, a: TestQueryArtifact): string {
  const dir = join(artifactDir, String(a.version));
  mkdirSync(dir, { recursive: true });
  const userIds = Object.keys(a.users);
  const itemIds = Object.keys(a.items);
  const dims = (Object.values(a.users)[0] ?? []).length;
  const model = { dims, numUsers: userIds.length, numItems: itemIds.length, users: Float32Array.from(Object.values(a.users).flat()), items: Float32Array.from(Object.values(a.items).flat()) };
  const manifest = buildMfManifest(model, { model: 'dpgcn/graph', userIds, itemIds, seed: 1, hyperParameters: {}, training: {}, metrics: {}, createdBy: 'test' }, a.version);
  writeFileSync(join(dir, 'embeddings.bin'), Buffer.concat([f32(Object.values(a.users)), f32(Object.values(a.items))]));
  const queryIds = a.queries === undefined ? undefined : Object.keys(a.queries);
  if (a.queries !== undefined) writeFileSync(join(dir, 'queries.bin'), f32(Object.values(a.queries)));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, ...(queryIds !== undefined ? { queryIds } : {}) }));
  return dir;
}
