/**
 * A log subscription as an AsyncIterator (what GraphQL subscriptions consume), with a bounded
 * queue: a consumer that falls `maxPending` accepted changes behind is ended with
 * SUBSCRIBER_TOO_SLOW after it has received what was queued, so it can resume from the last
 * cursor it got without losing anything. The queue holds references to the log's change objects
 * (shared by every subscriber), so the bound is on pointers, not copies. Backlogs are handed
 * out under a per-turn budget, so draining them never starves other work on the gateway.
 */
import { ErrorCode } from '../errors/codes';
import { CodedError } from '../errors/errors';
import type { LoggedChange, ValueChangeLog } from './port';

export interface ChangeStreamOptions {
  /** Only changes for which this is true are queued. Default: all. */
  readonly accept?: (c: LoggedChange) => boolean;
  /** Most accepted changes queued before the consumer is ended as too slow. Default 10,000. */
  readonly maxPending?: number;
}

export const DEFAULT_MAX_PENDING = 10_000;

/**
 * Queued changes handed out per event-loop turn, over all streams of the process. A socket write
 * that completes at once resumes its subscriber through microtasks, so 1,000 subscribers draining
 * a burst would otherwise hold the loop (and every HTTP request) for seconds; past this budget
 * the rest wait for the next turn. Per process on purpose: the event loop is what it protects.
 */
const TURN_BUDGET = 512;
let servedThisTurn = 0;
let resetScheduled = false;

/** Count one hand-out; true when this turn's budget is spent and the caller should defer. */
function spendTurnBudget(): boolean {
  if (!resetScheduled) {
    resetScheduled = true;
    setImmediate(() => {
      servedThisTurn = 0;
      resetScheduled = false;
    });
  }
  return ++servedThisTurn > TURN_BUDGET;
}

/** Subscribe and return the iterator; rejects as `log.subscribe` does (CURSOR_EXPIRED, ...). */
export async function openChangeStream(log: ValueChangeLog, after: string | undefined, opts: ChangeStreamOptions = {}): Promise<AsyncIterableIterator<LoggedChange>> {
  const accept = opts.accept ?? (() => true);
  const maxPending = opts.maxPending ?? DEFAULT_MAX_PENDING;
  const queue: LoggedChange[] = [];
  let head = 0;
  let waiter: { resolve: (r: IteratorResult<LoggedChange>) => void; reject: (err: Error) => void } | undefined;
  let done = false;
  let failure: Error | undefined;
  let lastQueued = after;
  let unsubscribe: (() => void) | undefined;

  const finish = (err?: Error): void => {
    if (done) return;
    done = true;
    failure = err;
    unsubscribe?.();
    if (waiter && head === queue.length) {
      const w = waiter;
      waiter = undefined;
      if (err) w.reject(err);
      else w.resolve({ value: undefined, done: true });
    }
  };

  const onChange = (c: LoggedChange): void => {
    if (done || !accept(c)) return;
    if (queue.length - head >= maxPending) {
      const resume = lastQueued === undefined ? 'subscribe again' : `resume with after: "${lastQueued}"`;
      finish(new CodedError(ErrorCode.SUBSCRIBER_TOO_SLOW, `the subscriber fell ${maxPending} changes behind; ${resume}`, { lastCursor: lastQueued ?? null }));
      return;
    }
    lastQueued = c.cursor;
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w.resolve({ value: c, done: false });
    } else {
      queue.push(c);
    }
  };

  unsubscribe = await log.subscribe(after, onChange, (err) => finish(err));
  if (done) unsubscribe(); // ended while subscribing (the log closed, or the replay overflowed)

  const iterator: AsyncIterableIterator<LoggedChange> = {
    next() {
      if (head < queue.length) {
        const value = queue[head++]!;
        if (head > 1024 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        if (!spendTurnBudget()) return Promise.resolve({ value, done: false });
        return new Promise((resolve) => setImmediate(() => resolve({ value, done: false })));
      }
      if (done) {
        const err = failure;
        failure = undefined;
        return err ? Promise.reject(err) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    return() {
      queue.length = 0;
      head = 0;
      failure = undefined;
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err?: unknown) {
      finish();
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
