/**
 * Pruning schedules: the target (quality or sparsity) of each round of iterative pruning.
 */
import { assertOption } from '@dc/core';

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

/** Throws `INVALID_OPTION` naming `schedule.*` if `schedule` is malformed. `max` bounds `initial` (exclusive). */
export function validateSchedule(schedule: PruneSchedule, max: number | undefined, stage?: string): void {
  const check = (ok: boolean, option: string, message: string): void => assertOption(ok, option, message, stage);
  check(typeof schedule === 'object' && schedule !== null, 'schedule', 'must be { kind: "constant" } or { kind: "polynomial", initial?, power? }');
  if (schedule.kind === 'constant') return;
  check(schedule.kind === 'polynomial', 'schedule.kind', `must be "constant" or "polynomial", got ${String((schedule as { kind?: unknown }).kind)}`);
  const { initial = 0, power = 3 } = schedule;
  check(typeof initial === 'number' && Number.isFinite(initial) && initial >= 0, 'schedule.initial', `must be a non-negative number, got ${String(initial)}`);
  if (max !== undefined) check(initial < max, 'schedule.initial', `must be less than ${max}, got ${initial}`);
  check(typeof power === 'number' && Number.isFinite(power) && power > 0, 'schedule.power', `must be a positive number, got ${String(power)}`);
}

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
