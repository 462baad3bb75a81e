/**
 * `dc compress model.json --no-retrain --calibration …` for a tfjs GraphModel: every float32 weight
 * `@dc/graph-model` deems eligible (≥ 256 elements) allocated by `planPostTraining` on the
 * calibration inputs, run by tfjs-converter with the weights substituted and each compressed
 * weight's bias corrected for the mean shift it causes (`@dc/graph-model`'s `biasCorrection`,
 * measured once on the same inputs); then compressed and encoded as a `.dcm` by `@dc/graph-model`.
 */
import type * as tf from '@tensorflow/tfjs';
import { DEFAULT_MAX_OUTPUT_DRIFT, planPostTraining, type OutputKind, type PostTrainingPlan } from '@dc/allocate';
import type { Preprocessing, ProgressEvent } from '@dc/core';
import { compressGraphModel, DEFAULT_MIN_ELEMENTS, encodeGraphModel, type BiasCorrection, type GraphAllocation, type GraphModelSource } from '@dc/graph-model';
import { graphCompressTensorWith } from './graph-compress-tensor.js';
import { graphPlanInputs } from './graph-plan-inputs.js';
import type { ModelRunner } from './graph-runner.js';
import { requirePlannedTensors } from './require-planned.js';
import type { ErrorFeedback } from '@dc/quantize';

/** Options of {@link planAndCompressGraph}. */
export interface PlanGraphOptions {
  readonly maxOutputDrift?: number;
  readonly outputKinds?: readonly (OutputKind | undefined)[];
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Correct each compressed weight's bias for the mean shift of its op's output (default true; `--no-bias-correction`). */
  readonly biasCorrection?: boolean;
  /** Round each weight with error feedback from its op's input moments on the calibration inputs (default false; `--error-feedback`). */
  readonly errorFeedback?: boolean;
  /** The calibration batches jittered by one grey level (planPostTraining's `jitteredCalibration`; per batch one tensor per input). */
  readonly jittered?: readonly (readonly tf.Tensor[])[];
  /** A size target in place of the budget's search: the file at most this many bytes (planPostTraining's `targetBytes`; `--target-bytes`). */
  readonly targetBytes?: number;
  /** How raw inputs became the calibration inputs (`--input-scale` / `--input-offset`), recorded in the file's header. */
  readonly preprocessing?: Preprocessing;
  /** A runner without a GraphModel: how to measure the bias correction of the named weights (see `graphPlanInputs`). */
  readonly measureCorrection?: (weights: ReadonlySet<string>) => Promise<BiasCorrection>;
  /** A runner without a GraphModel: how to measure the error feedback of the named weights (see `graphPlanInputs`). */
  readonly measureFeedback?: (weights: ReadonlySet<string>, centered: boolean) => Promise<Map<string, ErrorFeedback>>;
}

/**
 * Plans on `calibration` (per batch, one tensor per model input) with `runner` (the original model) and returns the plan and the `.dcm`
 * bytes. A runner without a GraphModel (a LayersModel kept as given) has the error feedback of
 * `o.measureFeedback` and the bias correction of `o.measureCorrection`, if any.
 */
export async function planAndCompressGraph(source: GraphModelSource, runner: ModelRunner & { readonly model?: tf.GraphModel }, calibration: readonly (readonly tf.Tensor[])[], o: PlanGraphOptions): Promise<{ plan: PostTrainingPlan; bytes: Uint8Array }> {
  // Coded candidates also with per-channel scales along the consuming op's output channels (format version 5);
  // biases corrected in every allocation the planner verifies, as the file stores them.
  const { tensors, correction, feedback } = await graphPlanInputs(source, runner.model, calibration, {
    biasCorrection: o.biasCorrection ?? true,
    errorFeedback: o.errorFeedback ?? false,
    ...(o.measureCorrection ? { measureCorrection: o.measureCorrection } : {}),
    ...(o.measureFeedback ? { measureFeedback: o.measureFeedback } : {}),
  });
  requirePlannedTensors(tensors, 'float32 weight', DEFAULT_MIN_ELEMENTS);
  // The file records the planner's settings; for a size target only those known before planning, so
  // that every file measured while fitting the target is the one written for its allocation.
  const write = (allocation: GraphAllocation, record: Record<string, unknown>) => encodeGraphModel(compressGraphModel(source, allocation, { stages: [{ name: 'dc:allocate-post-training', options: record }], ...(correction ? { biasCorrection: correction } : {}), ...(feedback ? { errorFeedback: feedback } : {}) }), o.preprocessing ? { preprocessing: o.preprocessing } : {}).bytes;
  const sizeRecord = { maxOutputDrift: o.maxOutputDrift ?? DEFAULT_MAX_OUTPUT_DRIFT, targetBytes: o.targetBytes };
  const plan = await planPostTraining({
    tensors,
    calibration,
    run: (w, b) => runner.run(correction ? correction.apply(w) : w, b),
    ...(o.targetBytes === undefined ? {} : { targetBytes: o.targetBytes, fileBytes: (allocation: GraphAllocation) => write(allocation, sizeRecord).length }),
    compressTensor: graphCompressTensorWith(undefined, source),
    // Float weights may also be rounded to float16, which the writer stores in 2 bytes.
    float16: true,
    ...(o.maxOutputDrift === undefined ? {} : { maxOutputDrift: o.maxOutputDrift }),
    ...(o.outputKinds ? { outputKinds: o.outputKinds } : {}),
    ...(o.jittered ? { jitteredCalibration: o.jittered } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const record = o.targetBytes === undefined ? { maxOutputDrift: plan.budget.maxRelativeError, kinds: [...plan.kinds], evaluations: plan.evaluations.total } : sizeRecord;
  return { plan, bytes: write(plan.allocation, record) };
}
