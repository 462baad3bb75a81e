/**
 * A seeded pseudo-random source (SplitMix32 state, Mulberry32 output). Stages take randomness only
 * from `ctx.random`, so a pipeline run is reproducible from its seed.
 */
export interface RandomSource {
  /** The seed this source was made from. */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** An independent source derived from this one's seed and a label (stable across runs). */
  fork(label: string): RandomSource;
}

function hashLabel(seed: number, label: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** Creates a {@link RandomSource} from a 32-bit seed. */
export function createRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (n) => Math.floor(next() * n),
    fork: (label) => createRandom(hashLabel(seed, label)),
  };
}
