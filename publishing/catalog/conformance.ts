/**
 * The CatalogStore conformance suite: the behaviours every adapter must show, registered as jest
 * tests. An adapter's test file calls it with `open(namespace)`, which opens a store on the
 * catalog named `namespace` (a SQLite file, a Redis prefix): every test uses a fresh namespace,
 * and opening the same namespace twice gives two handles on one catalog (two gateways).
 * What only one adapter can show (files, keys, a lock held by another process) lives beside it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../errors/codes';
import { DEFAULT_CHANGES_LIMIT } from './common';
import { EMPTY_CATALOG, type CatalogChange, type CatalogDoc, type CatalogStore } from './port';

export type OpenCatalogStore = (namespace: string) => Promise<CatalogStore>;

const by = { keyId: 'k-1', keyName: 'ci' };

/** A change that differs by `i`. */
export const sampleChange = (i: number): CatalogChange => ({
  kind: i % 2 === 0 ? 'scorer' : 'strategy',
  id: `acme/s${i}`,
  action: 'publish',
  version: i % 3 === 0 ? null : `1.0.${i}`,
  at: 1_764_000_000_000 + i,
  by,
});

/** A document with nested values of every JSON kind (unicode, fractions, nulls, empty containers). */
export function sampleDoc(i: number): CatalogDoc {
  const version = `1.${i}.0`;
  return {
    scorers: {
      'acme/ctr': {
        versions: [
          {
            manifest: {
              id: 'acme/ctr',
              version,
              description: `naïve — ${i} ✓`,
              features: ['item.stats', 'user.profile'],
              inputs: [{ name: 'x', columns: ['item.price', 'user.age'] }],
              output: { name: 'y', meaning: 'probability' },
              timeoutMs: 20,
            },
            model: { sha256: 'ab'.repeat(32), bytes: 1_048_576 + i },
            publishedAt: 1_764_000_000_000,
            publishedBy: by,
          },
        ],
        live: version,
        shadow: null,
        liveHistory: [],
      },
    },
    strategies: {
      ltv: {
        versions: [{ version: 1, strategy: { weights: { 'acme/ctr': 0.5 + i / 1000, x: -1e-7 }, tags: [], n: 10, nested: [[1, [2, { deep: null }]]] }, publishedAt: 1, publishedBy: by }],
        live: 1,
        liveHistory: [],
      },
    },
  };
}

/** Rejects with a CodedError of `code`. */
async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
}

/** Register the suite as `describe(`CatalogStore conformance: ${name}`)`; `cleanup` runs after it. */
export function describeCatalogConformance(name: string, open: OpenCatalogStore, cleanup?: () => Promise<void>): void {
  describe(`CatalogStore conformance: ${name}`, () => {
    const opened: CatalogStore[] = [];
    const fresh = async (namespace = randomUUID()): Promise<CatalogStore> => {
      const store = await open(namespace);
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      for (const s of opened) await s.close();
      await cleanup?.();
    });

    it('reads an unwritten catalog as revision 0, the empty document and no changes', async () => {
      const s = await fresh();
      expect(await s.read()).toEqual({ revision: 0, doc: EMPTY_CATALOG });
      expect(await s.changesSince(0)).toEqual([]);
    });

    it('stores a write at the current revision as the next revision, with its change', async () => {
      const ns = randomUUID();
      const s = await fresh(ns);
      expect(await s.write(0, sampleDoc(1), sampleChange(1))).toBe(true);
      expect(await s.read()).toEqual({ revision: 1, doc: sampleDoc(1) });
      expect(await s.write(1, sampleDoc(2), sampleChange(2))).toBe(true);
      expect(await s.read()).toEqual({ revision: 2, doc: sampleDoc(2) });
      // Another handle (a fresh connection) reads the same: stored, not cached.
      const other = await fresh(ns);
      expect(await other.read()).toEqual({ revision: 2, doc: sampleDoc(2) });
      expect(await other.changesSince(0)).toEqual([
        { ...sampleChange(1), revision: 1 },
        { ...sampleChange(2), revision: 2 },
      ]);
    });

    it('refuses a stale or future expected revision and changes nothing', async () => {
      const s = await fresh();
      expect(await s.write(0, sampleDoc(1), sampleChange(1))).toBe(true);
      expect(await s.write(0, sampleDoc(2), sampleChange(2))).toBe(false);
      expect(await s.write(2, sampleDoc(3), sampleChange(3))).toBe(false);
      expect(await s.read()).toEqual({ revision: 1, doc: sampleDoc(1) });
      expect(await s.changesSince(0)).toEqual([{ ...sampleChange(1), revision: 1 }]);
    });

    it('lists changes after a revision (exclusive), oldest first, at most `limit`', async () => {
      const s = await fresh();
      for (let r = 0; r < 5; r++) expect(await s.write(r, sampleDoc(r), sampleChange(r))).toBe(true);
      const revisions = async (after: number, limit?: number): Promise<number[]> => (await s.changesSince(after, limit)).map((c) => c.revision);
      expect(await revisions(0)).toEqual([1, 2, 3, 4, 5]);
      expect(await revisions(2)).toEqual([3, 4, 5]);
      expect(await revisions(1, 2)).toEqual([2, 3]);
      expect(await revisions(4, 1)).toEqual([5]);
      expect(await revisions(5)).toEqual([]);
      expect(await revisions(99)).toEqual([]);
      expect((await s.changesSince(3, 1))[0]).toEqual({ ...sampleChange(3), revision: 4 });
    });

    it(`returns at most ${DEFAULT_CHANGES_LIMIT} changes when no limit is given`, async () => {
      const s = await fresh();
      const n = DEFAULT_CHANGES_LIMIT + 3;
      for (let r = 0; r < n; r++) expect(await s.write(r, EMPTY_CATALOG, sampleChange(r))).toBe(true);
      const page = await s.changesSince(0);
      expect([page.length, page[0]?.revision, page.at(-1)?.revision]).toEqual([DEFAULT_CHANGES_LIMIT, 1, DEFAULT_CHANGES_LIMIT]);
      expect((await s.changesSince(DEFAULT_CHANGES_LIMIT)).map((c) => c.revision)).toEqual([n - 2, n - 1, n]);
    });

    it('lets exactly one of two writers (two handles) at the same revision win, every round', async () => {
      const ns = randomUUID();
      const a = await fresh(ns);
      const b = await fresh(ns);
      const winners: string[] = [];
      for (let r = 0; r < 20; r++) {
        const [wa, wb] = await Promise.all([a.write(r, sampleDoc(2 * r), sampleChange(2 * r)), b.write(r, sampleDoc(2 * r + 1), sampleChange(2 * r + 1))]);
        expect(wa !== wb).toBe(true);
        const won = wa ? 2 * r : 2 * r + 1;
        winners.push(`acme/s${won}`);
        expect(await b.read()).toEqual({ revision: r + 1, doc: sampleDoc(won) });
      }
      expect((await a.changesSince(0)).map((c) => c.id)).toEqual(winners);
    });

    it('round-trips blobs byte for byte under their SHA-256, a 1 MiB one included', async () => {
      const ns = randomUUID();
      const s = await fresh(ns);
      const big = randomBytes(1 << 20);
      const small = new Uint8Array([0, 255, 1, 128, 0]);
      // A view into a larger buffer: only its own bytes are stored.
      const view = new Uint8Array(randomBytes(64).buffer, 8, 16);
      for (const bytes of [big, small, view, new Uint8Array(0)]) {
        const ref = await s.putBlob(bytes);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        expect(ref).toEqual({ sha256, bytes: bytes.byteLength });
        const back = await (await fresh(ns)).getBlob(sha256);
        expect(back).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(back!).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))).toBe(true);
      }
    });

    it('stores the same bytes once (putBlob is idempotent) and answers null for an unknown hash', async () => {
      const ns = randomUUID();
      const a = await fresh(ns);
      const bytes = randomBytes(4096);
      const first = await a.putBlob(bytes);
      expect(await (await fresh(ns)).putBlob(Buffer.from(bytes))).toEqual(first);
      expect(Buffer.from((await a.getBlob(first.sha256))!).equals(bytes)).toBe(true);
      expect(await a.getBlob('0'.repeat(64))).toBeNull();
    });

    it('refuses malformed arguments with BAD_USER_INPUT, before touching the store', async () => {
      const s = await fresh();
      await rejectsWith(s.write(-1, EMPTY_CATALOG, sampleChange(1)), ErrorCode.BAD_USER_INPUT);
      await rejectsWith(s.write(0.5, EMPTY_CATALOG, sampleChange(1)), ErrorCode.BAD_USER_INPUT);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await rejectsWith(s.write(0, cyclic as unknown as CatalogDoc, sampleChange(1)), ErrorCode.BAD_USER_INPUT);
      await rejectsWith(s.changesSince(0, 0), ErrorCode.BAD_USER_INPUT);
      await rejectsWith(s.changesSince(-1), ErrorCode.BAD_USER_INPUT);
      await rejectsWith(s.getBlob('ABC'), ErrorCode.BAD_USER_INPUT);
      await rejectsWith(s.getBlob('A'.repeat(64)), ErrorCode.BAD_USER_INPUT);
      await rejectsWith(s.putBlob('bytes' as unknown as Uint8Array), ErrorCode.BAD_USER_INPUT);
      expect(await s.read()).toEqual({ revision: 0, doc: EMPTY_CATALOG });
    });

    it('fails every call after close with CATALOG_UNAVAILABLE (close twice is fine)', async () => {
      const s = await open(randomUUID());
      await s.close();
      await s.close();
      await rejectsWith(s.read(), ErrorCode.CATALOG_UNAVAILABLE);
      await rejectsWith(s.write(0, EMPTY_CATALOG, sampleChange(1)), ErrorCode.CATALOG_UNAVAILABLE);
      await rejectsWith(s.getBlob('0'.repeat(64)), ErrorCode.CATALOG_UNAVAILABLE);
    });
  });
}
