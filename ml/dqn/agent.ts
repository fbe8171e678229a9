/**
 * A Q-network over candidate rows with experience replay, a target network and double-DQN targets
 * (van Hasselt, Guez & Silver 2016), for slate decisions. The network (ml/ddpg/mlp.ts: tanh hidden
 * layers, linear output) maps one row φ(s, a), the user/context/candidate features of
 * plugins/ira/features.ts, to Q(s, a). A transition is one shown slot (replay.ts); its target is
 *
 *   y = r + γ · Q_target(s', argmax_{a' ∈ pool(s')} Q_online(s', a'))     (double DQN)
 *   y = r                                                                 (terminal: no next decision)
 *
 * (`double: false` gives the plain DQN target r + γ · max_a' Q_target(s', a'), kept for comparison).
 * One update: a minibatch regression of Q_online(x) to y (mean squared error, or Huber with `huber`),
 * Adam on the online weights, then the target follows: Polyak θ' ← τθ + (1 − τ)θ' after every
 * update, or a full copy every `every` updates. The target y is held fixed in the gradient
 * (semi-gradient); the argmax is piecewise constant, so away from ties ∂loss/∂θ is exact.
 */
import { createAdam, type Adam } from '../gcn/adam';
import { cloneMlp, createMlp, mlpBackward, mlpForward, mlpOutput, softUpdate, type Mlp } from '../ddpg/mlp';
import { mulberry32 } from '../random';
import type { DqnMinibatch } from './replay';

export type TargetUpdate = { readonly kind: 'polyak'; readonly tau: number } | { readonly kind: 'periodic'; readonly every: number };

export interface DqnSettings {
  /** Feature row width. Required. */
  readonly dim: number;
  /** Hidden layer widths. Default [32, 32]. */
  readonly hidden?: readonly number[];
  /** Discount γ_disc between a decision and the user's next one. Default 0.5. */
  readonly gamma?: number;
  /** Adam step. Default 1e-3. */
  readonly lr?: number;
  /** How the target network follows. Default Polyak with τ = 0.01. */
  readonly target?: TargetUpdate;
  /** Double-DQN targets (default) or plain max targets. Default true. */
  readonly double?: boolean;
  /** Huber threshold on the TD error; null = squared error. Default null. */
  readonly huber?: number | null;
  /** Seed of the initial weights. Default 1. */
  readonly seed?: number;
}

export interface DqnGradients {
  readonly loss: number;
  readonly grad: Float32Array;
  readonly meanQ: number;
  readonly meanTarget: number;
}

export interface DqnUpdateStats {
  readonly loss: number;
  readonly meanQ: number;
  readonly meanTarget: number;
  /** False when the loss, a Q value or a gradient went non-finite (nothing was changed then). */
  readonly finite: boolean;
}

export interface Dqn {
  readonly dim: number;
  readonly gamma: number;
  readonly online: Mlp;
  readonly target: Mlp;
  /** Q_online of `n` rows. */
  q(rows: ArrayLike<number>, n: number): Float64Array;
  /** The regression targets y of a minibatch under the current networks. */
  targets(b: DqnMinibatch): Float64Array;
  /** Loss and ∂loss/∂θ_online with y held fixed (nothing is changed). */
  gradients(b: DqnMinibatch): DqnGradients;
  update(b: DqnMinibatch): DqnUpdateStats;
  /** Copy the online weights into the target. */
  syncTarget(): void;
  /** Start online and target from given weights (a served version). */
  load(params: Float32Array): void;
  updates(): number;
}

/** Q of `n` rows under a network (serving and OPE hold only the weights). */
export function qValues(net: Mlp, rows: ArrayLike<number>, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  return mlpOutput(mlpForward(net, rows, n));
}

const allFinite = (xs: ArrayLike<number>): boolean => {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return false;
  return true;
};

export function createDqn(s: DqnSettings): Dqn {
  const hidden = s.hidden ?? [32, 32];
  const gamma = s.gamma ?? 0.5;
  const target: TargetUpdate = s.target ?? { kind: 'polyak', tau: 0.01 };
  const double = s.double ?? true;
  const huber = s.huber ?? null;
  if (!(gamma >= 0 && gamma < 1)) throw new RangeError(`dqn: gamma must be in [0, 1), got ${gamma}`);
  if (target.kind === 'polyak' && !(target.tau > 0 && target.tau <= 1)) throw new RangeError(`dqn: tau must be in (0, 1], got ${target.tau}`);
  if (target.kind === 'periodic' && !(Number.isInteger(target.every) && target.every >= 1)) throw new RangeError(`dqn: target.every must be a positive integer, got ${target.every}`);
  if (huber !== null && !(huber > 0)) throw new RangeError(`dqn: huber must be positive, got ${huber}`);
  const online = createMlp([s.dim, ...hidden, 1], mulberry32(s.seed ?? 1), 0.1);
  const tgt = cloneMlp(online);
  const adam: Adam = createAdam(online.params.length, { learningRate: s.lr ?? 1e-3 });
  const d = s.dim;
  let updates = 0;

  const targets = (b: DqnMinibatch): Float64Array => {
    const y = new Float64Array(b.size);
    // One forward over every next pool of the batch (online and target).
    let rows = 0;
    for (const p of b.next) if (p !== null) rows += p.length / d;
    const all = new Float32Array(rows * d);
    let at = 0;
    for (const p of b.next) {
      if (p === null) continue;
      all.set(p, at);
      at += p.length;
    }
    const qOn = double ? qValues(online, all, rows) : null;
    const qTg = qValues(tgt, all, rows);
    let row = 0;
    for (let k = 0; k < b.size; k++) {
      const p = b.next[k]!;
      y[k] = b.rewards[k]!;
      if (p === null) continue;
      const m = p.length / d;
      let pick = row;
      let boot = qTg[row]!;
      for (let j = row; j < row + m; j++) {
        if (qOn !== null) {
          if (qOn[j]! > qOn[pick]!) pick = j;
        } else if (qTg[j]! > boot) boot = qTg[j]!;
      }
      if (qOn !== null) boot = qTg[pick]!;
      y[k] = y[k]! + gamma * boot;
      row += m;
    }
    return y;
  };

  const gradients = (b: DqnMinibatch): DqnGradients => {
    if (b.dim !== d) throw new RangeError(`dqn: minibatch rows have ${b.dim} values, the network ${d}`);
    const y = targets(b);
    const f = mlpForward(online, b.x, b.size);
    const q = mlpOutput(f);
    const n = b.size;
    const dq = new Float64Array(n);
    let loss = 0;
    let meanQ = 0;
    let meanY = 0;
    for (let k = 0; k < n; k++) {
      const e = q[k]! - y[k]!;
      if (huber !== null && Math.abs(e) > huber) {
        loss += (huber * (Math.abs(e) - huber / 2)) / n;
        dq[k] = (huber * Math.sign(e)) / n;
      } else {
        loss += (huber !== null ? 0.5 * e * e : e * e) / n;
        dq[k] = ((huber !== null ? 1 : 2) * e) / n;
      }
      meanQ += q[k]! / n;
      meanY += y[k]! / n;
    }
    const grad = new Float32Array(online.params.length);
    mlpBackward(online, f, dq, grad);
    return { loss, grad, meanQ, meanTarget: meanY };
  };

  const syncTarget = (): void => tgt.params.set(online.params);

  return {
    dim: d,
    gamma,
    online,
    target: tgt,
    q: (rows, n) => qValues(online, rows, n),
    targets,
    gradients,
    syncTarget,
    load(params) {
      if (params.length !== online.params.length) throw new RangeError(`dqn: expected ${online.params.length} parameters, got ${params.length}`);
      online.params.set(params);
      tgt.params.set(params);
    },
    updates: () => updates,
    update(b) {
      const g = gradients(b);
      const finite = Number.isFinite(g.loss) && Number.isFinite(g.meanQ) && allFinite(g.grad);
      if (!finite) return { loss: g.loss, meanQ: g.meanQ, meanTarget: g.meanTarget, finite };
      adam.step(online.params, g.grad);
      updates++;
      if (target.kind === 'polyak') softUpdate(tgt.params, online.params, target.tau);
      else if (updates % target.every === 0) syncTarget();
      return { loss: g.loss, meanQ: g.meanQ, meanTarget: g.meanTarget, finite: allFinite(online.params) };
    },
  };
}
