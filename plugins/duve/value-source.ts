/**
 * A user's long-term value as other components read it (IRA's reward and state, the simulator):
 * Contract A of the session plan. Two implementations: DUVE v2 (plugins/duve/v2/index.ts,
 * id 'v2' / 'v2-nodecay' / 'v2-shared') and DUVE v1 (`createDuveV1ValueSource` here, id 'v1'), so
 * consumers can compare them on the same events.
 *
 * Reads are synchronous and use the TS forward pass (float64); the gateway's GraphQL path runs the
 * same models through onnxruntime (the export tests hold the two within 1e-4).
 */
import type { EventType } from '../../domain/events';
import { duveForecast, duveLayout, duveRawFeatures, valueScore, type DuveModel } from '../../ml/duve/model';
import { DAY_MS, createDuveReading, readDuveState } from '../../ml/duve/state';
import { createDuve2WindowStore, type Duve2WindowStore, type WindowEvent } from '../../ml/duve2/window-state';
import { clipDuveFeatures } from './engine';

export interface UserValueReading {
  readonly purchaseProb: number; // P(≥1 purchase within the model horizon)
  readonly value: number; // expected spend within the horizon (the long-term value v_long)
  readonly horizonDays: number;
  readonly state: Float32Array; // fixed length stateDim: the model's pooled user state (for IRA's Q-network input)
  readonly version: string; // e.g. 'duve2/value@3'
}
export interface UserValueSource {
  readonly stateDim: number;
  readonly id: string; // e.g. 'v2' or 'v2-nodecay' or 'v1'
  /** The user's value as of `at` (ms). With refreshMinutes: as of the last refresh boundary
   *  r = floor(at / (refreshMinutes·60000))·refreshMinutes·60000 (events before r only). null for a user with no events. */
  read(userId: string, at: number, o?: { readonly refreshMinutes?: number }): UserValueReading | null;
  /** The online path: fold one stored event (called by the gateway's ingest hook). */
  observe(e: { userId: string; type: EventType; itemId: string | null; ts: number; value: number }): void;
}

/**
 * The read time and cut of a read: without refreshMinutes, events with ts ≤ at, read at `at`;
 * with it, events with ts < r, read at r (the boundary). Throws RangeError naming the field.
 */
export function valueReadCut(at: number, o?: { readonly refreshMinutes?: number }): { t: number; cut: number; inclusive: boolean } {
  if (!Number.isFinite(at)) throw new RangeError(`at: must be a finite time in ms, got ${at}`);
  const m = o?.refreshMinutes;
  if (m === undefined) return { t: at, cut: at, inclusive: true };
  if (!(Number.isFinite(m) && m > 0)) throw new RangeError(`refreshMinutes: must be > 0, got ${m}`);
  const period = m * 60_000;
  const r = Math.floor(at / period) * period;
  return { t: r, cut: r, inclusive: false };
}

/**
 * DUVE v1 as a UserValueSource (id 'v1'): the O(1) decayed-sum state, with a small ring of the
 * latest events so a read can be taken as of a refresh boundary (ml/duve2/window-state.ts).
 * value = E[spend] when the model has money, else E[purchases] (v1's value score); state = the
 * standardised, clipped v1 features (the value head's input).
 */
export function createDuveV1ValueSource(model: DuveModel, version: number | string, o: { readonly slack?: number; readonly id?: string } = {}): UserValueSource & { readonly store: Duve2WindowStore } {
  const layout = duveLayout(model);
  const store = createDuve2WindowStore(layout, { window: 0, slack: o.slack ?? 64 });
  const F = model.features.length;
  const reading = createDuveReading(layout);
  const raw = new Float64Array(F);
  const none: WindowEvent[] = [];
  const name = typeof version === 'number' ? `duve/value@${version}` : version;
  return {
    id: o.id ?? 'v1',
    stateDim: F,
    store,
    read(userId, at, opts) {
      const { t, cut, inclusive } = valueReadCut(at, opts);
      const s = store.asOf(userId, cut, inclusive, 0, none);
      if (s === null) return null;
      readDuveState(layout, s.v1, Math.max(t, s.lastTs), reading);
      clipDuveFeatures(model, duveRawFeatures(model, reading, raw));
      const f = duveForecast(model, raw);
      return {
        purchaseProb: f.pPurchase,
        value: valueScore(model, f),
        horizonDays: model.horizonMs / DAY_MS,
        state: Float32Array.from(raw, (x, j) => (x - model.featureMean[j]!) / model.featureStd[j]!),
        version: name,
      };
    },
    observe(e) {
      store.observe(e.userId, e);
    },
  };
}

/**
 * A source that always reads through `current()` (e.g. the served engine's, which a refresh
 * replaces). `observe` is a no-op: the owner of the current source feeds it.
 */
export function followingSource(current: () => UserValueSource): UserValueSource {
  return {
    get id() {
      return current().id;
    },
    get stateDim() {
      return current().stateDim;
    },
    read: (userId, at, o) => current().read(userId, at, o),
    observe: () => {},
  };
}
