/** The README documents every public error code and every environment variable, with its default. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_TABLE } from '../config/config';
import { ERROR_CODES } from '../errors/codes';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const tableRows = (heading: string): string[] => {
  const section = readme.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
  return section.split('\n').filter((l) => l.startsWith('| `'));
};

describe('README', () => {
  it.each(ERROR_CODES.map((c) => [c]))('documents error code %s', (code) => {
    expect(tableRows('Error codes').some((r) => r.startsWith(`| \`${code}\` |`))).toBe(true);
  });

  it('documents no error code that does not exist', () => {
    const documented = tableRows('Error codes').map((r) => /^\| `([A-Z_]+)`/.exec(r)?.[1]);
    expect(documented.sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ENV_TABLE.map((e) => [e.env, e.default]))('documents %s with its default', (env, dflt) => {
    const row = tableRows('Configuration').find((r) => r.startsWith(`| \`${env}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(dflt === '' ? '(empty)' : `\`${dflt}\``);
  });
});
