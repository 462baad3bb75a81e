/**
 * Pruning schedules: the target (quality or sparsity) of each round of iterative pruning.
 * (Validated with the other options in options.ts.)
 */

/** Every round prunes to the final target (the paper's iterative pruning at a fixed threshold rule). */
export interface ConstantSchedule {
  readonly kind: 'constant';
}

/**
 * A polynomial ramp like TF Model Optimization's `PolynomialDecay`:
 * `s(t) = s_f + (s_i − s_f)(1 − t/T)^p` for round `t = 1..T`, so the last round reaches the final
 * target `s_f`. Early rounds prune a lot, later ones little (for `p > 1`).
 */
export interface PolynomialSchedule {
  readonly kind: 'polynomial';
  /** Target before the first round, `s_i`; default 0. Capped at each layer's final target. */
  readonly initial?: number;
  /** Exponent `p`; default 3 (as in TF-MOT). */
  readonly power?: number;
}

/** A pruning schedule. */
export type PruneSchedule = ConstantSchedule | PolynomialSchedule;

/**
 * The target of round `round` (1-based) of `rounds`, for a layer whose final target is `final`.
 * Non-decreasing in `round` and equal to `final` at the last round.
 */
export function scheduleValue(schedule: PruneSchedule, final: number, round: number, rounds: number): number {
  if (schedule.kind === 'constant') return final;
  const initial = Math.min(schedule.initial ?? 0, final);
  const power = schedule.power ?? 3;
  const t = Math.min(Math.max(round, 0), rounds) / rounds;
  return final + (initial - final) * Math.pow(1 - t, power);
}

/** The targets of all `rounds` rounds: `[s(1), …, s(T)]`. */
export function scheduleValues(schedule: PruneSchedule, final: number, rounds: number): number[] {
  return Array.from({ length: rounds }, (_, i) => scheduleValue(schedule, final, i + 1, rounds));
}
