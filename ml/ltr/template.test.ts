import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStrategy } from '../../pipeline/strategy';
import { LEARNED_STRATEGY_TEMPLATE } from './from-store';

describe('the learned strategy', () => {
  it('committed as strategies/learned.json is the template train ranker builds on (no drift)', () => {
    const file = parseStrategy(JSON.parse(readFileSync(join(__dirname, '../../strategies/learned.json'), 'utf8')));
    expect(file).toEqual(parseStrategy(LEARNED_STRATEGY_TEMPLATE));
    expect(file.scorers[0]).toEqual({ id: 'ltr/lambdamart', weight: 1 });
  });
});
