/**
 * Nelder–Mead downhill simplex minimiser (Nelder & Mead 1965; the standard coefficients
 * reflection 1, expansion 2, contraction 1/2, shrink 1/2 as in Lagarias et al. 1998), with
 * restarts from the best vertex: a simplex can collapse onto a line away from the optimum, and a
 * fresh simplex around the best point is the usual cure. Deterministic.
 */

// Module-level aliases: a global lookup per call is slow inside vm contexts (jest) and these run in tight loops.
const { abs, max } = Math;

export interface NelderMeadOptions {
  /** Edge length of the initial simplex along each axis (also used on restart). Default 0.5. */
  readonly step?: number;
  /** Stop when objective values over the simplex span less than this (absolute). Default 1e-12. */
  readonly fTolerance?: number;
  /** ...and every vertex lies within this distance of the best one on every axis. Default 1e-9. */
  readonly xTolerance?: number;
  /** Upper bound on objective evaluations over all restarts. Default 20,000. */
  readonly maxEvaluations?: number;
  /** Restarts after convergence; stops early when a restart improves by < fTolerance. Default 3. */
  readonly restarts?: number;
}

export interface NelderMeadResult {
  /** Best point found. */
  readonly x: Float64Array;
  /** Objective at `x`. */
  readonly value: number;
  readonly evaluations: number;
  readonly iterations: number;
  /** False when `maxEvaluations` ran out before the tolerances were met. */
  readonly converged: boolean;
}

interface Vertex {
  x: Float64Array;
  f: number;
}

/**
 * Minimise `f` from `start`. Non-finite objective values count as +Infinity, so a region where
 * the objective is undefined simply repels the simplex.
 */
export function nelderMead(f: (x: Float64Array) => number, start: ArrayLike<number>, opts: NelderMeadOptions = {}): NelderMeadResult {
  const step = opts.step ?? 0.5;
  const fTol = opts.fTolerance ?? 1e-12;
  const xTol = opts.xTolerance ?? 1e-9;
  const maxEval = opts.maxEvaluations ?? 20_000;
  const restarts = opts.restarts ?? 3;
  const d = start.length;
  if (d === 0) throw new RangeError('nelderMead: empty start point');
  if (!(step > 0)) throw new RangeError(`nelderMead: step must be > 0, got ${step}`);
  let evaluations = 0;
  let iterations = 0;
  const evaluate = (x: Float64Array): number => {
    evaluations += 1;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const vertex = (x: Float64Array): Vertex => ({ x, f: evaluate(x) });
  /** p + t·(q − p) */
  const along = (p: Float64Array, q: Float64Array, t: number): Float64Array => p.map((pi, i) => pi + t * (q[i]! - pi));

  let best = vertex(Float64Array.from(start));
  let converged = false;
  for (let round = 0; round <= restarts; round++) {
    const simplex: Vertex[] = [best];
    for (let i = 0; i < d; i++) {
      const x = Float64Array.from(best.x);
      x[i] = x[i]! + step;
      simplex.push(vertex(x));
    }
    converged = false;
    while (evaluations < maxEval) {
      simplex.sort((u, v) => u.f - v.f);
      const lo = simplex[0]!;
      const hi = simplex[d]!;
      const spreadX = simplex.reduce((m, v) => max(m, ...v.x.map((xi, i) => abs(xi - lo.x[i]!))), 0);
      if (abs(hi.f - lo.f) <= fTol && spreadX <= xTol) {
        converged = true;
        break;
      }
      iterations += 1;
      const centroid = new Float64Array(d);
      for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) centroid[i] = centroid[i]! + simplex[k]!.x[i]! / d;
      const second = simplex[d - 1]!;
      const refl = vertex(along(centroid, hi.x, -1));
      if (refl.f < lo.f) {
        const exp = vertex(along(centroid, hi.x, -2));
        simplex[d] = exp.f < refl.f ? exp : refl;
        continue;
      }
      if (refl.f < second.f) {
        simplex[d] = refl;
        continue;
      }
      const outside = refl.f < hi.f;
      const con = vertex(along(centroid, hi.x, outside ? -0.5 : 0.5));
      if (con.f < (outside ? refl.f : hi.f)) {
        simplex[d] = con;
        continue;
      }
      for (let k = 1; k <= d; k++) simplex[k] = vertex(along(lo.x, simplex[k]!.x, 0.5));
    }
    simplex.sort((u, v) => u.f - v.f);
    const improved = best.f - simplex[0]!.f;
    if (simplex[0]!.f <= best.f) best = simplex[0]!;
    if (!converged || (round > 0 && improved < fTol)) break;
  }
  return { x: best.x, value: best.f, evaluations, iterations, converged };
}
