/**
 * The subscriber registry both adapters share: one reader (the in-process append, or the Redis
 * XREAD loop) publishes each change once, and every subscriber gets it exactly once, in order.
 *
 * Gap- and duplicate-free hand-over from replay to live: a subscriber is registered *before* its
 * replay is read, so live changes published meanwhile are held; `goLive` then flushes them. Each
 * subscriber remembers the last cursor it got and skips anything at or before it, so a change
 * both replayed and held is delivered once.
 */
import { compareCursors, type Cursor } from './cursor';
import type { ChangeListener, EndListener, LoggedChange } from './port';

/** A change with its parsed cursor (parsed once per change, not once per subscriber). */
export interface Entry {
  readonly at: Cursor;
  readonly c: LoggedChange;
}

export interface FanoutSubscriber {
  /** Last cursor delivered (or the start position). */
  readonly position: Cursor;
}

interface Sub extends FanoutSubscriber {
  position: Cursor;
  held: Entry[] | null;
  active: boolean;
  readonly onChange: ChangeListener;
  readonly onEnd: EndListener | undefined;
}

export interface Fanout {
  readonly size: number;
  /** Register a subscriber at `position`, holding live changes until `goLive`. */
  add(position: Cursor, onChange: ChangeListener, onEnd?: EndListener): FanoutSubscriber;
  /** Deliver a replayed change to one subscriber. */
  replay(sub: FanoutSubscriber, e: Entry): void;
  /** Flush what was held during the replay, then deliver live. */
  goLive(sub: FanoutSubscriber): void;
  /** Deliver a live change to every subscriber. */
  publish(e: Entry): void;
  /** Unsubscribe (no onEnd). Idempotent. */
  remove(sub: FanoutSubscriber): void;
  /** End one subscription with onEnd(err). */
  end(sub: FanoutSubscriber, err?: Error): void;
  /** End every subscription with onEnd(err). */
  endAll(err?: Error): void;
}

export function createFanout(): Fanout {
  const subs = new Set<Sub>();

  const end = (sub: Sub, err?: Error): void => {
    if (!sub.active) return;
    sub.active = false;
    subs.delete(sub);
    sub.held = null;
    sub.onEnd?.(err);
  };

  const deliver = (sub: Sub, e: Entry): void => {
    if (!sub.active || compareCursors(e.at, sub.position) <= 0) return;
    sub.position = e.at;
    try {
      sub.onChange(e.c);
    } catch (err) {
      end(sub, err instanceof Error ? err : new Error(String(err)));
    }
  };

  return {
    get size() {
      return subs.size;
    },
    add(position, onChange, onEnd) {
      const sub: Sub = { position, held: [], active: true, onChange, onEnd };
      subs.add(sub);
      return sub;
    },
    replay(sub, e) {
      deliver(sub as Sub, e);
    },
    goLive(handle) {
      const sub = handle as Sub;
      while (sub.active && sub.held && sub.held.length > 0) {
        const batch = sub.held;
        sub.held = [];
        for (const e of batch) deliver(sub, e);
      }
      if (sub.active) sub.held = null;
    },
    publish(e) {
      for (const sub of subs) {
        if (sub.held) sub.held.push(e);
        else deliver(sub, e);
      }
    },
    remove(handle) {
      const sub = handle as Sub;
      sub.active = false;
      sub.held = null;
      subs.delete(sub);
    },
    end(handle, err) {
      end(handle as Sub, err);
    },
    endAll(err) {
      for (const sub of [...subs]) end(sub, err);
    },
  };
}
