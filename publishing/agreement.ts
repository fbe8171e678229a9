/**
 * Agreement of shadow scorers with what was served, aggregated per scorer version and serving
 * strategy on this instance (since it started or since the version entered shadow here), and
 * exported to Prometheus (which sums across instances):
 * recgate_shadow_requests_total{scorer,version,strategy,outcome},
 * recgate_shadow_rank_correlation{...} and recgate_shadow_topn_overlap{...} histograms.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import semver from 'semver';
import type { ShadowObservation } from '../pipeline/shadow';

/** The agreement of one scorer version against one serving strategy. */
export interface AgreementStats {
  readonly scorerId: string;
  readonly version: string;
  readonly strategyId: string;
  /** Shadowed requests (answered or not). */
  readonly requests: number;
  /** Requests on which the shadow scorer gave no usable answer, by code. */
  readonly failures: Readonly<Record<string, number>>;
  /** Mean Spearman correlation with the served blend, over the requests where it is defined; null before one. */
  readonly meanRankCorrelation: number | null;
  /** Mean top-N overlap with the served items; null before one. */
  readonly meanTopNOverlap: number | null;
  /** Shadow scorer latency percentiles over the last 1,000 requests (ms); null before one. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

export interface AgreementRecorder {
  record(o: ShadowObservation): void;
  /** Stats of every scorer version seen (optionally one id), ordered by id, version, strategy. */
  stats(scorerId?: string): AgreementStats[];
}

const WINDOW = 1000;

interface Acc {
  requests: number;
  failures: Record<string, number>;
  corrSum: number;
  corrN: number;
  overlapSum: number;
  overlapN: number;
  latency: number[];
  next: number;
}

/** Nearest-rank percentile (as bench/stats.ts): the smallest value with at least q of the samples at or below it. */
function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function createAgreementRecorder(registry?: Registry): AgreementRecorder {
  const accs = new Map<string, { key: { scorerId: string; version: string; strategyId: string }; acc: Acc }>();
  const registers = registry ? [registry] : [];
  const labelNames = ['scorer', 'version', 'strategy'] as const;
  const requests = new Counter({ name: 'recgate_shadow_requests_total', help: 'Shadow-scored requests by outcome (ok or the code)', labelNames: [...labelNames, 'outcome'], registers });
  const corr = new Histogram({
    name: 'recgate_shadow_rank_correlation',
    help: 'Spearman correlation of a shadow scorer with the served blend, per request',
    labelNames,
    buckets: [-0.5, 0, 0.25, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1],
    registers,
  });
  const overlap = new Histogram({
    name: 'recgate_shadow_topn_overlap',
    help: "Share of the served items in a shadow scorer's top N, per request",
    labelNames,
    buckets: [0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1],
    registers,
  });
  return {
    record(o) {
      const k = `${o.scorerId}\u0000${o.version}\u0000${o.strategyId}`;
      let e = accs.get(k);
      if (!e) {
        e = { key: { scorerId: o.scorerId, version: o.version, strategyId: o.strategyId }, acc: { requests: 0, failures: {}, corrSum: 0, corrN: 0, overlapSum: 0, overlapN: 0, latency: [], next: 0 } };
        accs.set(k, e);
      }
      const a = e.acc;
      const labels = { scorer: o.scorerId, version: o.version, strategy: o.strategyId };
      a.requests++;
      requests.inc({ ...labels, outcome: o.ok ? 'ok' : (o.code ?? 'failed') });
      if (!o.ok) a.failures[o.code ?? 'failed'] = (a.failures[o.code ?? 'failed'] ?? 0) + 1;
      if (o.rankCorrelation !== null) {
        a.corrSum += o.rankCorrelation;
        a.corrN++;
        corr.observe(labels, o.rankCorrelation);
      }
      if (o.topNOverlap !== null) {
        a.overlapSum += o.topNOverlap;
        a.overlapN++;
        overlap.observe(labels, o.topNOverlap);
      }
      if (a.latency.length < WINDOW) a.latency.push(o.ms);
      else a.latency[a.next] = o.ms;
      a.next = (a.next + 1) % WINDOW;
    },
    stats(scorerId) {
      return [...accs.values()]
        .filter((e) => scorerId === undefined || e.key.scorerId === scorerId)
        .map(({ key, acc }) => {
          const sorted = [...acc.latency].sort((x, y) => x - y);
          return {
            ...key,
            requests: acc.requests,
            failures: { ...acc.failures },
            meanRankCorrelation: acc.corrN === 0 ? null : acc.corrSum / acc.corrN,
            meanTopNOverlap: acc.overlapN === 0 ? null : acc.overlapSum / acc.overlapN,
            p50Ms: percentile(sorted, 0.5),
            p95Ms: percentile(sorted, 0.95),
          };
        })
        .sort(
          (a, b) =>
            a.scorerId.localeCompare(b.scorerId) ||
            (semver.valid(a.version) && semver.valid(b.version) ? semver.compare(a.version, b.version) : a.version.localeCompare(b.version)) ||
            a.strategyId.localeCompare(b.strategyId),
        );
    },
  };
}
