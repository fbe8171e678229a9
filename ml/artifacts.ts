/**
 * Publishing versioned model artifacts: files are written into a staging folder beside the
 * versions, then the folder is renamed to the next free version number in one atomic step, so a
 * reader never sees half an artifact and two writers never publish the same number. Versions
 * only go up.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Published versions under `parent`, ascending (non-integer entries are ignored). */
export async function publishedVersions(parent: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => /^[1-9]\d*$/.test(e))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Files written into a staging folder beside the versions, not yet visible to readers. */
export interface StagedFiles {
  readonly dir: string;
  /** Write the manifest for the next free version and rename the folder to it (atomic). */
  publish(manifest: (version: number) => unknown): Promise<{ dir: string; version: number }>;
  discard(): Promise<void>;
}

/** Write `files` into a new staging folder under `parent` (created when missing). */
export async function stageFiles(parent: string, files: Readonly<Record<string, Uint8Array | string>>, manifestName = 'manifest.json'): Promise<StagedFiles> {
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  const discard = (): Promise<void> => rm(staging, { recursive: true, force: true });
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(staging, name), data);
  } catch (err) {
    await discard();
    throw err;
  }
  return {
    dir: staging,
    discard,
    async publish(manifest) {
      try {
        for (let attempt = 0; attempt < 100; attempt++) {
          const version = ((await publishedVersions(parent)).at(-1) ?? 0) + 1;
          await writeFile(join(staging, manifestName), `${JSON.stringify(manifest(version), null, 2)}\n`);
          const target = join(parent, String(version));
          try {
            // Atomic; fails with ENOTEMPTY/EEXIST when another writer published this number first.
            await rename(staging, target);
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === 'ENOTEMPTY' || code === 'EEXIST') continue;
            throw err;
          }
          return { dir: target, version };
        }
        throw new Error(`could not publish a new version under ${parent}`);
      } catch (err) {
        await discard();
        throw err;
      }
    },
  };
}

/**
 * Write `files` plus a manifest built for the version number, as the next version under `parent`.
 * `manifest(version)` is serialised to `manifestName` (default `manifest.json`).
 */
export async function publishArtifact(
  parent: string,
  files: Readonly<Record<string, Uint8Array | string>>,
  manifest: (version: number) => unknown,
  manifestName = 'manifest.json',
): Promise<{ dir: string; version: number }> {
  return (await stageFiles(parent, files, manifestName)).publish(manifest);
}
