/**
 * Child process of bench/fanout.ts: opens N graphql-ws partner connections (one socket and one
 * `userValueChanged` subscription each) and records when each change reached each subscriber.
 * Talks to the parent over IPC:
 *   parent -> child  { type: 'start', url, apiKey, subscribers }
 *   child  -> parent { type: 'connected' }        every socket is acknowledged (subscriptions sent)
 *   child  -> parent { type: 'ready' }            every subscriber has received a warm-up change
 *   parent -> child  { type: 'sent', sent: { id, at }[] }   after the last measured append
 *   child  -> parent { type: 'result', ... }      latencies computed against the send times
 * Times are `performance.timeOrigin + performance.now()` (wall clock, sub-ms) in both processes.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { rssMiB, summarise, type LatencySummary } from './stats';

const QUERY = `subscription { userValueChanged {
  cursor userId segment previousSegment value previousValue delta purchaseProbability modelVersion reason asOf loggedAt } }`;

const now = (): number => performance.timeOrigin + performance.now();

export interface FanoutClientResult {
  readonly type: 'result';
  /** Append -> receive over every (change, subscriber) delivery, ms. */
  readonly latencyMs: LatencySummary;
  /** Per change: append -> the last subscriber received it, ms. */
  readonly timeToLastMs: LatencySummary;
  readonly deliveries: number;
  readonly missing: number;
  /** Deliveries whose cursor did not increase on that subscriber (must be 0). */
  readonly outOfOrder: number;
  /** First send -> last receive, ms. */
  readonly spanMs: number;
  readonly errors: string[];
  readonly clientRssMiB: number;
}

interface Start {
  type: 'start';
  url: string;
  apiKey: string;
  subscribers: number;
}
interface Sent {
  type: 'sent';
  sent: { id: string; at: number }[];
}

function cursorKey(c: string): [number, number] {
  const [ms, seq] = c.split('-').map(Number);
  return [ms ?? 0, seq ?? 0];
}

async function main(start: Start): Promise<void> {
  const n = start.subscribers;
  const received = new Map<string, Float64Array>();
  const warm = new Uint8Array(n);
  const last: [number, number][] = Array.from({ length: n }, () => [0, 0]);
  let warmCount = 0;
  let outOfOrder = 0;
  let deliveries = 0;
  let readySent = false;
  const errors: string[] = [];
  const clients: Client[] = [];
  let onDelivery = (): void => undefined;
  let counted = 0;
  let connected = 0;

  for (let s = 0; s < n; s++) {
    const client = createClient({
      url: start.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: start.apiKey },
      retryAttempts: 0,
      lazy: true,
      on: {
        connected: () => {
          if (++connected === n) process.send?.({ type: 'connected' });
        },
      },
    });
    clients.push(client);
    client.subscribe<{ userValueChanged: { cursor: string; userId: string } }>(
      { query: QUERY },
      {
        next: (r) => {
          const at = now();
          const c = r.data?.userValueChanged;
          if (!c) {
            if (errors.length < 10) errors.push(JSON.stringify(r.errors));
            return;
          }
          const k = cursorKey(c.cursor);
          const prev = last[s]!;
          if (k[0] < prev[0] || (k[0] === prev[0] && k[1] <= prev[1])) outOfOrder++;
          last[s] = k;
          if (c.userId.startsWith('warmup')) {
            if (!warm[s]) {
              warm[s] = 1;
              warmCount++;
              if (warmCount === n && !readySent) {
                readySent = true;
                process.send?.({ type: 'ready' });
              }
            }
            return;
          }
          let times = received.get(c.userId);
          if (!times) received.set(c.userId, (times = new Float64Array(n).fill(Number.NaN)));
          times[s] = at;
          deliveries++;
          onDelivery();
        },
        error: (e) => void (errors.length < 10 && errors.push(String((e as { code?: number }).code ?? e))),
        complete: () => undefined,
      },
    );
  }

  const measure = async (sent: Sent): Promise<FanoutClientResult> => {
    // Phases run one after another: this phase is complete when the running total reaches its share.
    const target = counted + sent.sent.length * n;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 120_000);
      onDelivery = () => {
        if (deliveries >= target) {
          clearTimeout(timer);
          resolve();
        }
      };
      onDelivery();
    });
    counted = deliveries;
    onDelivery = () => undefined;
    const latencies: number[] = [];
    const toLast: number[] = [];
    let missing = 0;
    let lastReceive = 0;
    for (const { id, at } of sent.sent) {
      const times = received.get(id);
      let max = Number.NaN;
      for (let s = 0; s < n; s++) {
        const t = times?.[s] ?? Number.NaN;
        if (Number.isNaN(t)) {
          missing++;
          continue;
        }
        latencies.push(t - at);
        if (!(t - at <= max)) max = t - at;
        if (t > lastReceive) lastReceive = t;
      }
      if (!Number.isNaN(max)) toLast.push(max);
    }
    return {
      type: 'result',
      latencyMs: summarise(latencies),
      timeToLastMs: summarise(toLast),
      deliveries: latencies.length,
      missing,
      outOfOrder,
      spanMs: Math.round((lastReceive - (sent.sent[0]?.at ?? lastReceive)) * 1000) / 1000,
      errors: [...errors],
      clientRssMiB: rssMiB(),
    };
  };

  // One phase per 'sent' message; 'stop' closes every connection and exits.
  for (;;) {
    const m = await new Promise<Sent | { type: 'stop' }>((resolve) => process.once('message', resolve));
    if (m.type === 'stop') break;
    process.send?.(await measure(m));
  }
  await Promise.all(clients.map((c) => c.dispose()));
  process.disconnect?.();
}

process.once('message', (m: Start) => {
  main(m).catch((err: unknown) => {
    process.stderr.write(`fanout-clients: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
});
