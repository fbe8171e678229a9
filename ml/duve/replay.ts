/**
 * Serving: a user's forecast and segment from the live online state (`duveUserValue`), and the
 * same answer replayed from an event log at given request times (`forecastsAt`: the state holds
 * the user's tracked events strictly before each time and is read at it; for a refresh ablation
 * the caller snaps the times to the last refresh). Pure: no I/O.
 */
import { duveDecaysPerDay, duveForecast, duveRawFeatures, duveSegment, type DuveForecast, type DuveModel, type DuveSegment } from './model';
import { createDuveReading, createDuveState, observeEvent, readDuveState, type DuveEvent, type DuveLayout, type DuveReading, type DuveStateStore } from './state';

export interface ServedForecast extends DuveForecast {
  readonly segment: DuveSegment;
}

/**
 * Forecasts at `times` (any order; aligned with it). A time before the user's first tracked event
 * gets null (no state yet). O(events · dims + times · (K + dims)) after sorting.
 */
export function forecastsAt(model: DuveModel, layout: DuveLayout, events: readonly DuveEvent[], times: readonly number[]): Array<ServedForecast | null> {
  const sorted = events.filter((e) => layout.typeIndex.has(e.type)).sort((a, b) => a.ts - b.ts);
  const order = times.map((_t, i) => i).sort((a, b) => times[a]! - times[b]!);
  const out: Array<ServedForecast | null> = times.map(() => null);
  const state = createDuveState(layout);
  const reading = createDuveReading(layout);
  const raw = new Float64Array(model.features.length);
  let fed = 0;
  for (const i of order) {
    const t = times[i]!;
    while (fed < sorted.length && sorted[fed]!.ts < t) observeEvent(layout, state, sorted[fed++]!);
    if (fed === 0) continue;
    readDuveState(layout, state, t, reading);
    const f = duveForecast(model, duveRawFeatures(model, reading, raw));
    out[i] = { ...f, segment: duveSegment(model, f, reading) };
  }
  return out;
}

/** Start of the refresh interval containing t: the time the served snapshot was computed. */
export function lastRefresh(t: number, intervalMs: number): number {
  return Math.floor(t / intervalMs) * intervalMs;
}

/** Throws RangeError unless `layout` tracks the model's types with the model's learned decays. */
export function checkDuveLayout(model: DuveModel, layout: DuveLayout): void {
  const rates = duveDecaysPerDay(model);
  const same = layout.types.length === model.types.length && model.types.every((t, k) => layout.types[k] === t && Math.abs(layout.decaysPerDay[k]! - rates[k]!) <= 1e-12 * Math.max(1, rates[k]!));
  if (!same || layout.embeddingDims !== model.embeddingDims || layout.embeddingHalfLifeDays !== model.embeddingHalfLifeDays || layout.embeddingSeed !== model.embeddingSeed) {
    throw new RangeError('DUVE: the state layout does not match the model (rebuild the states with duveLayout(model))');
  }
}

/**
 * The online answer for one user at time t (≥ the user's latest event) from a live store built
 * with `duveLayout(model)`: O(K + dims), no I/O. Null for a user the store has never seen.
 * Call `checkDuveLayout` once when the model or the store is swapped, not per request.
 */
export function duveUserValue(model: DuveModel, store: DuveStateStore, userId: string, t: number, reading: DuveReading = createDuveReading(store.layout)): ServedForecast | null {
  if (!store.read(userId, t, reading)) return null;
  const f = duveForecast(model, duveRawFeatures(model, reading));
  return { ...f, segment: duveSegment(model, f, reading) };
}
