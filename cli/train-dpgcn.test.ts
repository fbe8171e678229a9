import { CodedError } from '../errors/errors';
import { gcnSettingsFromFlags } from './train-dpgcn';

const base = { train: 't', test: 's', format: 'auto' as const, seed: 1, modelsDir: 'm', holdout: 0.1 };

describe('train dpgcn flags', () => {
  it('passes the given settings through', () => {
    expect(gcnSettingsFromFlags({ ...base, tau: 0.2, layers: 2 })).toEqual({ tau: 0.2, layers: 2 });
  });

  it.each([
    [{ tau: 0 }, '--tau'],
    [{ layers: 1.5 }, '--layers'],
    [{ learningRate: -1 }, '--lr'],
    [{ usersPerStep: 0 }, '--users-per-step'],
    [{ holdout: 1 }, '--holdout'],
  ])('refuses %o with EVAL_ARGUMENT_INVALID naming %s', (bad, flag) => {
    let caught: unknown;
    try {
      gcnSettingsFromFlags({ ...base, ...bad });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CodedError);
    expect(caught).toMatchObject({ code: 'EVAL_ARGUMENT_INVALID', details: { flag } });
  });
});
