import { ErrorCode } from '../../errors/codes';
import type { ScorerPlugin } from './contract';
import { createScorerRegistry } from './registry';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const noModels = () => Promise.reject(new Error('no models'));

function plugin(over: Partial<ScorerPlugin> & { onClose?: () => void }): ScorerPlugin {
  return {
    id: 'ns/name',
    version: '1.0.0',
    features: ['item.stats'],
    async setup() {
      return { score: async ({ itemIds }) => new Float32Array(itemIds.length), close: async () => over.onClose?.() };
    },
    ...over,
  } as ScorerPlugin;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('scorer registry checks at boot', () => {
  it('rejects a duplicate id', async () => {
    expect(await codeOf(createScorerRegistry([plugin({}), plugin({})], { logger: silent, loadModel: noModels }))).toBe(ErrorCode.DUPLICATE_SCORER_ID);
  });

  it('rejects an unknown feature, naming it', async () => {
    const err = await createScorerRegistry([plugin({ features: ['item.stats', 'user.mood'] as never })], { logger: silent, loadModel: noModels }).catch((e) => e);
    expect(err.code).toBe(ErrorCode.UNKNOWN_FEATURE);
    expect(err.details.feature).toBe('user.mood');
  });

  it.each([
    ['a bare id', { id: 'nonamespace' }],
    ['an upper-case id', { id: 'NS/Name' }],
    ['a non-semver version', { version: 'v1' }],
    ['a negative timeout', { timeoutMs: -1 }],
  ])('rejects %s as INVALID_PLUGIN', async (_n, over) => {
    expect(await codeOf(createScorerRegistry([plugin(over as Partial<ScorerPlugin>)], { logger: silent, loadModel: noModels }))).toBe(ErrorCode.INVALID_PLUGIN);
  });

  it('rejects a failing setup and closes the scorers already set up', async () => {
    let closed = 0;
    const failing = plugin({ id: 'ns/bad', setup: async () => Promise.reject(new Error('no weights')) });
    const code = await codeOf(createScorerRegistry([plugin({ onClose: () => closed++ }), failing], { logger: silent, loadModel: noModels }));
    expect(code).toBe(ErrorCode.INVALID_PLUGIN);
    expect(closed).toBe(1);
  });

  it('closes in reverse registration order', async () => {
    const order: string[] = [];
    const reg = await createScorerRegistry([plugin({ id: 'ns/a', onClose: () => order.push('a') }), plugin({ id: 'ns/b', onClose: () => order.push('b') })], { logger: silent, loadModel: noModels });
    await reg.close();
    expect(order).toEqual(['b', 'a']);
  });

  it('with skipFailing, skips a plugin whose model is missing or whose setup fails, logs why, and keeps the others', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logger = { ...silent, error: (o: object) => logged.push(o as Record<string, unknown>) };
    const withModel = plugin({ id: 'ns/model', model: { uri: 'nowhere.onnx', inputs: ['x'] } });
    const failing = plugin({ id: 'ns/setup', setup: async () => Promise.reject(new Error('no weights')) });
    const reg = await createScorerRegistry([plugin({ id: 'ns/ok' }), withModel, failing], { logger, loadModel: noModels, skipFailing: true });
    expect(reg.list().map((r) => r.id)).toEqual(['ns/ok']);
    expect(reg.skipped.map((s) => [s.id, s.code])).toEqual([
      ['ns/model', ErrorCode.INVALID_PLUGIN],
      ['ns/setup', ErrorCode.INVALID_PLUGIN],
    ]);
    expect(reg.skipped[0]!.reason).toMatch(/cannot open model .*nowhere\.onnx: no models/);
    expect(reg.skipped[1]!.reason).toMatch(/setup failed: no weights/);
    expect(logged.map((o) => o.scorerId)).toEqual(['ns/model', 'ns/setup']);
    await reg.close();
  });

  it('with skipFailing, still fails on a declaration error', async () => {
    expect(await codeOf(createScorerRegistry([plugin({}), plugin({})], { logger: silent, loadModel: noModels, skipFailing: true }))).toBe(ErrorCode.DUPLICATE_SCORER_ID);
  });

  it('resolves relative model paths against modelsDir, for the declaration and for ctx.loadModel', async () => {
    const opened: string[] = [];
    const loadModel = async (uri: string) => {
      opened.push(uri);
      return { inputNames: ['x'], outputNames: ['y'], run: async () => ({}), close: async () => {} };
    };
    const p = plugin({
      model: { uri: 'acme/m.onnx', inputs: ['x'] },
      async setup(ctx) {
        await ctx.loadModel('acme/m.onnx');
        await ctx.loadModel('/abs/m.onnx');
        await ctx.loadModel('file:///abs/u.onnx');
        return { score: async ({ itemIds }) => new Float32Array(itemIds.length) };
      },
    });
    const reg = await createScorerRegistry([p], { logger: silent, loadModel, modelsDir: '/srv/models' });
    expect(opened).toEqual(['/srv/models/acme/m.onnx', '/srv/models/acme/m.onnx', '/abs/m.onnx', 'file:///abs/u.onnx']);
    await reg.close();
  });
});
