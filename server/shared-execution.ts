/**
 * Subscription execution that runs each event once per *shape* instead of once per subscriber.
 *
 * graphql-js executes the selection set for every subscriber and every event. With 1,000
 * partners on the same query, that is 1,000 identical executions per value change (and most of
 * the fan-out's CPU and garbage). Here the result is cached per event for a shape key (the
 * operation text, its variables and whatever else the result depends on, e.g. the partner's
 * entitlements) and shared by every subscriber of that shape; graphql-ws serialises it per socket.
 *
 * Sound only when a subscription's result depends on nothing but the event, the operation and
 * what the key captures: true of `userValueChanged` (the resolver reads the event and
 * `ctx.partner`). Events must be shared objects (the value-change log hands every subscriber the
 * same LoggedChange), since they are the cache key.
 */
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';

export interface SharedSubscribeOptions {
  /** The shape of an operation: executions are shared between operations with equal keys; undefined: not shared. */
  readonly shapeKey: (args: ExecutionArgs) => string | undefined;
  /** Events whose results are kept (the oldest is dropped first). Default 1,024. */
  readonly cachedEvents?: number;
}

type Result = ExecutionResult | Promise<ExecutionResult>;

export function createSharedSubscribe(opts: SharedSubscribeOptions): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const limit = opts.cachedEvents ?? 1_024;
  // event -> shape -> result; a Map keeps insertion order, so the oldest event is evicted first.
  const cache = new Map<object, Map<string, Result>>();

  const resultFor = (event: unknown, shape: string | undefined, args: ExecutionArgs): Result => {
    if (shape === undefined || typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let byShape = cache.get(event);
    if (!byShape) {
      byShape = new Map();
      cache.set(event, byShape);
      if (cache.size > limit) cache.delete(cache.keys().next().value!);
    }
    let result = byShape.get(shape);
    if (!result) {
      result = execute({ ...args, rootValue: event });
      byShape.set(shape, result);
    }
    return result;
  };

  return async (args) => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in Object(stream))) return stream as ExecutionResult;
    const source = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const shape = opts.shapeKey(args);
    const close = async (): Promise<void> => {
      await source.return?.();
    };
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        try {
          return { value: await resultFor(r.value, shape, args), done: false };
        } catch (err) {
          await close();
          throw err;
        }
      },
      async return() {
        await close();
        return { value: undefined, done: true };
      },
      async throw(err?: unknown) {
        await close();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  };
}
