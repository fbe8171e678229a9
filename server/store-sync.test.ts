import pino from 'pino';
import type { InteractionEvent } from '../domain/events';
import type { ExternalChanges, GraphStore } from '../graph/port';
import { startStoreSync } from './store-sync';

const logger = pino({ level: 'silent' });

function ev(id: string): InteractionEvent {
  return { eventId: id, userId: 'u', type: 'view', itemId: 'i', ts: 1, value: 0, dwellMs: null, session: null, referrer: null, query: null };
}

/** A store whose syncExternal serves `pending` events, at most maxRows per call, busy for `msPerRow` each. */
function fakeStore(opts: { msPerRow?: number; failFirst?: boolean } = {}) {
  const pending: InteractionEvent[] = [];
  const budgets: number[] = [];
  let fail = opts.failFirst ?? false;
  const store = {
    kind: 'embedded',
    async syncExternal(maxRows: number): Promise<ExternalChanges> {
      budgets.push(maxRows);
      if (fail) {
        fail = false;
        throw new Error('disk on fire');
      }
      const events = pending.splice(0, maxRows);
      const until = performance.now() + events.length * (opts.msPerRow ?? 0);
      while (performance.now() < until) {
        // Busy: what applying rows does to the event loop.
      }
      return { events, applied: { users: 0, items: 0, queries: 0, events: events.length }, more: pending.length > 0 };
    },
  } as unknown as GraphStore;
  return { store, pending, budgets };
}

describe('startStoreSync', () => {
  it('returns null for a store without syncExternal (Neo4j)', () => {
    const store = { kind: 'neo4j' } as unknown as GraphStore;
    expect(startStoreSync({ store, everyMs: 100, onEvents: async () => undefined, logger })).toBeNull();
  });

  it('refuses a non-positive period', () => {
    expect(() => startStoreSync({ store: fakeStore().store, everyMs: 0, onEvents: async () => undefined, logger })).toThrow(RangeError);
  });

  it('hands every event over in order, slice by slice, yielding to the event loop between slices', async () => {
    const f = fakeStore();
    for (let k = 0; k < 1200; k++) f.pending.push(ev(`e${k}`));
    const seen: string[] = [];
    // Another task on the loop: counts the loop turns it gets.
    let ticks = 0;
    let ticking = true;
    const tick = (): void => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const ticksAtSlice: number[] = [];
    const sync = startStoreSync({
      store: f.store,
      everyMs: 60_000,
      onEvents: async (events) => {
        ticksAtSlice.push(ticks);
        seen.push(...events.map((e) => e.eventId));
      },
      logger,
    })!;
    await sync.poll();
    ticking = false;
    await sync.stop();
    expect(seen).toEqual(Array.from({ length: 1200 }, (_, k) => `e${k}`));
    expect(f.budgets.length).toBeGreaterThan(1);
    // Timers ran between slices: the poll did not hold the loop from the first slice to the last.
    expect(ticksAtSlice[ticksAtSlice.length - 1]).toBeGreaterThan(ticksAtSlice[0] as number);
    expect(sync.status()).toMatchObject({ polls: 1, applied: { events: 1200 }, lastError: null });
    expect(sync.status().lastCatchUpMs).not.toBeNull();
  });

  it('shrinks the row budget when slices run long', async () => {
    const f = fakeStore({ msPerRow: 0.2 }); // 500 rows = 100 ms, ten times the 10 ms target
    for (let k = 0; k < 700; k++) f.pending.push(ev(`e${k}`));
    const sync = startStoreSync({ store: f.store, everyMs: 60_000, onEvents: async () => undefined, logger })!;
    await sync.poll();
    await sync.stop();
    expect(f.budgets[0]).toBe(500);
    expect(f.budgets[1]).toBeLessThanOrEqual(100);
    expect(sync.status().longestSliceMs).toBeGreaterThanOrEqual(90);
  });

  it('polls every period on its own, reports a failure and recovers at the next poll', async () => {
    const f = fakeStore({ failFirst: true });
    f.pending.push(ev('a'), ev('b'));
    const seen: string[] = [];
    const sync = startStoreSync({ store: f.store, everyMs: 20, onEvents: async (events) => void seen.push(...events.map((e) => e.eventId)), logger })!;
    const deadline = Date.now() + 5000;
    while (sync.status().polls < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(sync.status().lastError).toBe('disk on fire');
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(['a', 'b']);
    expect(sync.status().lastError).toBeNull();
    await sync.stop();
    const polls = sync.status().polls;
    await new Promise((r) => setTimeout(r, 60));
    expect(sync.status().polls).toBe(polls);
  });
});
