/**
 * The examples of docs/writing-a-scorer.md: the doc shows these files verbatim (checked here),
 * tsc compiles them with the rest of the tree, and each passes the conformance suite.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOnnxModel, linearModelSpec } from '../../ml/onnx/export';
import { loadOnnxModel } from '../../ml/onnx/session';
import { describeScorerConformance, makeFeatureFixture, scoresOf } from '../../plugins/sdk';
import { createScorerRegistry } from '../../plugins/sdk/registry';
import { createCategoryBoostScorer } from './category-boost';
import { createOnnxLogitScorer, LOGIT_LAYOUT } from './onnx-logit';
import { scorerCommand } from '../../cli/scorer-command';
import { addRemoteScorerCommands } from '../../cli/scorer-remote';
import { strategyCommand } from '../../cli/strategy-remote';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const models = mkdtempSync(join(tmpdir(), 'doc-examples-'));
mkdirSync(join(models, 'acme'));
const writeModel = (file: string, width: number): void =>
  writeFileSync(join(models, 'acme', file), encodeOnnxModel(linearModelSpec({ inputs: [{ name: 'item_features', width }], weights: new Float32Array(width).fill(0.3), bias: -2, sigmoid: true })));
writeModel('logit.onnx', LOGIT_LAYOUT.columns.length);
writeModel('narrow.onnx', LOGIT_LAYOUT.columns.length - 1);
afterAll(() => rmSync(models, { recursive: true, force: true }));

describeScorerConformance(createCategoryBoostScorer(), { requestSettings: { boost: 2 } });
describeScorerConformance(createOnnxLogitScorer(), { loadModel: loadOnnxModel, modelsDir: models });

describe('docs/writing-a-scorer.md examples', () => {
  it('shows each example file verbatim', () => {
    const doc = readFileSync(join(__dirname, '..', 'writing-a-scorer.md'), 'utf8');
    const shown = [...doc.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(shown.map((m) => m[1])).toEqual(['docs/examples/category-boost.ts', 'docs/examples/onnx-logit.ts']);
    for (const [, file, code] of shown) expect(code).toBe(readFileSync(join(__dirname, '..', '..', file!), 'utf8'));
  });

  it("names only real CLI commands in the README's quick start", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Writing a scorer'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const scorer = scorerCommand();
    addRemoteScorerCommands(scorer);
    const groups = new Map([
      ['scorer', scorer.commands.map((c) => c.name())],
      ['strategy', strategyCommand().commands.map((c) => c.name())],
    ]);
    const used = block
      .split('\n')
      .filter((l) => l.startsWith('node dist/cli/main.js '))
      .map((l) => l.split(/\s+/).slice(2, 4));
    expect(used.length).toBeGreaterThanOrEqual(6);
    for (const [group, sub] of used) expect({ group, sub, known: groups.get(group!)?.includes(sub!) ?? false }).toEqual({ group, sub, known: true });
  });

  it('category boost: the strategy setting changes the scores, and a bad one fails the request', async () => {
    const reg = await createScorerRegistry([createCategoryBoostScorer()], { logger: silent, loadModel: loadOnnxModel });
    const f = makeFeatureFixture({ n: 30, seed: 21, sparsity: 0.1 });
    const score = (settings: Record<string, unknown>): Promise<Float32Array> =>
      reg.get('acme/category-boost')!.scorer.score({ userId: f.userId, itemIds: f.itemIds, features: f.features, now: f.now, signal: new AbortController().signal, settings }).then(scoresOf);
    const plain = await score({ boost: 0 });
    const boosted = await score({ boost: 5 });
    expect(Array.from(boosted).some((v, i) => v > plain[i]! + 0.1)).toBe(true);
    expect(Array.from(boosted).every((v, i) => v >= plain[i]!)).toBe(true);
    await expect(score({ boost: 'high' })).rejects.toThrow(/setting "boost" must be a finite number/);
    await reg.close();
  });

  it('ONNX logit: a 5-wide model file is refused against the 6-column layout', async () => {
    const err = await createScorerRegistry([createOnnxLogitScorer({ uri: 'acme/narrow.onnx' })], { logger: silent, loadModel: loadOnnxModel, modelsDir: models }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_SHAPE_MISMATCH', details: { scorerId: 'acme/logit', input: 'item_features', expected: { shape: ['N', 6] }, actual: { shape: ['N', 5] } } });
  });
});
