/**
 * Exploration noise for DDPG, seeded: Gaussian (independent draws) or Ornstein–Uhlenbeck
 * (x ← x + θ(μ − x) + σ·N(0, 1), temporally correlated, as in Lillicrap et al. 2016).
 */
import { mulberry32 } from '../random';

export interface NoiseSettings {
  /** `gaussian` or `ou`. Default `gaussian`. */
  readonly kind?: 'gaussian' | 'ou';
  /** Standard deviation of the draws (in action units). Default 0.1. */
  readonly sigma?: number;
  /** OU mean reversion per step. Default 0.15. */
  readonly theta?: number;
  /** Seed of the generator. Default 1. */
  readonly seed?: number;
}

export interface Noise {
  /** The next noise value. */
  sample(): number;
  reset(): void;
}

/** A standard normal draw from a uniform generator (Box–Muller). */
export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function createNoise(s: NoiseSettings = {}): Noise {
  const sigma = s.sigma ?? 0.1;
  const theta = s.theta ?? 0.15;
  if (!(sigma >= 0) || !(theta >= 0 && theta <= 1)) throw new RangeError(`noise: sigma must be ≥ 0 and theta in [0, 1], got ${sigma}, ${theta}`);
  let rand = mulberry32(s.seed ?? 1);
  let x = 0;
  return {
    sample() {
      if (s.kind === 'ou') {
        x += theta * (0 - x) + sigma * normal(rand);
        return x;
      }
      return sigma * normal(rand);
    },
    reset() {
      rand = mulberry32(s.seed ?? 1);
      x = 0;
    },
  };
}
