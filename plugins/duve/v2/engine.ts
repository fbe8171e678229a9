/**
 * The DUVE v2 engine of one gateway: the per-user window store (ml/duve2/window-state.ts) bound to
 * one model version, serving
 * - the gateway's user values (`userValue`, `users`, value changes, `duve/purchase`) through the
 *   exported ONNX graph in an SDK ModelSession (the same `DuveEngine` surface as v1's engine, so
 *   services/user-values.ts, the refresh job and the scorer run unchanged), and
 * - Contract A (`source`: a UserValueSource, synchronous reads through the TS forward pass).
 * Both read the same state. No I/O of its own.
 *
 * UserValue fields: purchaseProbability, expectedPurchases, expectedSpend and the value from v2's
 * heads; expectedEvents from the v1 block's events head (v2 has no events head); segment by v1's
 * rules on v2's forecasts with v2's fitted thresholds; drivers = the v1-feature part of v2's
 * purchase logit per type (the attention part is not attributed to a type).
 */
import type { UserSegment, UserValue } from '../../../domain/user-value';
import { duveForecast, duveLayout, duveRawFeatures, duveSegment, type DuveModel } from '../../../ml/duve/model';
import { DAY_MS, createDuveReading, readDuveState, type DuveReading } from '../../../ml/duve/state';
import { createDuve2Window, duve2Offsets, type Duve2Model } from '../../../ml/duve2/model';
import { DUVE2_INPUTS, duve2Feeds } from '../../../ml/duve2/export';
import { createDuve2Runner } from '../../../ml/duve2/train';
import { createDuve2WindowStore, type Duve2WindowStore, type WindowEvent } from '../../../ml/duve2/window-state';
import type { ModelSession } from '../../sdk/model';
import { clipDuveFeatures, duveDrivers, type DuveEngine, type ObservedEvent } from '../engine';
import { valueReadCut, type UserValueReading, type UserValueSource } from '../value-source';

export interface Duve2EngineOptions {
  readonly model: Duve2Model;
  readonly version: number;
  /** The exported graph (value.onnx); optional for a TS-only source (no gateway values then). */
  readonly session?: ModelSession;
  readonly clock?: () => number;
  /** Events kept beyond the window for reads as of a refresh boundary. Default 32. */
  readonly slack?: number;
  /** Source id. Default 'v2' ('v2-nodecay' / 'v2-shared' for those decay modes). */
  readonly id?: string;
  /** Rows per ONNX call. Default 1024. */
  readonly batchSize?: number;
}

export interface Duve2Engine extends DuveEngine {
  readonly v2: Duve2Model;
  readonly store: Duve2WindowStore;
  readonly source: UserValueSource;
}

export function createDuve2Engine(o: Duve2EngineOptions): Duve2Engine {
  const m = o.model;
  const layout = duveLayout(m.v1);
  const store = createDuve2WindowStore(layout, { window: m.dims.window, ...(o.slack !== undefined ? { slack: o.slack } : {}) });
  const runner = createDuve2Runner(m);
  const off = duve2Offsets(m.dims, m.types.length, m.v1.features.length, m.decayMode);
  const F = off.F;
  const W = m.dims.window;
  const clock = o.clock ?? Date.now;
  const modelVersion = `duve2/value@${o.version}`;
  const horizonDays = m.horizonMs / DAY_MS;
  const valueUnit = m.segments.valueScore;
  const batchSize = o.batchSize ?? 1024;
  // v1's rules and drivers, applied with v2's thresholds and v2's weights on the v1 features.
  const segModel: DuveModel = { ...m.v1, segments: m.segments, hasSpend: m.hasSpend };
  const driverWeights = new Float64Array(m.v1.weights.length);
  for (let j = 0; j < F; j++) driverWeights[j] = m.params[off.W + m.dims.stateDims + j]!;
  const driverModel: DuveModel = { ...m.v1, weights: driverWeights };
  const session = o.session ?? null;
  if (session !== null) for (const name of DUVE2_INPUTS) if (!session.inputNames.includes(name)) throw new Error(`DUVE v2: the model session lacks input ${name}`);
  let newest = 0;
  const dataTime = (): number => (newest > 0 ? Math.min(newest, clock()) : clock());
  const events: WindowEvent[] = [];

  /** The window, raw (clipped) v1 features and reading of a user as of a cut; null when none. */
  function prepare(userId: string, t: number, cut: number, inclusive: boolean): { win: ReturnType<typeof createDuve2Window>; raw: Float64Array; reading: DuveReading } | null {
    const s = store.asOf(userId, cut, inclusive, W, events);
    if (s === null) return null;
    const reading = readDuveState(layout, s.v1, Math.max(t, s.lastTs), createDuveReading(layout));
    const raw = clipDuveFeatures(m.v1, duveRawFeatures(m.v1, reading, new Float64Array(F)));
    const win = runner.fillWindow(events, events.length, reading.t, createDuve2Window(m.dims));
    return { win, raw, reading };
  }

  const source: UserValueSource = {
    id: o.id ?? (m.decayMode === 'none' ? 'v2-nodecay' : m.decayMode === 'shared' ? 'v2-shared' : 'v2'),
    stateDim: m.dims.stateDims,
    read(userId, at, opts): UserValueReading | null {
      const { t, cut, inclusive } = valueReadCut(at, opts);
      const p = prepare(userId, t, cut, inclusive);
      if (p === null) return null;
      const f = Float64Array.from(p.raw, (x, j) => (x - m.v1.featureMean[j]!) / m.v1.featureStd[j]!);
      const r = runner.predict(p.win, f);
      return { purchaseProb: r.pPurchase, value: r.value, horizonDays, state: r.state, version: modelVersion };
    },
    observe(e) {
      if (store.observe(e.userId, e) && e.ts > newest) newest = e.ts;
    },
  };

  async function values(ids: Iterable<string>, at?: number): Promise<Map<string, UserValue>> {
    if (session === null) throw new Error('DUVE v2 engine: no model session (TS-only source)');
    const t = at ?? dataTime();
    const out = new Map<string, UserValue>();
    let chunk: Array<{ id: string; win: ReturnType<typeof createDuve2Window>; raw: Float64Array; reading: DuveReading }> = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const rows = chunk;
      chunk = [];
      const res = await session.run(duve2Feeds(m, rows));
      const p = res['p_purchase']!.data;
      const purchases = res['expected_purchases']!.data;
      const spend = res['expected_spend']!.data;
      rows.forEach((row, r) => {
        const v1f = duveForecast(m.v1, row.raw);
        const f = { pPurchase: p[r]!, expectedPurchases: purchases[r]!, expectedEvents: v1f.expectedEvents, expectedSpend: spend[r]! };
        const segment: UserSegment = duveSegment(segModel, f, row.reading);
        out.set(row.id, {
          userId: row.id,
          value: valueUnit === 'spend' ? f.expectedSpend : f.expectedPurchases,
          valueUnit,
          expectedSpend: f.expectedSpend,
          expectedPurchases: f.expectedPurchases,
          expectedEvents: f.expectedEvents,
          purchaseProbability: f.pPurchase,
          horizonDays,
          segment,
          drivers: duveDrivers(driverModel, row.reading, row.raw),
          modelVersion,
          asOf: row.reading.t,
          lastEventAt: row.reading.lastTs,
        });
      });
    };
    for (const id of ids) {
      const s = store.get(id);
      if (s === undefined) continue;
      // Never read a user before their newest event (as v1's engine).
      const tt = Math.max(t, s.v1[1]!);
      const row = prepare(id, tt, tt, true);
      if (row === null) continue;
      chunk.push({ id, ...row });
      if (chunk.length >= batchSize) await flush();
    }
    await flush();
    return out;
  }

  const engine: Duve2Engine = {
    model: segModel,
    v2: m,
    layout,
    store,
    source,
    modelVersion,
    horizonDays,
    valueUnit,
    get userCount() {
      return store.size;
    },
    dataTime,
    get session(): ModelSession {
      if (session === null) throw new Error('DUVE v2 engine: no model session (TS-only source)');
      return session;
    },
    observe(evs: Iterable<ObservedEvent>) {
      const touched = new Set<string>();
      for (const e of evs) {
        if (store.observe(e.userId, e)) {
          touched.add(e.userId);
          if (e.ts > newest) newest = e.ts;
        }
      }
      return touched;
    },
    values,
    userIds: () => store.userIds(),
  };
  return engine;
}
