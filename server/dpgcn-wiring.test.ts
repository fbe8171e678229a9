import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishDpgcnArtifact, randomDpgcnTables } from '../plugins/dpgcn/publish';
import { DPGCN_SCORER_ID } from '../plugins/dpgcn/scorer';
import { createScorerRegistry } from '../plugins/sdk/registry';
import { scorerRetriever } from '../plugins/sdk/retriever';
import { checkStrategy, loadStrategyFile } from '../pipeline/strategy';
import { loadOnnxModel } from '../ml/onnx/session';
import { bundledScorers, loadDpgcnPlugin } from './bundled';

function logger() {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dpgcn-wiring-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadDpgcnPlugin (DPGCN_MODELS_DIR)', () => {
  it('is off, with a log line saying why, when the folder is unset, empty or holds a broken version', async () => {
    const log = logger();
    expect(await loadDpgcnPlugin('', log)).toBeNull();
    expect(await loadDpgcnPlugin(join(root, 'none'), log)).toBeNull();
    mkdirSync(join(root, '1'));
    writeFileSync(join(root, '1', 'manifest.json'), '{"format":"mf-embeddings"');
    expect(await loadDpgcnPlugin(root, log)).toBeNull();
    expect(log.lines.map((l) => l.level)).toEqual(['info', 'info', 'error']);
    expect(log.lines[0]!.msg).toMatch(/DPGCN_MODELS_DIR is empty/);
    expect(log.lines[1]!.msg).toMatch(/no DP-GCN artifact/);
    expect(log.lines[2]!.msg).toMatch(/not served/);
  });

  it('serves the newest version, and strategies/dpgcn.json checks against it (scorer and retriever)', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `i${i}`);
    await publishDpgcnArtifact(root, randomDpgcnTables(['u1'], ids, 8, 1));
    await publishDpgcnArtifact(root, randomDpgcnTables(['u1', 'u2'], ids, 8, 2));
    const log = logger();
    const plugin = await loadDpgcnPlugin(root, log, { policy: { decide: ({ alpha0 }) => alpha0 } });
    expect(plugin?.id).toBe(DPGCN_SCORER_ID);
    expect(log.lines[0]!.obj).toMatchObject({ version: 2, users: 2, items: 30, fusion: null, policy: true });
    const registry = await createScorerRegistry([...bundledScorers(), plugin!], { logger: log, loadModel: loadOnnxModel });
    const strategy = loadStrategyFile(join(__dirname, '..', 'strategies', 'dpgcn.json'));
    expect(() => checkStrategy(strategy, registry)).not.toThrow();
    expect(strategy.candidates.embedding).toEqual({ scorer: DPGCN_SCORER_ID, limit: 40, share: 0.2 });
    const got = await scorerRetriever(registry.get(DPGCN_SCORER_ID)!.scorer)!.retrieve({ userId: 'u2', limit: 3, exclude: new Set() });
    expect(got).toHaveLength(3);
    await registry.close();
  });
});
