import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../errors/codes';
import { encodeOnnxModel, linearModelSpec } from '../ml/onnx/export';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { STANDARD_COLUMNS } from '../plugins/sdk/columns';
import { scorerCommand } from './scorer-command';

const root = mkdtempSync(join(tmpdir(), 'scorer-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Run `scorer <args>` through commander (as the CLI does, without a process); returns its output and exit code. */
async function scorer(args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  let out = '';
  let err = '';
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await scorerCommand(
      (t) => void (out += t),
      (t) => void (err += t),
    ).parseAsync(args, { from: 'user' });
    return { out, err, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
  }
}

describe('scorer init + check', () => {
  it('init writes a manifest and a logistic model that check admits, and that scores as declared', async () => {
    const dir = join(root, 'logit');
    const init = await scorer([
      'init',
      dir,
      '--id',
      'acme/logit',
      '--columns',
      'log1p(item.stats.purchase), pair.co.sum,item.price',
      '--weights',
      '0.5,0.25,-0.01',
      '--bias',
      '-1',
      '--sigmoid',
      '--version',
      '1.2.3',
    ]);
    expect(init.out).toContain(`wrote ${join(dir, 'manifest.json')} (acme/logit@1.2.3, features item.stats, pair.coInteraction, item.meta)`);
    expect(init.out).toContain(`next: node dist/cli/main.js scorer check ${dir}`);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual({
      id: 'acme/logit',
      version: '1.2.3',
      description: 'logistic model over 3 standard columns (scorer init)',
      features: ['item.stats', 'pair.coInteraction', 'item.meta'],
      inputs: [{ name: 'features', columns: ['log1p(item.stats.purchase)', 'pair.co.sum', 'item.price'] }],
      output: { name: 'score', meaning: 'probability' },
      timeoutMs: 50,
    });
    const model = await loadOnnxModelBytes(readFileSync(join(dir, 'model.onnx')));
    const y = await model.run({ features: { data: new Float32Array([2, 4, 100]), dims: [1, 3] } });
    expect(y.score!.data[0]).toBeCloseTo(1 / (1 + Math.exp(-(0.5 * 2 + 0.25 * 4 - 0.01 * 100 - 1))), 5);
    await model.close();

    const check = await scorer(['check', dir]);
    expect(check.exitCode).toBe(0);
    expect(check.err).toBe('');
    expect(check.out).toMatch(
      /^OK acme\/logit@1\.2\.3: .*model\.onnx admitted\n {2}probe: 64 rows in [\d.]+ ms \(timeoutMs 50\)\n {2}inputs: features float32 \[N, 3\]\n {2}output: score \(probability\)\n$/,
    );
  });

  it('init defaults to equal weights 1/k, no sigmoid, version 1.0.0', async () => {
    const dir = join(root, 'linear');
    await scorer(['init', dir, '--id', 'acme/linear', '--columns', 'item.stats.view,item.stats.click,pair.category.overlap,user.value.expectedSpend']);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect([manifest.version, manifest.output.meaning, manifest.features]).toEqual(['1.0.0', 'score', ['item.stats', 'user.history', 'user.historyItems', 'item.meta', 'user.value']]);
    const model = await loadOnnxModelBytes(readFileSync(join(dir, 'model.onnx')));
    const y = await model.run({ features: { data: new Float32Array([4, 8, 0, 4]), dims: [1, 4] } });
    expect(y.score!.data[0]).toBeCloseTo(4, 5);
    await model.close();
  });

  it('init refuses a non-empty folder without --force, and overwrites with it', async () => {
    const dir = join(root, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(scorer(['init', dir, '--id', 'acme/busy', '--columns', 'item.price'])).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT, details: { field: 'dir' } });
    const forced = await scorer(['init', dir, '--id', 'acme/busy', '--columns', 'item.price', '--force']);
    expect(forced.out).toContain('wrote');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('init refuses an unknown column with INVALID_MANIFEST naming it, and writes nothing', async () => {
    const dir = join(root, 'unknown');
    await expect(scorer(['init', dir, '--id', 'acme/x', '--columns', 'item.price,item.colour'])).rejects.toMatchObject({
      code: ErrorCode.INVALID_MANIFEST,
      details: { field: 'inputs[0].columns[1]' },
      message: expect.stringContaining('"item.colour"'),
    });
    expect(() => readFileSync(join(dir, 'manifest.json'))).toThrow();
  });

  it('init refuses weights that do not match the columns', async () => {
    await expect(scorer(['init', join(root, 'w'), '--id', 'acme/w', '--columns', 'item.price,pair.co.sum', '--weights', '1'])).rejects.toMatchObject({
      code: ErrorCode.BAD_USER_INPUT,
      details: { field: 'weights' },
    });
  });

  it('check reports a missing folder as INVALID_MANIFEST on manifest.json, exit 1', async () => {
    const r = await scorer(['check', join(root, 'nowhere')]);
    expect(r.exitCode).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^FAILED INVALID_MANIFEST field=manifest\.json: cannot read .*nowhere\/manifest\.json: ENOENT\n$/);
  });

  it('check reports a broken manifest field and a model of the wrong width', async () => {
    const dir = join(root, 'broken');
    await scorer(['init', dir, '--id', 'acme/broken', '--columns', 'item.price,pair.co.sum']);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, timeoutMs: 5000 }));
    const badField = await scorer(['check', dir]);
    expect([badField.exitCode, badField.err.split(':')[0]]).toEqual([1, 'FAILED INVALID_MANIFEST field=timeoutMs']);

    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const wide = join(root, 'wide.onnx');
    writeFileSync(wide, encodeOnnxModel(linearModelSpec({ inputs: [{ name: 'features', width: 3 }], weights: new Float32Array(3), bias: 0 })));
    const badModel = await scorer(['check', dir, '--model', wide]);
    expect(badModel.exitCode).toBe(1);
    expect(badModel.err).toMatch(/^FAILED MODEL_SHAPE_MISMATCH problem=shape-mismatch: scorer acme\/broken@1\.0\.0: model input "features" has shape \[N, 3\]/);

    const missing = await scorer(['check', dir, '--model', join(root, 'no.onnx')]);
    expect(missing.err).toMatch(/^FAILED MODEL_PROBE_FAILED problem=unreadable: .*no\.onnx: ENOENT/);
  });

  it('columns lists every standard column with its features, as text and JSON', async () => {
    const text = (await scorer(['columns'])).out;
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(STANDARD_COLUMNS.length + 1);
    expect(lines.find((l) => l.startsWith('pair.category.overlap '))).toContain('[user.history, user.historyItems, item.meta]');
    expect(lines.at(-1)).toContain('log1p(<column>)');
    const json = JSON.parse((await scorer(['columns', '--json'])).out) as Array<{ name: string; features: string[] }>;
    expect(json.map((c) => c.name)).toEqual(STANDARD_COLUMNS.map((c) => c.name));
    expect(json.find((c) => c.name === 'item.stats.purchase.decayed')?.features).toEqual(['item.stats']);
  });
});
