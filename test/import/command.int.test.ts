/** The `import` commander subcommands against a real SQLite store in a temp dir. */
import { join } from 'node:path';
import { importCommand } from '../../cli/import-command';
import { ErrorCode } from '../../errors/codes';
import type { GraphStore } from '../../graph/port';
import { GOWALLA_TRAIN, TAOBAO_FILE, captureLog, openStore, readLines, tempDir, writeLines } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

/** Run `import <args>` with a store on `db`; returns the printed summary and whether it was closed. */
async function run(db: string, args: string[]) {
  let out = '';
  const opened: { closed: boolean; store: GraphStore | null } = { closed: false, store: null };
  const openStoreFn = async (): Promise<GraphStore> => {
    const store = await openStore(dir, db);
    opened.store = store;
    return {
      ...store,
      close: async () => {
        opened.closed = true;
        await store.close();
      },
    };
  };
  const cmd = importCommand(openStoreFn, { stdout: { write: (t: string) => (out += t) }, log: captureLog().log });
  await cmd.parseAsync(args, { from: 'user' });
  return { summary: JSON.parse(out) as Record<string, unknown>, opened };
}

describe('import command', () => {
  it('import taobao: options reach the importer, the summary is printed, the store is closed', async () => {
    const file = await writeLines(dir, 'tb.csv', (await readLines(TAOBAO_FILE)).slice(0, 400));
    const { summary, opened } = await run('cmd.db', ['taobao', file, '--no-progress', '--batch-size', '150', '--id-prefix', 'tb:']);
    expect(summary).toMatchObject({ source: 'taobao', lines: 400, events: 400, inserted: 400, duplicates: 0, rowErrors: 0 });
    expect(opened.closed).toBe(true);
    const again = await run('cmd.db', ['taobao', file, '--no-progress']);
    // A different prefix gives different ids: nothing is a duplicate of the `tb:` import.
    expect(again.summary).toMatchObject({ inserted: 400, duplicates: 0 });
  });

  it('import gowalla --split test and import csv --preset taobao', async () => {
    const file = await writeLines(dir, 'g.txt', (await readLines(GOWALLA_TRAIN)).slice(0, 3));
    const { summary } = await run('cmd2.db', ['gowalla', file, '--split', 'test', '--no-progress']);
    expect(summary).toMatchObject({ source: 'gowalla-test', lines: 3 });
    const tb = await writeLines(dir, 'tb2.csv', (await readLines(TAOBAO_FILE)).slice(0, 10));
    const viaPreset = await run('cmd2.db', ['csv', tb, '--preset', 'taobao', '--no-progress']);
    expect(viaPreset.summary).toMatchObject({ source: 'taobao', inserted: 10 });
    const viaFile = await run('cmd2.db', ['csv', tb, '--mapping', join(__dirname, '../../ingest/import/examples/taobao.mapping.json'), '--no-progress']);
    expect(viaFile.summary).toMatchObject({ inserted: 0, duplicates: 10 });
  });

  it('a bad mapping file fails with IMPORT_MAPPING_INVALID before the store is opened', async () => {
    const mapping = await writeLines(dir, 'bad.mapping.json', ['{ "fields": { "user": "u" }, "tsUnit": "s", "eventId": { "column": 0 } }']);
    let opens = 0;
    const cmd = importCommand(
      async () => {
        opens += 1;
        throw new Error('should not open');
      },
      { stdout: { write: () => true }, log: captureLog().log },
    );
    await expect(cmd.parseAsync(['csv', 'x.csv', '--mapping', mapping], { from: 'user' })).rejects.toMatchObject({
      code: ErrorCode.IMPORT_MAPPING_INVALID,
      details: { key: 'fields.user' },
    });
    expect(opens).toBe(0);
  });

  it('import csv without --mapping or --preset is a usage error', async () => {
    const cmd = importCommand(() => Promise.reject(new Error('should not open')), { stdout: { write: () => true } });
    for (const sub of cmd.commands) sub.exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['csv', 'x.csv'], { from: 'user' })).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/exactly one of --mapping/),
    });
  });
});
