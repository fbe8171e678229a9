/**
 * The experiment store port: experiment definitions and the exposure log. One adapter today:
 * SQLite (experiments/sqlite.ts, the embedded default, also used next to Neo4j).
 */
import type { Experiment } from './model';

/** One feed served under experiments: what the user saw and what produced it. */
export interface Exposure {
  /** Unique per feed response (idempotency of the log). */
  readonly exposureId: string;
  readonly userId: string;
  readonly surface: string;
  /** ms. */
  readonly ts: number;
  /** Every experiment the request was assigned in, with its variant. */
  readonly assignments: ReadonlyArray<{ readonly experimentId: string; readonly variantKey: string }>;
  readonly strategyId: string;
  readonly strategyDigest: string;
  /** `id@version` of every scorer that answered. */
  readonly scorerVersions: readonly string[];
  readonly itemIds: readonly string[];
  /**
   * A policy-served feed (strategy `policy`, Contract B): per slot (aligned with itemIds), the
   * probability the policy gave this item at this slot given the earlier slots; null when the blend
   * was served, and on rows written before the field existed (read back as null).
   */
  readonly propensities?: readonly number[] | null;
  /** The policy that served the list (`ira/policy@3`); null when the blend was served. */
  readonly policy?: string | null;
  /** The policy's decision id (joins the row with the policy's decision log); null otherwise. */
  readonly decisionId?: string | null;
  readonly latencyMs: number;
  /** Distinct first categories / items shown, in [0, 1]. */
  readonly diversity: number;
  /** Ads exposures (surface `ads`): the query and, per slot (aligned with itemIds), the selling points shown in the title. */
  readonly ads?: AdsExposure;
}

/** What an `ads` response showed (MTL-ads): read by the MTL-ads training (adsExamplesFromStore) and the results page. */
export interface AdsExposure {
  /** The normalised query. */
  readonly query: string;
  /** The ads setting served (`ads/sp<N>`, `ads/sp<N>-np` or `ads/sp<N>-rnd`). */
  readonly setting: string;
  /** `mtl-ads/<kind>@<version>`, null when no model answered. */
  readonly modelVersion: string | null;
  /** Aligned with `itemIds`. */
  readonly slots: ReadonlyArray<{
    /** Selling points written into the title, in title-score order. */
    readonly keywords: readonly string[];
    /** True when the model's per-user scores picked them. */
    readonly personalised: boolean;
    readonly predictedCtr: number | null;
  }>;
}

export interface ExperimentStore {
  put(e: Experiment): Promise<void>;
  get(id: string): Promise<Experiment | null>;
  list(): Promise<Experiment[]>;
  /** Store exposures durably in one transaction; resolves once acknowledged (idempotent by exposureId). */
  appendExposures(rows: readonly Exposure[]): Promise<number>;
  /** Every exposure assigned in the experiment, oldest first. */
  exposures(experimentId: string): Promise<Exposure[]>;
  /** Every exposure on `surface` (in experiments or not) with from ≤ ts < to, oldest first: the MTL-ads training log reads surface `ads`. */
  exposuresOnSurface(surface: string, o?: { readonly from?: number; readonly to?: number }): Promise<Exposure[]>;
  close(): Promise<void>;
}
