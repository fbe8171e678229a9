/**
 * The SDK imports nothing from the gateway: its public modules import only each other. The
 * gateway's side of the folder (the registry, its model checks, the deadline runner) may also
 * import the error codes and node builtins, and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preProcessFile } from 'typescript';

const SDK = join(__dirname, '..', '..', 'plugins', 'sdk');
const GATEWAY_SIDE = new Set(['registry.ts', 'model-check.ts', 'run.ts']);
const GATEWAY_SIDE_MAY = /^(\.\/[a-z-]+|\.\.\/\.\.\/errors\/(codes|errors)|node:[a-z]+)$/;
const PUBLIC_MAY = /^\.\/[a-z-]+$/;

const modules = readdirSync(SDK).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const importsOf = (file: string): string[] => preProcessFile(readFileSync(join(SDK, file), 'utf8'), true, true).importedFiles.map((i) => i.fileName);

describe('plugins/sdk stands on its own', () => {
  it('has the modules this test expects (a new one is classified here)', () => {
    expect(modules).toEqual(expect.arrayContaining(['index.ts', 'contract.ts', 'features.ts', 'records.ts', ...GATEWAY_SIDE]));
  });

  it.each(modules.filter((f) => !GATEWAY_SIDE.has(f)))('public module %s imports only SDK modules', (file) => {
    const outside = importsOf(file).filter((i) => !PUBLIC_MAY.test(i));
    expect(outside).toEqual([]);
  });

  it.each([...GATEWAY_SIDE])('gateway-side module %s imports only SDK modules, errors/ and node builtins', (file) => {
    const imports = importsOf(file);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !GATEWAY_SIDE_MAY.test(i))).toEqual([]);
  });

  it('the entry point re-exports the records, so a scorer needs nothing from domain/', () => {
    const index = readFileSync(join(SDK, 'index.ts'), 'utf8');
    for (const name of ['Interaction', 'ItemRecord', 'ItemStats', 'UserRecord', 'EVENT_TYPES', 'eventCount', 'defineScorer', 'describeScorerConformance'])
      expect(index).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
