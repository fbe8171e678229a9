import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteractionEvent } from '../../domain/events';
import { createEmbeddedGraphStore } from '../../graph/embedded';
import type { GraphStore } from '../../graph/port';
import { createInProcessQueue } from '../in-process';
import type { JobOutcome, JobQueue } from '../port';
import { dpgcnRetrainProcessor, scheduleDpgcnRetrain } from './dpgcn-retrain';

const quiet = { info: () => undefined, warn: () => undefined };
const T0 = Date.UTC(2024, 0, 1);
const tiny = { fusion: false, dims: 8, epochs: 2, every: 1, usersPerStep: 8, negatives: 16, threads: 1, seed: 1, createdBy: 'test' };

function nextOutcome(q: JobQueue): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const off = q.onOutcome((o) => {
      off();
      resolve(o);
    });
  });
}

/** 12 users, each viewing 4 of 10 items. */
function views(): InteractionEvent[] {
  const out: InteractionEvent[] = [];
  for (let u = 0; u < 12; u++) {
    for (let k = 0; k < 4; k++) {
      out.push({ eventId: `e${u}-${k}`, userId: `u${u}`, type: 'view', itemId: `i${(u + 3 * k) % 10}`, ts: T0 + k * 3600_000, value: 0, dwellMs: null, session: null, referrer: null, query: null });
    }
  }
  return out;
}

describe('the dpgcn retrain job', () => {
  let dir: string;
  let store: GraphStore;
  let q: JobQueue;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recgate-dpgcn-retrain-'));
    store = await createEmbeddedGraphStore({ path: join(dir, 'store.db'), synchronous: 'NORMAL' });
    q = createInProcessQueue();
  });
  afterEach(async () => {
    await q.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('treats an empty store as unrecoverable for the period: one attempt, nothing published', async () => {
    q.process('dpgcn:retrain', dpgcnRetrainProcessor(store, { ...tiny, modelsDir: join(dir, 'models') }, quiet));
    const done = nextOutcome(q);
    await q.add('dpgcn:retrain', {}, { jobId: 'r1', backoffMs: 5 });
    expect(await done).toMatchObject({ status: 'failed', attempts: 1, unrecoverable: true, error: expect.stringContaining('no interactions') });
    await expect(readdir(join(dir, 'models'))).rejects.toThrow(/ENOENT/);
  });

  it('retries a store failure with backoff, then publishes', async () => {
    await store.ingestEvents(views());
    let scans = 0;
    const flaky: GraphStore = {
      ...store,
      scanInteractions: (n) => {
        if (++scans === 1) throw new Error('store unreachable');
        return store.scanInteractions(n);
      },
    };
    const published: number[] = [];
    q.process(
      'dpgcn:retrain',
      dpgcnRetrainProcessor(flaky, { ...tiny, modelsDir: join(dir, 'models') }, quiet, (r) => published.push(r.version)),
    );
    const done = nextOutcome(q);
    await q.add('dpgcn:retrain', {}, { jobId: 'r2', backoffMs: 5 });
    expect(await done).toEqual({ status: 'completed', name: 'dpgcn:retrain', id: 'r2', attempts: 2 });
    expect(published).toEqual([1]);
    expect(await readdir(join(dir, 'models', 'dpgcn'))).toEqual(['1']);
  }, 20_000);

  it('runs on a schedule whose job ids name the period, publishing a new version each time', async () => {
    await store.ingestEvents(views());
    const infos: object[] = [];
    const name = await scheduleDpgcnRetrain(q, store, { ...tiny, modelsDir: join(dir, 'models') }, { everyMs: 300, logger: { info: (o) => infos.push(o), warn: () => undefined } });
    expect(name).toBe('dpgcn:retrain');
    const first = await nextOutcome(q);
    expect(first).toMatchObject({ status: 'completed', name });
    expect(first.id).toMatch(/^dpgcn:retrain:\d+$/);
    expect(Math.abs(Number(first.id.split(':').at(-1)) - Math.floor(Date.now() / 300))).toBeLessThanOrEqual(2);
    const second = await nextOutcome(q);
    expect(second.status).toBe('completed');
    expect(second.id).not.toBe(first.id);
    expect(infos[0]).toMatchObject({ version: 1, nodes: { user: 12, item: 10 } });
    expect(infos[1]).toMatchObject({ version: 2 });
  }, 20_000);
});
