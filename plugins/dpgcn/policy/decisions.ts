/**
 * The policy's decision log and its reward attribution. Each recorded decision (user, state, α,
 * time) waits one attribution window for feedback: a click, add-to-cart, wishlist or purchase of
 * the user inside the window adds its weight to the reward of the user's latest decision before
 * it (last touch), capped at `maxReward`. When the window has passed the decision becomes a DDPG
 * transition: next state = the state of the user's following decision (done = false), or, when
 * there was none, the same state with done = true. No feedback within the window = reward 0.
 *
 * The seam (FusionPolicy.decide) does not see which items the feed finally showed, so feedback is
 * credited per user, not per item shown: in the gateway a user's clicks follow the feeds served.
 * Bounded: beyond `capacity` open decisions the oldest is dropped (counted, no transition). Windows
 * close in the order decisions were recorded (request order, which is data-time order on a gateway).
 */
import type { Transition } from '../../../ml/ddpg/replay';

export interface FeedbackEvent {
  readonly userId: string;
  readonly type: string;
  readonly ts: number;
}

export interface DecisionLogOptions {
  /** Attribution window in ms. Default 24 h (the experiments' default). */
  readonly windowMs?: number;
  /** Open decisions kept at most. Default 50,000. */
  readonly capacity?: number;
  /** Reward weight per event type. Default click 0.25, wishlist 0.25, add_to_cart 0.5, purchase 1. */
  readonly weights?: Readonly<Record<string, number>>;
  /** Cap of one decision's reward. Default 1. */
  readonly maxReward?: number;
}

export const DEFAULT_REWARD_WEIGHTS: Readonly<Record<string, number>> = { click: 0.25, wishlist: 0.25, add_to_cart: 0.5, purchase: 1 };

interface Open {
  readonly userId: string;
  readonly state: Float32Array;
  readonly action: number;
  readonly ts: number;
  reward: number;
  closed: boolean;
}

export interface DecisionLog {
  readonly windowMs: number;
  record(userId: string, state: Float32Array, action: number, ts: number): void;
  /** Credit feedback events; returns how many were credited to a decision. */
  attribute(events: readonly FeedbackEvent[]): number;
  /** Close every decision whose window ended by `now`; returns their transitions (oldest first). */
  close(now: number): Transition[];
  open(): number;
  dropped(): number;
}

export function createDecisionLog(o: DecisionLogOptions = {}): DecisionLog {
  const windowMs = o.windowMs ?? 24 * 3_600_000;
  const capacity = o.capacity ?? 50_000;
  const weights = o.weights ?? DEFAULT_REWARD_WEIGHTS;
  const maxReward = o.maxReward ?? 1;
  if (!(windowMs > 0) || !(capacity > 0)) throw new RangeError(`decision log: windowMs and capacity must be positive, got ${windowMs}, ${capacity}`);
  let queue: Open[] = [];
  let head = 0;
  const byUser = new Map<string, Open[]>();
  let dropped = 0;
  const detach = (d: Open): Open | undefined => {
    d.closed = true;
    const list = byUser.get(d.userId)!;
    const at = list.indexOf(d);
    list.splice(at, 1);
    if (list.length === 0) byUser.delete(d.userId);
    return list[at];
  };
  const compact = (): void => {
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };
  return {
    windowMs,
    record(userId, state, action, ts) {
      while (queue.length - head >= capacity) {
        const d = queue[head++]!;
        if (!d.closed) {
          detach(d);
          dropped++;
        }
      }
      const d: Open = { userId, state, action, ts, reward: 0, closed: false };
      queue.push(d);
      const list = byUser.get(userId);
      if (list) list.push(d);
      else byUser.set(userId, [d]);
      compact();
    },
    attribute(events) {
      let credited = 0;
      for (const e of events) {
        const w = weights[e.type];
        if (w === undefined || w === 0) continue;
        const list = byUser.get(e.userId);
        if (!list) continue;
        for (let k = list.length - 1; k >= 0; k--) {
          const d = list[k]!;
          if (d.ts > e.ts) continue;
          if (e.ts - d.ts < windowMs) {
            d.reward = Math.min(maxReward, d.reward + w);
            credited++;
          }
          break;
        }
      }
      return credited;
    },
    close(now) {
      const out: Transition[] = [];
      while (head < queue.length && queue[head]!.ts + windowMs <= now) {
        const d = queue[head++]!;
        if (d.closed) continue;
        const following = detach(d);
        out.push({ state: d.state, action: d.action, reward: d.reward, next: following?.state ?? d.state, done: following === undefined });
      }
      compact();
      return out;
    },
    open: () => (byUser.size === 0 ? 0 : [...byUser.values()].reduce((s, l) => s + l.length, 0)),
    dropped: () => dropped,
  };
}
