/**
 * Output fidelity of a compressed model against its original, per output kind:
 *
 * - `classifier` (softmax rows): top-1 agreement, the fraction of samples whose argmax is unchanged;
 *   judged on fewer samples than that agreement can resolve ({@link samplesToResolve}: 100 at 99%),
 *   also the largest change of a class probability, as a score's (all seven calibration photographs
 *   of an emotion classifier kept their top class while half of eight others changed theirs);
 * - `regression` (anything else: boxes, landmarks, embeddings, logits): relative L2 error
 *   `‖y' − y‖ / ‖y‖`, and cosine similarity beside it; for an output of several records per
 *   sample, that of its worst field (see {@link columnError}). Pooled
 *   over every value, a detector's `[1, 2254, 13]` output (a score logit and 12 coordinates per
 *   anchor) is judged by the few logits of −300,000 that hold all its energy: coordinates 20–70%
 *   off passed as 1.95%;
 * - `mask` (per-pixel probabilities in [0, 1]): IoU of the masks thresholded at 0.5;
 * - `score` (values in [0, 1] that are neither: sigmoid scores, presence flags, heatmaps,
 *   coordinates normalized to the image): the largest absolute change of any value. A hand
 *   detector's "no hand" flag of 0.0002 that becomes 0.0005 is a 150% relative error and no change
 *   anyone sees;
 * - `embedding` (feature vectors compared by angle, e.g. face descriptors): the smallest cosine
 *   similarity of a sample's output vector with its original. Never detected: say it.
 * - `keypoints` (rows of (y, x, score), positions in image units, as MoveNet's `[1, 1, 17, 3]`):
 *   the largest move of a keypoint shown by either model (score ≥ {@link KEYPOINT_MIN_SCORE}), the
 *   greater of its displacement and its score's change; others are not shown, so not judged (an
 *   argmax over a flat heatmap jumps for any perturbation). Never detected: say it.
 * - `detections` (the raw records of an anchor detector in center-size form, as MediaPipe's SSD
 *   detectors write them: per anchor a score, then the box's x, y, width and height and pairs of
 *   keypoint x, y, in one unit, e.g. `[1, 2254, 13]`): the largest change of any anchor's score as
 *   a probability; over the anchors either model shows (score ≥ `DETECTION_MIN_SCORE`), the
 *   smallest IoU of a box with its original (`minIoU`) and the largest move of a keypoint over
 *   its box's larger side (`maxKeypointMove`); the boxes of the others are never read. The score is
 *   column 0 of each record, or the `detection-scores` output with as many records (see
 *   detections.ts). Never detected: say it.
 * - `detection-scores` (a detector's per-anchor scores or class probabilities, apart from its
 *   boxes; logits through the sigmoid): the largest change of any value as a probability. Never
 *   detected: say it.
 * - `nms-boxes` (a detector's detections after non-max suppression, `[batch, n, 4]` boxes in
 *   corner form, sorted by score; their scores in an `nms-scores` output `[batch, n]`, if any): the
 *   detections of both models matched one to one by IoU, the smallest IoU of a shown detection
 *   with its match (0 for one that vanished or appeared) and the largest change of its score (see
 *   nms-lists.ts). A list compared entry by entry is off wherever two scores swap. Detected where
 *   a `[batch, n ≥ 8, 4]` output has one `[batch, n]` beside it sorted from the highest score down.
 * - `nms-scores`: the scores of an `nms-boxes` list, judged with it, not on their own.
 * - `nms-classes`: the class ids of an `nms-boxes` list (`[batch, n]`): each matched detection
 *   shown must keep its class, as a classifier's top-1 (agreement ≥ 1 − d/2). Never detected: say it.
 * - `ignore`: not judged, and no part of the planner's drift; its errors are still reported. For an
 *   output computed from others that are judged, as a detector's boxes after non-max suppression
 *   (or a top-k) are from its raw boxes and scores: a list that reorders when two scores swap
 *   measures nothing a user sees. Never detected: say it. At least one output must be judged.
 *
 * What the original model cannot reproduce itself is not judged: given its outputs on the same
 * inputs jittered by one grey level ({@link unstableEntries}), a keypoint it moves, a sample whose
 * top-1 it changes, a score or a detection it changes or a mask pixel it flips beyond the budget
 * is left out of its output's metric (and counted, `unjudged`). A continuous metric (relative error, cosine) keeps
 * every value; the original's own drift under the jitter is reported beside it.
 *
 * Every metric is pooled over all calibration batches (sums, then one ratio), so a batch split does
 * not change it. The relative L2 error is measured for every kind: it is the continuous drift the
 * planner balances (a keypoints output's: its largest move; see {@link outputDrift}), while the
 * budget is judged on each output's own metric.
 */
import { DcError } from '@dc/core';
import { DETECTION_MIN_SCORE, detectionChange, probability, recordsPerSample, scoreSources } from './detections.js';
import { CORNER_FIELDS, detectListClasses, detectLists, isListPartner, judgeListBatch, listLength, listPartners, unstableSlot, type ListValues } from './nms-lists.js';

/** What kind of output a model produces, which decides the metric its budget is judged on. */
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** Every output kind. */
export const OUTPUT_KINDS = ['classifier', 'regression', 'mask', 'score', 'embedding', 'keypoints', 'detections', 'detection-scores', 'nms-boxes', 'nms-scores', 'nms-classes', 'ignore'] as const;

/** A `keypoints` output's keypoint is shown (so judged) from this score, the threshold pose demos draw at. */
export const KEYPOINT_MIN_SCORE = 0.3;

/** One output of one batch: `shape` starts with the batch dimension. */
export interface OutputBatch {
  readonly shape: readonly number[];
  readonly values: Float32Array;
  /**
   * A reference output's entries the original model cannot reproduce itself, nonzero where not
   * judged (see {@link unstableEntries}): per keypoint of a `keypoints` output, per sample of a
   * `classifier`, per record of `detections`, per value of a `score`, `detection-scores` or
   * `mask` output; per reference entry of an `nms-boxes` output, then one per sample (see
   * `unstableSlot`). A classifier's sample holds bits: {@link UNSTABLE_TOP1} (its top class, and so
   * its probabilities, not judged) and {@link UNSTABLE_PROBABILITIES} (its probabilities only).
   */
  readonly unstable?: Uint8Array;
}

/** A classifier sample's {@link OutputBatch.unstable} bit: the original changes its top class, so neither it nor the probabilities are judged. */
export const UNSTABLE_TOP1 = 1;

/** A classifier sample's {@link OutputBatch.unstable} bit: the original moves a class probability beyond the budget, so the probabilities are not judged. */
export const UNSTABLE_PROBABILITIES = 2;

/** The default budget's one number: relative output error ≤ 2%, top-1 agreement ≥ 99%, mask IoU and embedding cosine ≥ 98%, scores within 0.02, keypoints within 2% of the image. */
export const DEFAULT_MAX_OUTPUT_DRIFT = 0.02;

/** The budget per metric derived from one drift `d` (see {@link budgetFor}). */
export interface FidelityBudget {
  /** Largest relative L2 error of a `regression` output. */
  readonly maxRelativeError: number;
  /** Smallest top-1 agreement of a `classifier` output. */
  readonly minTop1Agreement: number;
  /** Smallest IoU of a `mask` output. */
  readonly minIoU: number;
  /** Smallest per-sample cosine similarity of an `embedding` output. */
  readonly minCosine: number;
  /** Largest move of a shown keypoint of a `keypoints` output (image units and score). */
  readonly maxKeypointMove: number;
  /** Largest absolute change of any value of a `score` output. */
  readonly maxScoreChange: number;
}

/**
 * The budget of `--max-output-drift d`: relative error ≤ d, top-1 agreement ≥ 1 − d/2, mask IoU
 * and embedding cosine ≥ 1 − d, score changes and keypoint moves ≤ d (the default d = 0.02 gives
 * 2%, 99%, 98%, 0.98, 0.02 and 2% of the image side).
 */
export function budgetFor(maxOutputDrift: number): FidelityBudget {
  return { maxRelativeError: maxOutputDrift, minTop1Agreement: 1 - maxOutputDrift / 2, minIoU: 1 - maxOutputDrift, minCosine: 1 - maxOutputDrift, maxKeypointMove: maxOutputDrift, maxScoreChange: maxOutputDrift };
}

/**
 * How many judged samples a classifier's top-1 agreement needs to resolve its budget, one
 * disagreement in 1 / (1 − agreement) (100 at the default 99%; Infinity at 100%). With fewer, a
 * calibration set whose samples all keep their top class says little of other inputs: the
 * classifier's probabilities are then held to the score budget too (see {@link meetsBudget}).
 */
export function samplesToResolve(budget: FidelityBudget): number {
  return Math.ceil(1 / (1 - budget.minTop1Agreement) - 1e-9);
}

/** Whether a classifier output's probabilities are judged beside its top-1 agreement: on fewer samples than {@link samplesToResolve}. */
export function judgesProbabilities(m: OutputMetrics, budget: FidelityBudget): boolean {
  return m.kind === 'classifier' && (m.judgedSamples ?? 0) < samplesToResolve(budget);
}

/**
 * The relative L2 error at which an output of `kind` reaches its budget, the unit of the planner's
 * continuous drift: `maxRelativeError`, except for an embedding, whose cosine budget c allows about
 * `√(2 (1 − c))` (‖a − b‖² = 2 (1 − cos) for vectors of equal length). Classifiers and masks use
 * `maxRelativeError` as a stand-in for their discrete metrics.
 */
export function driftScale(kind: OutputKind, budget: FidelityBudget): number {
  return kind === 'embedding' ? Math.sqrt(2 * (1 - budget.minCosine)) : budget.maxRelativeError;
}

/**
 * One output's drift in the planner's units (1 at its budget): a keypoints output's largest move
 * over its budget (the relative error of every value counts keypoints no one is shown), a score
 * output's largest change over its budget, a detections output's largest of its score change,
 * 1 − box IoU and keypoint move, each over its budget, a classifier's judged on too few samples
 * its largest probability change over the score budget; any other its relative L2 error over its
 * kind's {@link driftScale}; an ignored output's, 0.
 */
export function outputDrift(o: OutputFidelity, budget: FidelityBudget): number {
  if (o.kind === 'ignore' || isListPartner(o.kind)) return 0;
  if (o.kind === 'nms-boxes') return Math.max((o.scoreChange ?? 0) / budget.maxScoreChange, (1 - (o.iou ?? 1)) / (1 - budget.minIoU), (1 - (o.classAgreement ?? 1)) / (1 - budget.minTop1Agreement));
  if (o.kind === 'classifier') return judgesProbabilities(o, budget) ? (o.scoreChange ?? 0) / budget.maxScoreChange : o.relativeError / driftScale(o.kind, budget);
  if (o.kind === 'detections') return Math.max((o.scoreChange ?? 0) / budget.maxScoreChange, (1 - (o.iou ?? 1)) / (1 - budget.minIoU), (o.keypointMove ?? 0) / budget.maxKeypointMove);
  if (o.keypointMove !== undefined) return o.keypointMove / budget.maxKeypointMove;
  if (o.scoreChange !== undefined) return o.scoreChange / budget.maxScoreChange;
  return o.relativeError / driftScale(o.kind, budget);
}

/**
 * The kind of each output of a model from its outputs on every batch (`reference[batch][output]`):
 * `given[i]` where set, else {@link detectOutputKind}, and a list after non-max suppression (boxes
 * beside their scores sorted from the highest down) as `nms-boxes` and `nms-scores`
 * (`detectLists`), and the one output of whole numbers beside such a list as its `nms-classes`
 * (`detectListClasses`). `INVALID_OPTION` naming `option` (how the caller's user spelled the list:
 * `outputKinds`, `--output-kinds`) when `given` has another length than the model has outputs, a
 * `detections` output is not records of a score and a box, or a list's kinds do not pair.
 */
export function outputKindsOf(reference: readonly (readonly OutputBatch[])[], given?: readonly (OutputKind | undefined)[], option = 'outputKinds'): OutputKind[] {
  const outputs = reference[0]?.length ?? 0;
  if (given && given.length !== outputs) throw new DcError('INVALID_OPTION', `${option} names ${given.length} kinds but the model has ${outputs} outputs`, { option: 'outputKinds' });
  const kinds = Array.from({ length: outputs }, (_, i) => given?.[i] ?? detectOutputKind(reference.map((batch) => batch[i])));
  const open = kinds.map((_, i) => given?.[i] === undefined);
  const lists = detectLists(reference, open);
  const classes = detectListClasses(reference, lists, open);
  lists.forEach(([boxes, scores], i) => {
    kinds[boxes] = 'nms-boxes';
    kinds[scores] = 'nms-scores';
    if (classes[i] !== undefined) kinds[classes[i]] = 'nms-classes';
  });
  scoreSources(reference, kinds, option);
  listPartners(reference, kinds, option);
  if (kinds.length > 0 && kinds.every((k) => k === 'ignore')) throw new DcError('INVALID_OPTION', `${option} ignores every output: nothing would be judged`, { option: 'outputKinds', hint: 'judge at least one output (the raw boxes and scores of a detector whose detections after non-max suppression are ignored, say)' });
  return kinds;
}

/**
 * The kind of an output, read from its values on the calibration inputs (one batch, or every batch
 * of the calibration: a kind must hold on all): rows of ≥ 2 non-negative values summing to 1 are a
 * `classifier`; a `[batch, height ≥ 16, width ≥ 16, 1]` output inside [0, 1] is a `mask`; any other
 * output inside [0, 1] is a `score`; anything else is a `regression`. Pass the kinds yourself where
 * this guess is wrong (logits of a classifier look like a regression).
 */
export function detectOutputKind(outputs: OutputBatch | readonly OutputBatch[]): OutputKind {
  const batches: readonly OutputBatch[] = isBatchList(outputs) ? outputs : [outputs];
  const { shape } = batches[0];
  if (!batches.every((b) => b.values.every((v) => v >= 0 && v <= 1))) return 'regression';
  if (shape.length === 4 && shape[1] >= 16 && shape[2] >= 16 && shape[3] === 1) return 'mask';
  const width = shape.at(-1) ?? 1;
  if (shape.length === 2 && width >= 2 && batches.every((b) => b.values.length > 0 && rowsSumToOne(b.values, width))) return 'classifier';
  return 'score';
}

function isBatchList(o: OutputBatch | readonly OutputBatch[]): o is readonly OutputBatch[] {
  return Array.isArray(o);
}

function rowsSumToOne(values: Float32Array, width: number): boolean {
  for (let r = 0; r < values.length; r += width) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += values[r + c];
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

/** Running sums of one output's comparison, pooled over batches. */
export interface FidelitySums {
  errorSquares: number;
  referenceSquares: number;
  /** Per column (index along the last axis): Σ (y' − y)² and Σ y². */
  columnErrorSquares: Float64Array;
  columnReferenceSquares: Float64Array;
  candidateSquares: number;
  dot: number;
  samples: number;
  agreeing: number;
  intersection: number;
  union: number;
  minSampleCosine: number;
  maxKeypointMove: number;
  keypointsShown: number;
  /** `detections` and `nms-boxes`: records shown by either model (their boxes and keypoints judged), and their smallest box IoU. */
  detectionsShown: number;
  minBoxIoU: number;
  /** `nms-boxes` with class ids: matched detections judged on their class, and those that kept it. */
  classesJudged: number;
  classesKept: number;
  maxAbsChange: number;
  /** Entries left out as unstable in the original (see {@link OutputBatch.unstable}). */
  unjudged: number;
}

/** Empty sums. */
export function emptySums(): FidelitySums {
  return { errorSquares: 0, referenceSquares: 0, columnErrorSquares: new Float64Array(0), columnReferenceSquares: new Float64Array(0), candidateSquares: 0, dot: 0, samples: 0, agreeing: 0, intersection: 0, union: 0, minSampleCosine: 1, maxKeypointMove: 0, keypointsShown: 0, detectionsShown: 0, minBoxIoU: 1, classesJudged: 0, classesKept: 0, maxAbsChange: 0, unjudged: 0 };
}

/**
 * What judging a `detections`, `detection-scores` or `nms-boxes` output needs beyond its own
 * values: the scores of its records in both models (see `recordScores`; an `nms-boxes` output's:
 * its `nms-scores` output's values) and whether their source is column 0 of its own records;
 * whether a `detection-scores` output holds logits.
 */
export interface DetectionContext {
  readonly scores?: { readonly reference: Float32Array; readonly candidate: Float32Array; readonly ownColumn: boolean };
  /** An `nms-boxes` output's class ids in both models (its `nms-classes` output's values). */
  readonly classes?: ListValues;
  readonly logits?: boolean;
}

/** Adds one batch of one output to `sums` (`context`: a detections output's record scores; see {@link DetectionContext}). */
export function accumulate(sums: FidelitySums, reference: OutputBatch, candidate: OutputBatch, kind: OutputKind, context: DetectionContext = {}): void {
  if (kind === 'nms-boxes' || isListPartner(kind)) {
    // Lists are judged as matched detections, never value by value (see nms-lists.ts).
    if (kind === 'nms-boxes') accumulateLists(sums, reference, candidate, context);
    sums.samples += reference.shape[0] ?? 1;
    return;
  }
  const y = reference.values;
  const z = candidate.values;
  if (y.length !== z.length) {
    // A dynamic output (after non-max suppression, say) changed size: no value-wise comparison holds.
    sums.errorSquares = Infinity;
    sums.samples += reference.shape[0] ?? 1;
    sums.minSampleCosine = -1;
    sums.maxKeypointMove = Infinity;
    sums.maxAbsChange = Infinity;
    return;
  }
  const columns = recordFields(reference.shape);
  if (sums.columnErrorSquares.length !== columns) {
    sums.columnErrorSquares = new Float64Array(columns);
    sums.columnReferenceSquares = new Float64Array(columns);
  }
  const unstable = reference.unstable;
  // A score's or mask's unstable entries are its values; a keypoint's, classifier's or detection's, records.
  const valueMask = kind === 'score' || kind === 'mask' || kind === 'detection-scores' ? unstable : undefined;
  const logits = kind === 'detection-scores' && context.logits === true;
  let maxAbsChange = sums.maxAbsChange;
  for (let i = 0, c = 0; i < y.length; i++) {
    const d = z[i] - y[i];
    if (!valueMask?.[i] && kind !== 'detections' && kind !== 'classifier') maxAbsChange = Math.max(maxAbsChange, logits ? Math.abs(probability(z[i], true) - probability(y[i], true)) : Math.abs(d));
    sums.errorSquares += d * d;
    sums.referenceSquares += y[i] * y[i];
    sums.columnErrorSquares[c] += d * d;
    sums.columnReferenceSquares[c] += y[i] * y[i];
    sums.candidateSquares += z[i] * z[i];
    sums.dot += y[i] * z[i];
    if (++c === columns) c = 0; // the field of value i + 1, without a division per value
  }
  sums.maxAbsChange = maxAbsChange;
  if (kind === 'detections' && context.scores) accumulateDetections(sums, y, z, reference.shape.at(-1) ?? 1, context.scores, unstable);
  const batch = reference.shape[0] ?? 1;
  sums.samples += batch;
  if (kind === 'classifier') {
    const width = y.length / batch;
    for (let s = 0; s < batch; s++) {
      const marks = unstable?.[s] ?? 0;
      if (!(marks & UNSTABLE_PROBABILITIES)) sums.maxAbsChange = Math.max(sums.maxAbsChange, largestChange(y, z, s * width, width));
      if (marks & UNSTABLE_TOP1) sums.unjudged++;
      else if (argmax(y, s * width, width) === argmax(z, s * width, width)) sums.agreeing++;
    }
  } else if (kind === 'embedding') {
    const width = y.length / batch;
    for (let s = 0; s < batch; s++) sums.minSampleCosine = Math.min(sums.minSampleCosine, cosineAt(y, z, s * width, width));
  } else if (kind === 'keypoints') {
    for (let i = 0; i + 2 < y.length; i += 3) {
      const move = keypointMove(y, z, i);
      if (move === undefined) continue;
      if (unstable?.[i / 3]) {
        sums.unjudged++;
        continue;
      }
      sums.keypointsShown++;
      sums.maxKeypointMove = Math.max(sums.maxKeypointMove, move);
    }
  } else if (kind === 'mask') {
    for (let i = 0; i < y.length; i++) {
      if (valueMask?.[i]) continue;
      const a = y[i] >= 0.5;
      const b = z[i] >= 0.5;
      if (a && b) sums.intersection++;
      if (a || b) sums.union++;
    }
  }
  if (valueMask) for (const u of valueMask) sums.unjudged += u;
}

/**
 * A detections output's records: each score's change (records marked unstable left out), and for
 * the records either model shows (score ≥ `DETECTION_MIN_SCORE`), the IoU of the box and the moves
 * of the keypoints (`detectionChange`).
 */
function accumulateDetections(sums: FidelitySums, y: Float32Array, z: Float32Array, fields: number, scores: NonNullable<DetectionContext['scores']>, unstable: Uint8Array | undefined): void {
  for (let r = 0; r < scores.reference.length; r++) {
    if (unstable?.[r]) {
      sums.unjudged++;
      continue;
    }
    const a = scores.reference[r];
    const b = scores.candidate[r];
    sums.maxAbsChange = Math.max(sums.maxAbsChange, Math.abs(b - a));
    if (Math.max(a, b) < DETECTION_MIN_SCORE) continue;
    sums.detectionsShown++;
    const change = detectionChange(y, z, r, fields, scores.ownColumn);
    sums.minBoxIoU = Math.min(sums.minBoxIoU, change.iou);
    sums.maxKeypointMove = Math.max(sums.maxKeypointMove, change.keypointMove);
  }
}

/** An `nms-boxes` output's detections of one batch: each judged one not marked unstable, its IoU, score change and class. */
function accumulateLists(sums: FidelitySums, reference: OutputBatch, candidate: OutputBatch, context: DetectionContext): void {
  const batch = reference.shape[0] ?? 1;
  const entries = listLength(reference, CORNER_FIELDS);
  judgeListBatch(reference, candidate, context).forEach((judged, s) => {
    for (const j of judged) {
      if (reference.unstable?.[unstableSlot(j, s, entries, batch)]) {
        sums.unjudged++;
        continue;
      }
      sums.detectionsShown++;
      sums.minBoxIoU = Math.min(sums.minBoxIoU, j.iou);
      sums.maxAbsChange = Math.max(sums.maxAbsChange, j.scoreChange);
      if (j.classKept === undefined) continue;
      sums.classesJudged++;
      if (j.classKept) sums.classesKept++;
    }
  });
}

/**
 * The entries of one reference output that the original model itself changes beyond the budget
 * when its inputs are jittered (`jittered`: its output on the same inputs, each value moved by one
 * grey level): a keypoint (shown by either run) that moves more than `maxKeypointMove`, a sample
 * whose top-1 class changes ({@link UNSTABLE_TOP1}) or, keeping it, a class probability of which
 * moves more than `maxScoreChange` ({@link UNSTABLE_PROBABILITIES}), a score value that changes
 * more than `maxScoreChange`, a detection whose score (as a probability: `context` holds a
 * detections output's record scores in both runs) changes more than that or, shown by either run,
 * whose box's IoU falls below `minIoU` or a keypoint of which moves more than `maxKeypointMove` of
 * the box, a mask pixel that crosses 0.5, a detection of a list after non-max suppression whose
 * match's IoU falls below `minIoU`, whose score changes more than `maxScoreChange` or whose class
 * changes (one that appears marks its sample).
 * No compression can be held to what a one-grey-level change of the photograph already changes:
 * those entries are not judged. Undefined for the other kinds (a continuous metric
 * keeps every value) and when the shapes differ.
 */
export function unstableEntries(reference: OutputBatch, jittered: OutputBatch, kind: OutputKind, budget: FidelityBudget, context: DetectionContext = {}): Uint8Array | undefined {
  if (kind === 'nms-boxes') {
    const batch = reference.shape[0] ?? 1;
    const entries = listLength(reference, CORNER_FIELDS);
    const marks = new Uint8Array(batch * entries + batch);
    judgeListBatch(reference, jittered, context).forEach((judged, s) => {
      for (const j of judged) if (j.iou < budget.minIoU || j.scoreChange > budget.maxScoreChange || j.classKept === false) marks[unstableSlot(j, s, entries, batch)] = 1;
    });
    return marks;
  }
  const y = reference.values;
  const z = jittered.values;
  if (y.length !== z.length) return undefined;
  if (kind === 'detections' && context.scores) {
    const { reference: a, candidate: b, ownColumn } = context.scores;
    const fields = reference.shape.at(-1) ?? 1;
    return Uint8Array.from(a, (v, r) => {
      if (Math.abs(b[r] - v) > budget.maxScoreChange) return 1;
      if (Math.max(v, b[r]) < DETECTION_MIN_SCORE) return 0;
      const change = detectionChange(y, z, r, fields, ownColumn);
      return change.iou < budget.minIoU || change.keypointMove > budget.maxKeypointMove ? 1 : 0;
    });
  }
  if (kind === 'detection-scores') return Uint8Array.from(y, (v, i) => (Math.abs(probability(z[i], context.logits === true) - probability(v, context.logits === true)) > budget.maxScoreChange ? 1 : 0));
  if (kind === 'score') return Uint8Array.from(y, (v, i) => (Math.abs(z[i] - v) > budget.maxScoreChange ? 1 : 0));
  if (kind === 'mask') return Uint8Array.from(y, (v, i) => (v >= 0.5 !== z[i] >= 0.5 ? 1 : 0));
  if (kind === 'classifier') {
    const batch = reference.shape[0] ?? 1;
    const width = y.length / batch;
    return Uint8Array.from({ length: batch }, (_, s) => {
      if (argmax(y, s * width, width) !== argmax(z, s * width, width)) return UNSTABLE_TOP1 | UNSTABLE_PROBABILITIES;
      return largestChange(y, z, s * width, width) > budget.maxScoreChange ? UNSTABLE_PROBABILITIES : 0;
    });
  }
  if (kind === 'keypoints') {
    return Uint8Array.from({ length: Math.floor(y.length / 3) }, (_, k) => ((keypointMove(y, z, 3 * k) ?? 0) > budget.maxKeypointMove ? 1 : 0));
  }
  return undefined;
}

/**
 * The move of the keypoint whose (y, x, score) row starts at `i` between two outputs: the greater
 * of its displacement and its score's change; undefined when neither shows it (both scores below
 * {@link KEYPOINT_MIN_SCORE}).
 */
function keypointMove(y: Float32Array, z: Float32Array, i: number): number | undefined {
  if (Math.max(y[i + 2], z[i + 2]) < KEYPOINT_MIN_SCORE) return undefined;
  return Math.max(Math.hypot(z[i] - y[i], z[i + 1] - y[i + 1]), Math.abs(z[i + 2] - y[i + 2]));
}

function cosineAt(y: Float32Array, z: Float32Array, start: number, width: number): number {
  let dot = 0;
  let yy = 0;
  let zz = 0;
  for (let i = start; i < start + width; i++) {
    dot += y[i] * z[i];
    yy += y[i] * y[i];
    zz += z[i] * z[i];
  }
  return yy > 0 && zz > 0 ? dot / Math.sqrt(yy * zz) : yy === zz ? 1 : 0;
}

function largestChange(y: Float32Array, z: Float32Array, start: number, width: number): number {
  let largest = 0;
  for (let i = start; i < start + width; i++) largest = Math.max(largest, Math.abs(z[i] - y[i]));
  return largest;
}

/** The index (0 … width − 1) of the largest of the `width` values from `start`: a row's top class. */
export function argmax(values: Float32Array, start: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (values[start + c] > values[start + best]) best = c;
  return best;
}

/**
 * The fields of an output's records: its last extent where each sample holds several records
 * (`[batch, anchors, 13]`, `[batch, h, w, channels]`: the product of the extents between the batch
 * and the last is above 1), else 1: one vector per sample (`[batch, 1404]` landmarks,
 * `[batch, 1, 1, 228]`) is one field, its values judged together.
 */
function recordFields(shape: readonly number[]): number {
  return recordsPerSample(shape) > 1 ? (shape.at(-1) ?? 1) : 1;
}

/**
 * A column's error is taken against at least this fraction of the median column's norm, so a
 * column of near-zeros (an unused coordinate, a dead feature) is not judged by a ratio of noise.
 */
export const COLUMN_NORM_FLOOR = 0.1;

/**
 * The relative L2 error of the worst column of an output that repeats records (one field of every
 * record: a detector's score logit, or its box's x, over every anchor of every sample):
 * `max_c ‖y'_c − y_c‖ / max(‖y_c‖, f · median_c ‖y_c‖)`, `f` = {@link COLUMN_NORM_FLOOR}. Each
 * field is measured in its own units, so one holding huge values (the logits of anchors nobody
 * sees) cannot hide the others' errors. An output of one vector per sample is one column: its
 * pooled relative error.
 */
export function columnError(sums: FidelitySums): number {
  const norms = Array.from(sums.columnReferenceSquares, Math.sqrt);
  if (norms.length === 0) return 0;
  const sorted = [...norms].sort((a, b) => a - b);
  const floor = COLUMN_NORM_FLOOR * sorted[sorted.length >> 1];
  let worst = 0;
  for (const [c, norm] of norms.entries()) {
    const error = Math.sqrt(sums.columnErrorSquares[c]);
    const scale = Math.max(norm, floor);
    worst = Math.max(worst, scale > 0 ? error / scale : error > 0 ? Infinity : 0);
  }
  return worst;
}

/** One output's fidelity. */
export interface OutputFidelity {
  readonly output: number;
  readonly kind: OutputKind;
  /**
   * `‖y' − y‖ / ‖y‖` over every value (0 when both are all zeros, Infinity when only y is); for a
   * `regression` output of several records per sample, that of its worst field ({@link columnError});
   * for `detections` (judged on its boxes and scores), pooled over every value; 0 for `nms-boxes`
   * and `nms-scores` (lists are not compared value by value).
   */
  readonly relativeError: number;
  readonly cosine: number;
  /** Classifiers only: the top-1 agreement, and the samples it is judged on (those the original keeps the top class of under the jitter). */
  readonly top1Agreement?: number;
  readonly judgedSamples?: number;
  /**
   * Masks (1 when both masks are empty everywhere), and detections (`nms-boxes` too): the
   * smallest IoU of a shown box with its original (1 when none was shown).
   */
  readonly iou?: number;
  /** Embeddings only: the smallest cosine similarity of one sample's vector with its original. */
  readonly minCosine?: number;
  /**
   * Scores and detection scores (as probabilities): the largest absolute change of any value;
   * classifiers: of any class probability (judged where {@link samplesToResolve} exceeds the judged samples).
   */
  readonly scoreChange?: number;
  /** Detections only: the records either model shows, whose boxes and keypoints are judged (`nms-boxes`: the detections judged). */
  readonly detectionsShown?: number;
  /** `nms-boxes` with an `nms-classes` output: the fraction of matched detections judged that kept their class (absent when none was judged). */
  readonly classAgreement?: number;
  /**
   * Keypoints: the largest move of a shown keypoint (0 when none was shown), and how many were
   * shown; detections: the largest move of a shown detection's keypoint over its box's larger side.
   */
  readonly keypointMove?: number;
  readonly keypointsShown?: number;
  /** Entries not judged because the original model cannot reproduce them itself (see {@link unstableEntries}); absent when none. */
  readonly unjudged?: number;
  /** Whether this output's own metric meets the budget (always, for an ignored output). */
  readonly withinBudget: boolean;
}

/** The fidelity of one output from its pooled sums. */
export function outputFidelity(output: number, kind: OutputKind, sums: FidelitySums, budget: FidelityBudget): OutputFidelity {
  const metrics = measuredMetrics(output, kind, sums);
  return { ...metrics, ...(sums.unjudged > 0 ? { unjudged: sums.unjudged } : {}), withinBudget: meetsBudget(metrics, budget) };
}

/** An output's measured metrics, not yet judged. */
export type OutputMetrics = Omit<OutputFidelity, 'withinBudget'>;

/**
 * Whether an output's metrics meet `budget` (its kind's metric against its kind's bound; a
 * classifier judged on fewer than {@link samplesToResolve} samples, its probabilities too). The
 * metrics do not depend on the budget, so a report can be judged again against a tighter one
 * without running the model again.
 */
export function meetsBudget(m: OutputMetrics, budget: FidelityBudget): boolean {
  switch (m.kind) {
    case 'classifier':
      return (m.top1Agreement ?? 0) >= budget.minTop1Agreement && (!judgesProbabilities(m, budget) || (m.scoreChange ?? Infinity) <= budget.maxScoreChange);
    case 'mask':
      return (m.iou ?? 0) >= budget.minIoU;
    case 'embedding':
      return (m.minCosine ?? -1) >= budget.minCosine;
    case 'score':
    case 'detection-scores':
      return (m.scoreChange ?? Infinity) <= budget.maxScoreChange;
    case 'detections':
      return (m.scoreChange ?? Infinity) <= budget.maxScoreChange && (m.iou ?? 0) >= budget.minIoU && (m.keypointMove ?? Infinity) <= budget.maxKeypointMove;
    case 'keypoints':
      return (m.keypointMove ?? Infinity) <= budget.maxKeypointMove;
    case 'nms-boxes':
      return (m.scoreChange ?? Infinity) <= budget.maxScoreChange && (m.iou ?? 0) >= budget.minIoU && (m.classAgreement ?? 1) >= budget.minTop1Agreement;
    case 'nms-scores':
    case 'nms-classes':
    case 'ignore':
      return true;
    default:
      return m.relativeError <= budget.maxRelativeError;
  }
}

function measuredMetrics(output: number, kind: OutputKind, sums: FidelitySums): OutputMetrics {
  const relativeError = sums.referenceSquares > 0 ? Math.sqrt(sums.errorSquares / sums.referenceSquares) : sums.errorSquares > 0 ? Infinity : 0;
  const norms = Math.sqrt(sums.referenceSquares * sums.candidateSquares);
  const cosine = norms > 0 ? sums.dot / norms : sums.errorSquares === 0 ? 1 : 0;
  if (kind === 'classifier') {
    const judged = sums.samples - sums.unjudged;
    return { output, kind, relativeError, cosine, top1Agreement: judged > 0 ? sums.agreeing / judged : 1, judgedSamples: judged, scoreChange: sums.maxAbsChange };
  }
  if (kind === 'mask') return { output, kind, relativeError, cosine, iou: sums.union > 0 ? sums.intersection / sums.union : 1 };
  if (kind === 'embedding') return { output, kind, relativeError, cosine, minCosine: sums.minSampleCosine };
  if (kind === 'score' || kind === 'detection-scores') return { output, kind, relativeError, cosine, scoreChange: sums.maxAbsChange };
  if (kind === 'detections') {
    const iou = Number.isFinite(sums.errorSquares) ? sums.minBoxIoU : 0;
    return { output, kind, relativeError, cosine, scoreChange: sums.maxAbsChange, iou, keypointMove: sums.maxKeypointMove, detectionsShown: sums.detectionsShown };
  }
  if (kind === 'keypoints') return { output, kind, relativeError, cosine, keypointMove: sums.maxKeypointMove, keypointsShown: sums.keypointsShown };
  if (kind === 'nms-boxes') {
    const classes = sums.classesJudged > 0 ? { classAgreement: sums.classesKept / sums.classesJudged } : {};
    return { output, kind, relativeError, cosine, scoreChange: sums.maxAbsChange, iou: sums.minBoxIoU, detectionsShown: sums.detectionsShown, ...classes };
  }
  if (kind === 'ignore' || isListPartner(kind)) return { output, kind, relativeError, cosine };
  return { output, kind, relativeError: Number.isFinite(sums.errorSquares) ? columnError(sums) : Infinity, cosine };
}
