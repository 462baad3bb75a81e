/**
 * The fidelity of a whole calibration (or test) set: every output of every batch compared with the
 * reference, pooled per output, judged against the budget.
 */
import { accumulate, emptySums, outputDrift, outputFidelity, unstableEntries, type FidelityBudget, type OutputBatch, type OutputFidelity, type OutputKind } from './fidelity.js';

/** The fidelity of a candidate over a set of batches. */
export interface FidelityReport {
  readonly outputs: readonly OutputFidelity[];
  /** Every output within its budget. */
  readonly withinBudget: boolean;
  /**
   * The planner's continuous drift: the largest `outputDrift` over the outputs (each output's
   * relative L2 error over its kind's `driftScale`, a score output's largest change or a keypoints
   * output's largest move over its budget; ≤ 1 means every regression, score and keypoints output
   * is within budget).
   */
  readonly drift: number;
}

/**
 * Compares `candidate` with `reference` (per batch, per output, same order) under `budget`, each
 * output judged by its kind in `kinds`.
 */
export function compareOutputs(
  reference: readonly (readonly OutputBatch[])[],
  candidate: readonly (readonly OutputBatch[])[],
  kinds: readonly OutputKind[],
  budget: FidelityBudget,
): FidelityReport {
  const sums = kinds.map(() => emptySums());
  reference.forEach((batch, b) => batch.forEach((out, o) => accumulate(sums[o], out, candidate[b][o], kinds[o])));
  const outputs = kinds.map((kind, o) => outputFidelity(o, kind, sums[o], budget));
  return {
    outputs,
    withinBudget: outputs.every((o) => o.withinBudget),
    drift: Math.max(0, ...outputs.map((o) => outputDrift(o, budget))),
  };
}

/**
 * `reference` (per batch, per output) with each output's entries that the original changes beyond
 * the budget on the jittered inputs marked `unstable` (see `unstableEntries`): compare candidates
 * against the result and those entries are not judged. `jittered` holds the original's outputs on
 * the same batches jittered; batches beyond its length are returned as they are.
 */
export function markUnstable(
  reference: readonly (readonly OutputBatch[])[],
  jittered: readonly (readonly OutputBatch[])[],
  kinds: readonly OutputKind[],
  budget: FidelityBudget,
): (readonly OutputBatch[])[] {
  return reference.map((batch, b) =>
    batch.map((out, o) => {
      const unstable = jittered[b] ? unstableEntries(out, jittered[b][o], kinds[o], budget) : undefined;
      return unstable ? { ...out, unstable } : out;
    }),
  );
}

/**
 * The largest error of a report's judged outputs, each in its own units: a keypoints output's largest move
 * of a shown keypoint, a score output's largest change, any other output's relative L2 error.
 */
export function worstError(f: FidelityReport): number {
  return Math.max(0, ...f.outputs.filter((o) => o.kind !== 'ignore').map((o) => o.keypointMove ?? o.scoreChange ?? o.relativeError));
}
