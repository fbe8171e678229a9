/**
 * DDPG (Lillicrap et al. 2016) for a one-dimensional continuous action in a clipped range:
 *   actor   μ(s) = lo + (hi − lo)·sigmoid(f(s))   (f: tanh MLP, linear output)
 *   critic  Q(s, a) = g([s, â])                   (â = the action rescaled to [−1, 1])
 *   targets μ', Q' follow by soft updates θ' ← τθ + (1 − τ)θ'
 * One update on a minibatch: critic regression to y = r + γ(1 − done)·Q'(s', μ'(s')), then the
 * actor ascends Q(s, μ(s)) through ∂Q/∂a (the deterministic policy gradient), then both targets move.
 */
import { createAdam, type Adam } from '../gcn/adam';
import { mulberry32 } from '../random';
import { cloneMlp, createMlp, mlpBackward, mlpForward, mlpOutput, softUpdate, type Mlp } from './mlp';
import type { Minibatch } from './replay';

const { exp } = Math;

export interface DdpgSettings {
  readonly stateDim: number;
  /** The safe action range [lo, hi]; every action the actor gives lies inside it. Required. */
  readonly range: readonly [number, number];
  /** Hidden layer widths of actor and critic. Default [32, 32]. */
  readonly hidden?: readonly number[];
  /** Discount γ. Default 0.5 (rewards of a recommendation are mostly immediate). */
  readonly gamma?: number;
  /** Soft-update rate τ of the target networks. Default 0.01. */
  readonly tau?: number;
  /** Actor Adam step. Default 1e-3. */
  readonly actorLr?: number;
  /** Critic Adam step. Default 3e-3. */
  readonly criticLr?: number;
  /** The action an untrained actor gives (its output bias is set to it). Default the range's middle. */
  readonly initAction?: number;
  /** Seed of the initial weights. Default 1. */
  readonly seed?: number;
}

export interface UpdateStats {
  readonly criticLoss: number;
  readonly meanQ: number;
  readonly meanAction: number;
  /** False when a loss, a Q value, an action or a gradient went non-finite (nothing was changed then). */
  readonly finite: boolean;
}

export interface Ddpg {
  readonly stateDim: number;
  readonly range: readonly [number, number];
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly actorTarget: Mlp;
  readonly criticTarget: Mlp;
  /** μ(s) for one state. */
  act(state: ArrayLike<number>): number;
  /** Q(s, a) for one state and action. */
  q(state: ArrayLike<number>, action: number): number;
  /** The critic loss mean (Q(s, a) − y)², the actor objective −mean Q(s, μ(s)) and their gradients (nothing is changed). */
  gradients(batch: Minibatch): Gradients;
  update(batch: Minibatch): UpdateStats;
  updates(): number;
}

export interface Gradients {
  readonly criticLoss: number;
  readonly criticGrad: Float32Array;
  /** −mean Q(s, μ(s)) under the current critic. */
  readonly actorObjective: number;
  readonly actorGrad: Float32Array;
  readonly meanQ: number;
  readonly meanAction: number;
}

const sigmoid = (z: number): number => 1 / (1 + exp(-z));

/** The action of a pre-activation: lo + (hi − lo)·sigmoid(z), clamped once more against rounding. */
export function squash(z: number, lo: number, hi: number): number {
  const a = lo + (hi - lo) * sigmoid(z);
  return a < lo ? lo : a > hi ? hi : a;
}

/** The action of an actor network for one state (no agent needed: serving holds only the actor). */
export function actorAction(actor: Mlp, range: readonly [number, number], state: ArrayLike<number>): number {
  return squash(mlpOutput(mlpForward(actor, state, 1))[0]!, range[0], range[1]);
}

export function checkRange(range: readonly [number, number]): void {
  if (!(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1])) throw new RangeError(`ddpg: action range must be finite with lo < hi, got [${range.join(', ')}]`);
}

export function createDdpg(s: DdpgSettings): Ddpg {
  checkRange(s.range);
  const [lo, hi] = s.range;
  const hidden = s.hidden ?? [32, 32];
  const gamma = s.gamma ?? 0.5;
  const tau = s.tau ?? 0.01;
  if (!(gamma >= 0 && gamma < 1) || !(tau > 0 && tau <= 1)) throw new RangeError(`ddpg: gamma must be in [0, 1) and tau in (0, 1], got ${gamma}, ${tau}`);
  const rand = mulberry32(s.seed ?? 1);
  const actor = createMlp([s.stateDim, ...hidden, 1], rand, 0.1);
  const init = s.initAction ?? (lo + hi) / 2;
  const p = Math.min(1 - 1e-3, Math.max(1e-3, (init - lo) / (hi - lo)));
  actor.params[actor.params.length - 1] = Math.log(p / (1 - p));
  const critic = createMlp([s.stateDim + 1, ...hidden, 1], rand);
  const actorTarget = cloneMlp(actor);
  const criticTarget = cloneMlp(critic);
  const actorAdam: Adam = createAdam(actor.params.length, { learningRate: s.actorLr ?? 1e-3 });
  const criticAdam: Adam = createAdam(critic.params.length, { learningRate: s.criticLr ?? 3e-3 });
  const d = s.stateDim;
  const scale = (a: number): number => (2 * (a - lo)) / (hi - lo) - 1;
  const criticInput = (states: ArrayLike<number>, actions: ArrayLike<number>, n: number): Float64Array => {
    const x = new Float64Array(n * (d + 1));
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < d; i++) x[r * (d + 1) + i] = states[r * d + i]!;
      x[r * (d + 1) + d] = scale(actions[r]!);
    }
    return x;
  };
  let updates = 0;
  const allFinite = (xs: ArrayLike<number>): boolean => {
    for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return false;
    return true;
  };
  return {
    stateDim: d,
    range: [lo, hi],
    actor,
    critic,
    actorTarget,
    criticTarget,
    act: (state) => actorAction(actor, [lo, hi], state),
    q: (state, action) => mlpOutput(mlpForward(critic, criticInput(state, [action], 1), 1))[0]!,
    updates: () => updates,
    gradients,
    update(b) {
      const g = gradients(b);
      const { criticLoss: loss, meanQ, meanAction: meanA, criticGrad: cGrad, actorGrad: aGrad } = g;
      const finite = Number.isFinite(loss) && Number.isFinite(meanQ) && Number.isFinite(meanA) && allFinite(cGrad) && allFinite(aGrad);
      if (!finite) return { criticLoss: loss, meanQ, meanAction: meanA, finite };
      criticAdam.step(critic.params, cGrad);
      actorAdam.step(actor.params, aGrad);
      softUpdate(criticTarget.params, critic.params, tau);
      softUpdate(actorTarget.params, actor.params, tau);
      updates++;
      return { criticLoss: loss, meanQ, meanAction: meanA, finite: allFinite(actor.params) && allFinite(critic.params) };
    },
  };
  function gradients(b: Minibatch): Gradients {
    const n = b.size;
    // Critic target y = r + γ(1 − done)·Q'(s', μ'(s')).
    const zNext = mlpOutput(mlpForward(actorTarget, b.next, n));
    const aNext = new Float64Array(n);
    for (let r = 0; r < n; r++) aNext[r] = squash(zNext[r]!, lo, hi);
    const qNext = mlpOutput(mlpForward(criticTarget, criticInput(b.next, aNext, n), n));
    const cf = mlpForward(critic, criticInput(b.states, b.actions, n), n);
    const q = mlpOutput(cf);
    const dq = new Float64Array(n);
    let loss = 0;
    let meanQ = 0;
    for (let r = 0; r < n; r++) {
      const y = b.rewards[r]! + (b.done[r] ? 0 : gamma * qNext[r]!);
      const e = q[r]! - y;
      loss += (e * e) / n;
      meanQ += q[r]! / n;
      dq[r] = (2 * e) / n;
    }
    const cGrad = new Float32Array(critic.params.length);
    mlpBackward(critic, cf, dq, cGrad);
    // Actor: maximise Q(s, μ(s)); ∂(−mean Q)/∂z = −(1/n)·∂Q/∂â·∂â/∂a·∂a/∂z.
    const af = mlpForward(actor, b.states, n);
    const z = mlpOutput(af);
    const a = new Float64Array(n);
    let meanA = 0;
    for (let r = 0; r < n; r++) {
      a[r] = squash(z[r]!, lo, hi);
      meanA += a[r]! / n;
    }
    const qf = mlpForward(critic, criticInput(b.states, a, n), n);
    const ones = new Float64Array(n).fill(1);
    const dIn = mlpBackward(critic, qf, ones, null);
    const dz = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const sg = sigmoid(z[r]!);
      dz[r] = (-1 / n) * dIn[r * (d + 1) + d]! * (2 / (hi - lo)) * (hi - lo) * sg * (1 - sg);
    }
    const aGrad = new Float32Array(actor.params.length);
    mlpBackward(actor, af, dz, aGrad);
    let objective = 0;
    const qa = mlpOutput(qf);
    for (let r = 0; r < n; r++) objective -= qa[r]! / n;
    return { criticLoss: loss, criticGrad: cGrad, actorObjective: objective, actorGrad: aGrad, meanQ, meanAction: meanA };
  }
}
