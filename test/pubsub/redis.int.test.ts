/**
 * The ValueChangeLog conformance suite against Redis Streams on a real Redis: a private
 * `redis-server` on a loopback port for this file, and a fresh stream key for every test. Plus
 * what only Redis can show: two log instances (two gateways) on one stream, and trimming.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { describeValueChangeLogConformance, sampleChange } from '../../pubsub/conformance';
import { createValueChangeLog } from '../../pubsub/factory';
import type { LoggedChange, ValueChangeLog } from '../../pubsub/port';
import { createRedisValueChangeLog } from '../../pubsub/redis';
import { useRedisForThisFile } from '../support/redis';

const redisUrl = useRedisForThisFile();

const freshKey = (): string => `recgate-test:${randomUUID()}:value-changes`;
const open = (key: string, retentionMs?: number): ValueChangeLog => createRedisValueChangeLog({ url: redisUrl(), key, ...(retentionMs ? { retentionMs } : {}), onError: () => undefined });

async function until(what: string, ok: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describeValueChangeLogConformance('redis', async (opts) => {
  const log = open(freshKey(), opts?.retentionMs);
  return { log, cleanup: () => log.close() };
});

describe('Redis value-change log (adapter-specific)', () => {
  it('is the adapter the factory picks when a Redis URL is set', async () => {
    const log = createValueChangeLog({ redisUrl: redisUrl(), key: freshKey(), retentionMs: 3_600_000 });
    expect([log.kind, log.retentionMs]).toEqual(['redis', 3_600_000]);
    await log.close();
  });

  it("lets two log instances on one Redis see each other's appends, with the same cursors", async () => {
    const key = freshKey();
    const a = open(key);
    const b = open(key);
    try {
      const onA: LoggedChange[] = [];
      const onB: LoggedChange[] = [];
      const stopA = await a.subscribe(undefined, (c) => onA.push(c));
      const stopB = await b.subscribe(undefined, (c) => onB.push(c));
      const fromA = await a.append([sampleChange(1), sampleChange(2)]);
      const fromB = await b.append([sampleChange(3)]);
      await until('three changes on both', () => onA.length >= 3 && onB.length >= 3);
      stopA();
      stopB();
      expect(onA.map((c) => c.cursor)).toEqual([...fromA, ...fromB]);
      expect(onB.map((c) => c.cursor)).toEqual([...fromA, ...fromB]);
      expect(onB[2]!.change).toEqual(sampleChange(3));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('delivers nothing to a closed instance while its peer goes on appending', async () => {
    const key = freshKey();
    const a = open(key);
    const b = open(key);
    try {
      const onB: string[] = [];
      await b.subscribe(undefined, (c) => onB.push(c.cursor));
      const [first] = await a.append([sampleChange(1)]);
      await until('the first change', () => onB.length === 1);
      await b.close();
      await a.append([sampleChange(2)]);
      await new Promise((r) => setTimeout(r, 150));
      expect(onB).toEqual([first]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('trims by age with XADD MINID and expires a cursor whose successors were trimmed', async () => {
    const key = freshKey();
    const log = open(key, 200);
    const probe = new Redis(redisUrl());
    try {
      const old = await log.append(Array.from({ length: 300 }, (_, i) => sampleChange(i)));
      await new Promise((r) => setTimeout(r, 300));
      const [fresh] = await log.append([sampleChange(1000)]);
      // Approximate trimming removes whole radix-tree nodes: most of the 300 aged entries go.
      expect(await probe.xlen(key)).toBeLessThan(100);
      await expect(log.subscribe(old[0], () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
      expect(fresh).toBeDefined();
    } finally {
      await probe.quit();
      await log.close();
    }
  });

  it('expires a cursor within the retention window once a change after it was trimmed (max-deleted-entry-id)', async () => {
    const key = freshKey();
    const log = open(key);
    const probe = new Redis(redisUrl());
    try {
      const cursors = await log.append([1, 2, 3, 4].map((i) => sampleChange(i)));
      await probe.xtrim(key, 'MAXLEN', 2); // drops 1 and 2, exactly
      await expect(log.subscribe(cursors[0], () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
      const got: string[] = [];
      (await log.subscribe(cursors[1], (c) => got.push(c.cursor)))();
      expect(got).toEqual(cursors.slice(2));
    } finally {
      await probe.quit();
      await log.close();
    }
  });

  it('expires every cursor of a stream that was reset (deleted and recreated)', async () => {
    const key = freshKey();
    const log = open(key);
    const probe = new Redis(redisUrl());
    try {
      const [c] = await log.append([sampleChange(1)]);
      await probe.del(key);
      await expect(log.subscribe(c, () => undefined)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    } finally {
      await probe.quit();
      await log.close();
    }
  });

  it('replays more than one XRANGE page in order', async () => {
    const log = open(freshKey());
    try {
      const first = await log.append([sampleChange(0)]);
      const rest = await log.append(Array.from({ length: 1_234 }, (_, i) => sampleChange(i + 1)));
      const got: string[] = [];
      (await log.subscribe(first[0], (c) => got.push(c.cursor)))();
      expect(got).toEqual(rest);
    } finally {
      await log.close();
    }
  });
});
