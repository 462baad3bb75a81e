/**
 * The fidelity of a whole calibration (or test) set: every output of every batch compared with the
 * reference, pooled per output, judged against the budget.
 */
import { recordScores, scoreSources, withinUnit, type ScoreSource } from './detections.js';
import { isListPartner, listPartners } from './nms-lists.js';
import { accumulate, emptySums, meetsBudget, outputDrift, outputFidelity, unstableEntries, type DetectionContext, type FidelityBudget, type OutputBatch, type OutputFidelity, type OutputKind } from './fidelity.js';

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
  const contexts = detectionContexts(reference, kinds);
  reference.forEach((batch, b) => batch.forEach((out, o) => accumulate(sums[o], out, candidate[b][o], kinds[o], contexts(b, o, candidate[b]))));
  const outputs = kinds.map((kind, o) => outputFidelity(o, kind, sums[o], budget));
  return {
    outputs,
    withinBudget: outputs.every((o) => o.withinBudget),
    drift: Math.max(0, ...outputs.map((o) => outputDrift(o, budget))),
  };
}

/** Whether every output of `report` meets `budget` (a report judged again, e.g. against a tighter budget than it was measured under). */
export function reportWithin(report: FidelityReport, budget: FidelityBudget): boolean {
  return report.outputs.every((o) => meetsBudget(o, budget));
}

/**
 * What judging each output of batch `b` against `other` (a candidate's or the jittered original's
 * outputs of that batch) needs (see `DetectionContext`): a detections output's record scores in
 * both, whether a detection-scores output holds logits (read from every reference batch); an
 * nms-boxes output's scores and class ids, its nms-scores and nms-classes outputs' values.
 */
function detectionContexts(reference: readonly (readonly OutputBatch[])[], kinds: readonly OutputKind[]): (b: number, o: number, other: readonly OutputBatch[]) => DetectionContext {
  const sources: (ScoreSource | undefined)[] = kinds.includes('detections') ? scoreSources(reference, kinds) : [];
  const logits = kinds.map((k, o) => k === 'detection-scores' && reference.some((batch) => !withinUnit(batch[o])));
  const lists = kinds.includes('nms-boxes') ? listPartners(reference, kinds) : [];
  return (b, o, other) => {
    const list = lists[o];
    if (list) {
      const { scores, classes } = list;
      return {
        ...(scores === undefined ? {} : { scores: { reference: reference[b][scores].values, candidate: other[scores].values, ownColumn: false } }),
        ...(classes === undefined ? {} : { classes: { reference: reference[b][classes].values, candidate: other[classes].values } }),
      };
    }
    const source = sources[o];
    if (!source) return logits[o] ? { logits: true } : {};
    if (other[o].values.length !== reference[b][o].values.length) return {};
    return { scores: { reference: recordScores(reference[b], o, source), candidate: recordScores(other, o, source), ownColumn: source.output === o } };
  };
}

/**
 * `reference` (per batch, per output) with each output's entries that the original changes beyond
 * the budget on the jittered inputs marked `unstable` (see `unstableEntries`): compare candidates
 * against the result and those entries are not judged. `jittered` holds the original's outputs on
 * the same batches jittered, one draw or several one after another (draw j's batch b at
 * `j × reference.length + b`): an entry is unstable when any draw changes it beyond the budget.
 * Batches no draw covers are returned as they are.
 */
export function markUnstable(
  reference: readonly (readonly OutputBatch[])[],
  jittered: readonly (readonly OutputBatch[])[],
  kinds: readonly OutputKind[],
  budget: FidelityBudget,
): (readonly OutputBatch[])[] {
  const contexts = detectionContexts(reference, kinds);
  const draws = Math.max(1, Math.floor(jittered.length / Math.max(1, reference.length)));
  return reference.map((batch, b) =>
    batch.map((out, o) => {
      let unstable: Uint8Array | undefined;
      for (let d = 0; d < draws; d++) {
        const other = jittered[d * reference.length + b];
        const marks = other ? unstableEntries(out, other[o], kinds[o], budget, contexts(b, o, other)) : undefined;
        if (!marks) continue;
        if (!unstable) unstable = marks;
        else for (let i = 0; i < marks.length; i++) unstable[i] |= marks[i];
      }
      return unstable ? { ...out, unstable } : out;
    }),
  );
}

/** `reference` repeated once per draw of `jittered` (see {@link markUnstable}): what each jittered batch is compared with. */
export function perDraw<T>(reference: readonly T[], jittered: readonly unknown[]): T[] {
  return jittered.map((_, i) => reference[i % reference.length]);
}

/**
 * The largest error of a report's judged outputs, each in its own units: a keypoints output's largest move
 * of a shown keypoint, a score output's largest change (a classifier's: of a class probability),
 * a detections output's largest of its score change, 1 − its smallest box IoU and its largest
 * keypoint move (an nms-boxes output's: of its score change, 1 − its IoU and 1 − its class
 * agreement), any other output's relative L2 error.
 */
export function worstError(f: FidelityReport): number {
  return Math.max(0, ...f.outputs.filter((o) => o.kind !== 'ignore' && !isListPartner(o.kind)).map((o) => (o.kind === 'detections' || o.kind === 'nms-boxes' ? Math.max(o.scoreChange ?? 0, 1 - (o.iou ?? 1), o.keypointMove ?? 0, 1 - (o.classAgreement ?? 1)) : (o.keypointMove ?? o.scoreChange ?? o.relativeError))));
}
