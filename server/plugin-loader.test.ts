/**
 * Plugin modules written to a temp folder at test time, in every shape the loader accepts (CJS
 * `scorers`, ESM `createScorers(sdk)`, package folders, a package name) and every way one fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../errors/codes';
import { eventCount, makeFeatureFixture, scoresOf } from '../plugins/sdk';
import { createScorerRegistry } from '../plugins/sdk/registry';
import { listPluginDir, loadPluginModules, pluginModuleName } from './plugin-loader';

const root = mkdtempSync(join(tmpdir(), 'plugin-loader-'));
const plugins = join(root, 'plugins');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, text: string): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
/** A CommonJS plugin object whose scores are `k * (index + 1)`. */
const cjsPlugin = (id: string, k: number | string, extra = ''): string =>
  `{ id: '${id}', version: '1.2.0', features: ['item.stats'], ${extra} async setup() { return { async score({ itemIds }) { return Float32Array.from(itemIds, (_, i) => ${k} * (i + 1)); } }; } }`;

write(join(plugins, 'a-cjs.cjs'), `exports.scorers = [${cjsPlugin('cjs/first', 1)}, ${cjsPlugin('cjs/second', 2)}];\n`);
write(
  join(plugins, 'b-esm.mjs'),
  `export async function createScorers(sdk) {
  return sdk.defineScorer({
    id: 'esm/purchases', version: '0.1.0', features: ['item.stats'],
    async setup() { return { async score({ itemIds, features }) { return Float32Array.from(itemIds, (_, i) => 1 + sdk.eventCount(features['item.stats'][i], 'purchase', 'totals')); } }; },
  });
}\n`,
);
write(join(plugins, 'c-pkg', 'package.json'), JSON.stringify({ name: 'c-pkg', main: 'lib/main.js' }));
write(join(plugins, 'c-pkg', 'lib', 'main.js'), `module.exports = { scorer: ${cjsPlugin('pkg/cjs', 3)} };\n`);
write(join(plugins, 'd-esm-pkg', 'package.json'), JSON.stringify({ name: 'd-esm-pkg', type: 'module' }));
write(join(plugins, 'd-esm-pkg', 'index.js'), `export const scorer = ${cjsPlugin('pkg/esm', 4)};\n`);
write(join(plugins, 'e-throws.js'), `throw new Error('boom while loading');\n`);
write(join(plugins, 'f-empty.js'), `exports.helper = () => 1;\n`);
write(
  join(plugins, 'g-bad.cjs'),
  `exports.scorers = [${cjsPlugin('Bad Id', 1)}, ${cjsPlugin('bad/feature', 1).replace("'item.stats'", "'item.nope'")}, ${cjsPlugin('bad/timeout', 1, 'timeoutMs: -5,')}, 42];\n`,
);
write(join(plugins, 'h-dup.cjs'), `exports.scorers = [${cjsPlugin('baseline/commercial', 1)}, ${cjsPlugin('cjs/first', 1)}];\n`);
write(join(plugins, 'i-factory-throws.mjs'), `export function createScorers() { throw new Error('no weights here'); }\n`);
write(join(plugins, 'j-hangs.mjs'), `await new Promise(() => {});\nexport const scorer = null;\n`);
write(join(plugins, 'README.md'), 'not a module\n');
mkdirSync(join(plugins, 'lib-without-package'));
write(join(root, 'node_modules', 'acme-scorer', 'package.json'), JSON.stringify({ name: 'acme-scorer', main: 'index.js' }));
write(join(root, 'node_modules', 'acme-scorer', 'index.js'), `exports.createScorers = (sdk, settings) => [${cjsPlugin('acme/pkg', '(settings.k ?? 5)')}];\n`);
write(join(root, 'extra', 'solo.js'), `exports.scorer = ${cjsPlugin('extra/solo', 6)};\n`);

function recorder() {
  const errors: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const infos: Array<Record<string, unknown>> = [];
  const warns: Array<Record<string, unknown>> = [];
  return {
    errors,
    infos,
    warns,
    logger: {
      debug() {},
      warn: (obj: object) => void warns.push(obj as Record<string, unknown>),
      info: (obj: object) => void infos.push(obj as Record<string, unknown>),
      error: (obj: object, msg?: string) => void errors.push({ obj: obj as Record<string, unknown>, msg }),
    },
  };
}

describe('scorer plugin loader', () => {
  it('names a module for PLUGIN_SETTINGS by its package name or its last path part without extension', () => {
    expect(['acme-scorer', '@acme/scorers', './extra/solo.js', '/srv/plugins/b-esm.mjs', './plugins/c-pkg/', 'x/y.cjs'].map(pluginModuleName)).toEqual([
      'acme-scorer',
      '@acme/scorers',
      'solo',
      'b-esm',
      'c-pkg',
      'y',
    ]);
  });

  it('lists the .js/.cjs/.mjs files and package folders of PLUGINS_DIR in name order, nothing else', () => {
    expect(listPluginDir(plugins).map((p) => p.slice(plugins.length + 1))).toEqual([
      'a-cjs.cjs',
      'b-esm.mjs',
      'c-pkg',
      'd-esm-pkg',
      'e-throws.js',
      'f-empty.js',
      'g-bad.cjs',
      'h-dup.cjs',
      'i-factory-throws.mjs',
      'j-hangs.mjs',
    ]);
  });

  it('loads the good plugins, skips each bad module or plugin once with its code and module, and the good ones score through the registry', async () => {
    const log = recorder();
    const loaded = await loadPluginModules({
      modules: ['acme-scorer', './extra/solo.js', './nowhere/missing.js', 'no-such-scorer-package'],
      dir: 'plugins',
      cwd: root,
      takenIds: ['baseline/commercial'],
      loadTimeoutMs: 300,
      settings: { 'acme-scorer': { k: 7 }, 'not-configured': {} },
      logger: log.logger,
    });
    expect(loaded.plugins.map((p) => `${p.id}@${p.version}`)).toEqual([
      'acme/pkg@1.2.0',
      'extra/solo@1.2.0',
      'cjs/first@1.2.0',
      'cjs/second@1.2.0',
      'esm/purchases@0.1.0',
      'pkg/cjs@1.2.0',
      'pkg/esm@1.2.0',
    ]);
    const f = (name: string): string => join(plugins, name);
    expect(loaded.skipped.map((k) => [k.id, k.version, k.code])).toEqual([
      [join(root, 'nowhere', 'missing.js'), '', ErrorCode.INVALID_PLUGIN],
      ['no-such-scorer-package', '', ErrorCode.INVALID_PLUGIN],
      [f('e-throws.js'), '', ErrorCode.INVALID_PLUGIN],
      [f('f-empty.js'), '', ErrorCode.INVALID_PLUGIN],
      ['Bad Id', '1.2.0', ErrorCode.INVALID_PLUGIN],
      ['bad/feature', '1.2.0', ErrorCode.UNKNOWN_FEATURE],
      ['bad/timeout', '1.2.0', ErrorCode.INVALID_PLUGIN],
      [`${f('g-bad.cjs')}#3`, '', ErrorCode.INVALID_PLUGIN],
      ['baseline/commercial', '1.2.0', ErrorCode.DUPLICATE_SCORER_ID],
      ['cjs/first', '1.2.0', ErrorCode.DUPLICATE_SCORER_ID],
      [f('i-factory-throws.mjs'), '', ErrorCode.INVALID_PLUGIN],
      [f('j-hangs.mjs'), '', ErrorCode.INVALID_PLUGIN],
    ]);
    const reasons = loaded.skipped.map((k) => k.reason);
    expect(reasons[0]).toMatch(/missing\.js: not found/);
    expect(reasons[1]).toMatch(/no-such-scorer-package: cannot resolve package/);
    expect(reasons[2]).toMatch(/e-throws\.js: failed to load: boom while loading/);
    expect(reasons[3]).toMatch(/f-empty\.js: exports no scorer/);
    expect(reasons[4]).toMatch(/id must look like "namespace\/name".*g-bad\.cjs/);
    expect(reasons[5]).toMatch(/unknown feature "item\.nope".*g-bad\.cjs/);
    expect(reasons[6]).toMatch(/timeoutMs must be a positive number/);
    expect(reasons[7]).toMatch(/export 3 is not a scorer plugin object/);
    expect(reasons[8]).toMatch(/baseline\/commercial is registered twice.*h-dup\.cjs/);
    expect(reasons[10]).toMatch(/createScorers threw: no weights here/);
    expect(reasons[11]).toMatch(/j-hangs\.mjs: did not load and declare its scorers within 300 ms/);
    // Logged once each, naming the module; a loaded module logs its scorers.
    expect(log.errors).toHaveLength(loaded.skipped.length);
    expect(log.errors.map((e) => e.obj.module)).toEqual([
      join(root, 'nowhere', 'missing.js'),
      'no-such-scorer-package',
      f('e-throws.js'),
      f('f-empty.js'),
      ...Array(4).fill(f('g-bad.cjs')),
      f('h-dup.cjs'),
      f('h-dup.cjs'),
      f('i-factory-throws.mjs'),
      f('j-hangs.mjs'),
    ]);
    expect(log.infos.find((i) => i.module === f('a-cjs.cjs'))?.scorers).toEqual(['cjs/first@1.2.0', 'cjs/second@1.2.0']);

    const registry = await createScorerRegistry(loaded.plugins, { logger: log.logger, loadModel: () => Promise.reject(new Error('no models')), skipped: loaded.skipped });
    expect(registry.list().map((r) => r.id)).toEqual(loaded.plugins.map((p) => p.id));
    expect(registry.skipped).toEqual(loaded.skipped);
    const fx = makeFeatureFixture({ n: 12, seed: 5 });
    const score = (id: string): Promise<Float32Array> =>
      registry.get(id)!.scorer.score({ userId: fx.userId, itemIds: fx.itemIds, features: fx.features, now: fx.now, signal: new AbortController().signal }).then(scoresOf);
    expect(Array.from(await score('cjs/second')).slice(0, 3)).toEqual([2, 4, 6]);
    expect(Array.from(await score('pkg/esm')).slice(0, 2)).toEqual([4, 8]);
    // createScorers got its PLUGIN_SETTINGS entry (k: 7 instead of its default 5); a name no module has is warned about.
    expect(Array.from(await score('acme/pkg')).slice(0, 2)).toEqual([7, 14]);
    expect(log.warns).toEqual([{ module: 'not-configured' }]);
    // The ESM plugin used the SDK it was handed: 1 + purchases of each candidate.
    const expected = fx.itemIds.map((_, i) => 1 + eventCount(fx.features['item.stats'][i], 'purchase', 'totals'));
    expect(expected.some((v) => v > 1)).toBe(true);
    expect(Array.from(await score('esm/purchases'))).toEqual(expected);
    await registry.close();
  });

  it('skips a missing PLUGINS_DIR with its reason and loads nothing when unconfigured', async () => {
    const log = recorder();
    const missing = await loadPluginModules({ dir: join(root, 'no-dir'), logger: log.logger });
    expect(missing.plugins).toEqual([]);
    expect(missing.skipped.map((k) => [k.id, k.code])).toEqual([[join(root, 'no-dir'), ErrorCode.INVALID_PLUGIN]]);
    expect(missing.skipped[0]!.reason).toMatch(/cannot read PLUGINS_DIR/);
    expect(await loadPluginModules({ logger: log.logger })).toEqual({ plugins: [], skipped: [] });
    expect(log.errors).toHaveLength(1);
  });
});
