import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';
import { datasetManifest, datasetSettings, parseDuration } from './options';

function codeOf(fn: () => unknown): [string, unknown] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CodedError) return [err.code, err.details['flag'] ?? err.details['field']];
    throw err;
  }
  throw new Error('expected a CodedError');
}

describe('scorer dataset flags', () => {
  it('reads durations with units or as milliseconds', () => {
    expect(parseDuration('1d', '--window')).toBe(86_400_000);
    expect(parseDuration('12h', '--window')).toBe(43_200_000);
    expect(parseDuration('1.5d', '--window')).toBe(129_600_000);
    expect(parseDuration('30m', '--window')).toBe(1_800_000);
    expect(parseDuration('90s', '--window')).toBe(90_000);
    expect(parseDuration('2500', '--window')).toBe(2500);
    for (const bad of ['', '1w', '-1d', '0', 'd', '1 day']) expect(codeOf(() => parseDuration(bad, '--window'))).toEqual([ErrorCode.EVAL_ARGUMENT_INVALID, '--window']);
  });

  it('fills the defaults: purchase within 1 day, seed 42, 100 negatives, csv, the Taobao head, acme/my-scorer', () => {
    const s = datasetSettings({ columns: 'item.stats.view, pair.co.sum' });
    expect(s.columns).toEqual(['item.stats.view', 'pair.co.sum']);
    expect([s.label, s.windowMs, s.seed, s.maxNegativesPerList, s.format, s.positiveListsOnly, s.cut, s.maxUsers]).toEqual(['purchase', 86_400_000, 42, 100, 'csv', false, undefined, undefined]);
    expect(s.source).toEqual({ kind: 'preset', preset: 'taobao' });
    expect(s.manifest.id).toBe('acme/my-scorer');
    expect(s.manifest.features).toEqual(['item.stats', 'pair.coInteraction']);
  });

  it('builds a manifest that publishing would parse, with the layout as its one input', () => {
    const m = datasetManifest(['log1p(item.stats.purchase.decayed)', 'pair.category.overlap'], { id: 'acme/buy', label: 'add_to_cart', windowMs: 43_200_000 });
    expect(m.inputs).toEqual([{ name: 'features', columns: ['log1p(item.stats.purchase.decayed)', 'pair.category.overlap'] }]);
    expect(m.features).toEqual(['item.stats', 'user.history', 'user.historyItems', 'item.meta']);
    expect(m.output).toEqual({ name: 'score', meaning: 'probability' });
    expect(m.description).toContain('add_to_cart within 12 h');
  });

  it('names the column or the flag that is wrong', () => {
    expect(codeOf(() => datasetSettings({ columns: 'pair.co.sum,log1p(nope)' }))).toEqual([ErrorCode.INVALID_MANIFEST, 'inputs[0].columns[1]']);
    expect(codeOf(() => datasetSettings({ columns: 'user.value.purchaseProbability' }))).toEqual([ErrorCode.EVAL_ARGUMENT_INVALID, '--columns']);
    expect(codeOf(() => datasetSettings({}))).toEqual([ErrorCode.EVAL_ARGUMENT_INVALID, '--columns']);
    expect(codeOf(() => datasetSettings({ columns: 'pair.co.sum', maxLines: '0' }))).toEqual([ErrorCode.EVAL_ARGUMENT_INVALID, '--max-lines']);
    expect(codeOf(() => datasetSettings({ columns: 'pair.co.sum', mapping: 'm.json' }))).toEqual([ErrorCode.EVAL_ARGUMENT_INVALID, '--mapping']);
  });
});
