/** The durable outbox against a scripted log: order, retries, backlog, and survival across a reopen. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValueChange } from '../domain/user-value';
import { sampleChange } from './conformance';
import { openOutbox } from './outbox';

/** A log whose appends fail while `down` is true and record what they accepted otherwise. */
function scriptedLog() {
  const got: ValueChange[] = [];
  const state = { down: false, calls: 0 };
  return {
    got,
    state,
    async append(changes: readonly ValueChange[]): Promise<string[]> {
      state.calls++;
      if (state.down) throw new Error('redis down');
      got.push(...changes);
      return changes.map((_, i) => `${got.length}-${i}`);
    },
  };
}

describe('value-change outbox', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes in enqueue order, in batches, and reports an empty backlog after', async () => {
    const log = scriptedLog();
    const ob = openOutbox({ path: join(dir, 'o.db'), log, batch: 3, onError: () => undefined });
    const all = Array.from({ length: 10 }, (_, i) => sampleChange(i));
    ob.enqueue(all.slice(0, 4));
    ob.enqueue(all.slice(4));
    await ob.drained();
    expect(log.got).toEqual(all);
    expect(ob.status()).toEqual({ backlog: 0, oldestAgeMs: 0, failing: false });
    await ob.close();
  });

  it('keeps changes while the log fails, reports them, and publishes them in order when it returns', async () => {
    const log = scriptedLog();
    log.state.down = true;
    const errors: string[] = [];
    const ob = openOutbox({ path: join(dir, 'o.db'), log, retryMs: 10, onError: (e) => errors.push(e.message) });
    const all = Array.from({ length: 6 }, (_, i) => sampleChange(i));
    for (const c of all) ob.enqueue([c]);
    while (log.state.calls < 3) await new Promise((r) => setTimeout(r, 5));
    expect(ob.status()).toMatchObject({ backlog: 6, failing: true });
    expect(errors[0]).toBe('redis down');
    log.state.down = false;
    await ob.drained();
    expect(log.got).toEqual(all);
    expect(ob.status().backlog).toBe(0);
    await ob.close();
  });

  it('survives a close and reopen: what was not published is published by the next process', async () => {
    const path = join(dir, 'o.db');
    const down = scriptedLog();
    down.state.down = true;
    const first = openOutbox({ path, log: down, retryMs: 10, onError: () => undefined });
    const all = Array.from({ length: 5 }, (_, i) => sampleChange(i));
    first.enqueue(all.slice(0, 2));
    first.enqueue(all.slice(2));
    await first.close();
    expect(down.got).toEqual([]);
    const up = scriptedLog();
    const second = openOutbox({ path, log: up, onError: () => undefined });
    await second.drained();
    expect(up.got).toEqual(all);
    await second.close();
  });

  it('rejects enqueue after close', async () => {
    const ob = openOutbox({ path: join(dir, 'o.db'), log: scriptedLog() });
    await ob.close();
    expect(() => ob.enqueue([sampleChange(1)])).toThrow('closed');
  });
});
