/** The post-training planner needs at least one weight to plan: a model with none gets a clear error, not a stage option's. */
import { DcError } from '@dc/core';

/** Throws `INVALID_MODEL` when `tensors` (the weights post-training compression may touch) is empty. */
export function requirePlannedTensors(tensors: readonly unknown[], what: string, minElements: number): void {
  if (tensors.length > 0) return;
  throw new DcError('INVALID_MODEL', `the model has no ${what} of at least ${minElements} weights: post-training compression leaves smaller ones as they are, so there is nothing to compress`, {
    hint: 'A model this small gains nothing from --no-retrain --calibration; retrain with --data to prune and cluster it, or ship it as it is.',
  });
}
