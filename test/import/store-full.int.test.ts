/** `import` against a store at its event ceiling stops with STORE_FULL; what fit stays stored. */
import { join } from 'node:path';
import { importCommand } from '../../cli/import-command';
import { ErrorCode } from '../../errors/codes';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import { TAOBAO_FILE, captureLog, readLines, tempDir, writeLines } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

it('import taobao stops with STORE_FULL at STORE_MAX_EVENTS, keeps the events that fit, and closes the store', async () => {
  const file = await writeLines(dir, 'tb.csv', (await readLines(TAOBAO_FILE)).slice(0, 400));
  const path = join(dir, 'full.db');
  let closed = false;
  const open = async () => {
    const store = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL', ceiling: { maxEvents: 250 } });
    return {
      ...store,
      close: async () => {
        closed = true;
        await store.close();
      },
    };
  };
  const cmd = importCommand(open, { stdout: { write: () => undefined }, log: captureLog().log });
  await expect(cmd.parseAsync(['taobao', file, '--no-progress', '--batch-size', '100'], { from: 'user' })).rejects.toMatchObject({
    code: ErrorCode.STORE_FULL,
    details: { full: 'events', inserted: 250 },
  });
  expect(closed).toBe(true);
  const reopened = await createEmbeddedGraphStore({ path, synchronous: 'NORMAL', ceiling: { maxEvents: 250 } });
  try {
    expect((await reopened.counts()).events).toBe(250);
  } finally {
    await reopened.close();
  }
});
