import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MtlAdsModel } from '../../ml/mtl/ads/types';
import { createAdsModelSource } from './model-source';

const fake = (dir: string, closed: string[]): MtlAdsModel => {
  const version = Number(dir.slice(dir.lastIndexOf('/') + 1));
  return { kind: 'mtdl', version, modelVersion: `mtl-ads/mtdl@${version}`, predict: async () => [], close: async () => void closed.push(dir) };
};

describe('createAdsModelSource', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'mtl-ads-src-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('serves nothing without versions, then the newest one, swapping only upwards and refusing a broken version once', async () => {
    let now = 0;
    const closed: string[] = [];
    const loads: string[] = [];
    const load = async (dir: string): Promise<MtlAdsModel> => {
      loads.push(dir);
      if (dir.endsWith('/4')) throw new Error('corrupt');
      return fake(dir, closed);
    };
    const src = await createAdsModelSource({ root, load, watchMs: 1000, clock: () => now });
    expect(src.current()).toBeNull();
    mkdirSync(join(root, '1'));
    mkdirSync(join(root, '2'));
    mkdirSync(join(root, 'staging-x'));
    expect(src.current()).toBeNull(); // not due yet
    now = 1000;
    src.current(); // starts the background check
    expect((await src.refresh())?.modelVersion).toBe('mtl-ads/mtdl@2');
    expect(loads).toEqual([join(root, '2')]);
    mkdirSync(join(root, '4'));
    expect((await src.refresh())?.modelVersion).toBe('mtl-ads/mtdl@2');
    expect((await src.refresh())?.modelVersion).toBe('mtl-ads/mtdl@2');
    expect(loads.filter((d) => d.endsWith('/4'))).toHaveLength(1);
    mkdirSync(join(root, '3'));
    // The newest version not refused (3) is above the served one (2): it is swapped in.
    expect((await src.refresh())?.modelVersion).toBe('mtl-ads/mtdl@3');
    await src.close();
    expect(src.current()).toBeNull();
    expect(closed).toContain(join(root, '3'));
  });

  it('an empty root never loads', async () => {
    const src = await createAdsModelSource({ root: '', load: async () => Promise.reject(new Error('never')) });
    expect(src.current()).toBeNull();
    expect(await src.refresh()).toBeNull();
  });
});
