import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import { MAX_MANIFEST_BYTES, parseManifest, parseManifestText } from './manifest';

const good = (): Record<string, unknown> => ({
  id: 'acme/linear',
  version: '1.2.0',
  features: ['item.stats', 'pair.coInteraction'],
  inputs: [{ name: 'features', columns: ['item.stats.purchase', 'log1p(item.stats.view.decayed)', 'pair.co.sum'] }],
  output: { name: 'score' },
});

function fieldOf(json: unknown): { field: unknown; message: string } {
  try {
    parseManifest(json);
  } catch (err) {
    expect(err).toBeInstanceOf(CodedError);
    expect((err as CodedError).code).toBe(ErrorCode.INVALID_MANIFEST);
    return { field: (err as CodedError).details.field, message: (err as Error).message };
  }
  throw new Error('expected INVALID_MANIFEST');
}

const withField = (patch: Record<string, unknown>): Record<string, unknown> => ({ ...good(), ...patch });
const withoutField = (key: string): Record<string, unknown> => {
  const m = good();
  delete m[key];
  return m;
};

describe('parseManifest', () => {
  it('accepts a good manifest and fills in the defaults', () => {
    const m = parseManifest(good());
    expect(m).toEqual({
      id: 'acme/linear',
      version: '1.2.0',
      description: '',
      features: ['item.stats', 'pair.coInteraction'],
      inputs: [{ name: 'features', columns: ['item.stats.purchase', 'log1p(item.stats.view.decayed)', 'pair.co.sum'] }],
      output: { name: 'score', meaning: 'score' },
      timeoutMs: 50,
    });
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.inputs[0]!.columns)).toBe(true);
  });

  it('keeps given optional fields', () => {
    const m = parseManifest(withField({ description: 'a linear head', timeoutMs: 2000, output: { name: 'p', meaning: 'probability' }, version: '2.0.0-rc.1' }));
    expect([m.description, m.timeoutMs, m.output.meaning, m.output.name, m.version]).toEqual(['a linear head', 2000, 'probability', 'p', '2.0.0-rc.1']);
  });

  const cases: Array<[string, unknown, string]> = [
    ['not an object', [good()], 'manifest'],
    ['an unknown top-level key', withField({ model: 'x.onnx' }), 'model'],
    ['a missing id', withoutField('id'), 'id'],
    ['an id without a namespace', withField({ id: 'linear' }), 'id'],
    ['an upper-case id', withField({ id: 'Acme/linear' }), 'id'],
    ['a missing version', withoutField('version'), 'version'],
    ['a non-semver version', withField({ version: 'v1' }), 'version'],
    ['a version with leading zeros', withField({ version: '01.2.0' }), 'version'],
    ['a long description', withField({ description: 'x'.repeat(501) }), 'description'],
    ['a non-string description', withField({ description: 5 }), 'description'],
    ['features not an array', withField({ features: 'item.stats' }), 'features'],
    ['an unknown feature', withField({ features: ['item.stats', 'item.color'] }), 'features[1]'],
    ['scores.firstStage', withField({ features: ['item.stats', 'pair.coInteraction', 'scores.firstStage'] }), 'features[2]'],
    ['a duplicate feature', withField({ features: ['item.stats', 'pair.coInteraction', 'item.stats'] }), 'features[2]'],
    ['no inputs', withField({ inputs: [] }), 'inputs'],
    ['nine inputs', withField({ inputs: Array.from({ length: 9 }, (_, i) => ({ name: `x${i}`, columns: ['item.stats.view'] })) }), 'inputs'],
    ['an input that is not an object', withField({ inputs: ['features'] }), 'inputs[0]'],
    ['an unknown input key', withField({ inputs: [{ name: 'x', columns: ['item.stats.view'], dtype: 'float32' }] }), 'inputs[0].dtype'],
    ['an empty input name', withField({ inputs: [{ name: '', columns: ['item.stats.view'] }] }), 'inputs[0].name'],
    [
      'a duplicate input name',
      withField({
        inputs: [
          { name: 'x', columns: ['item.stats.view'] },
          { name: 'x', columns: ['item.stats.click'] },
        ],
      }),
      'inputs[1].name',
    ],
    ['no columns', withField({ inputs: [{ name: 'x', columns: [] }] }), 'inputs[0].columns'],
    ['513 columns', withField({ inputs: [{ name: 'x', columns: Array.from({ length: 513 }, () => 'item.stats.view') }] }), 'inputs[0].columns'],
    ['an unknown column', withField({ inputs: [{ name: 'x', columns: ['item.stats.view', 'pair.co.sum', 'item.colour'] }] }), 'inputs[0].columns[2]'],
    ['a column that is not a string', withField({ inputs: [{ name: 'x', columns: [3] }] }), 'inputs[0].columns[0]'],
    ['a column reading an undeclared feature', withField({ inputs: [{ name: 'x', columns: ['item.stats.view', 'item.price'] }] }), 'inputs[0].columns[1]'],
    ['a missing output', withoutField('output'), 'output'],
    ['an output without a name', withField({ output: { meaning: 'score' } }), 'output.name'],
    ['an unknown output meaning', withField({ output: { name: 'score', meaning: 'rank' } }), 'output.meaning'],
    ['an unknown output key', withField({ output: { name: 'score', shape: [1] } }), 'output.shape'],
    ['timeoutMs 0', withField({ timeoutMs: 0 }), 'timeoutMs'],
    ['timeoutMs 2001', withField({ timeoutMs: 2001 }), 'timeoutMs'],
    ['a fractional timeoutMs', withField({ timeoutMs: 12.5 }), 'timeoutMs'],
    ['a string timeoutMs', withField({ timeoutMs: '50' }), 'timeoutMs'],
  ];
  it.each(cases.map(([name, json, field]) => [name, field, json] as const))('refuses %s (field %s)', (_name, field, json) => {
    expect(fieldOf(json).field).toBe(field);
  });

  it('names the column and the feature it lacks', () => {
    const { message } = fieldOf(withField({ inputs: [{ name: 'x', columns: ['pair.category.overlap'] }] }));
    expect(message).toBe('manifest inputs[0].columns[0]: column "pair.category.overlap" reads user.history, user.historyItems, item.meta, which features does not declare');
  });

  it('refuses a manifest over 64 KiB, as an object and as text', () => {
    // Three inputs of 500 columns of 47 characters: about 72 KB; two of them: about 48 KB.
    const big = good();
    const inputs = Array.from({ length: 3 }, (_, i) => ({ name: `x${i}`, columns: Array.from({ length: 500 }, () => 'log1p(item.stats.selling_point_click.decayed)') }));
    big.inputs = inputs;
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(MAX_MANIFEST_BYTES);
    expect(fieldOf(big).field).toBe('manifest');
    expect(() => parseManifestText(text)).toThrow(/more than 65536/);
    inputs.pop();
    expect(parseManifest(big).inputs).toHaveLength(2);
  });

  it('parses text and refuses malformed JSON with field manifest', () => {
    expect(parseManifestText(JSON.stringify(good())).id).toBe('acme/linear');
    let err: unknown;
    try {
      parseManifestText('{"id": ');
    } catch (e) {
      err = e;
    }
    expect((err as CodedError).code).toBe(ErrorCode.INVALID_MANIFEST);
    expect((err as CodedError).details).toEqual({ field: 'manifest' });
  });
});
