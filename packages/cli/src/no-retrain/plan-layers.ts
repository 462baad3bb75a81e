/**
 * `dc compress model.json --no-retrain --calibration …` for a LayersModel: batch norms folded,
 * then every dense / conv2d kernel of at least 256 weights allocated by `planPostTraining` on the
 * calibration inputs, then pruned, clustered and written with the planned sparsity and bits
 * (kernels the plan keeps float, and smaller ones, are not clustered); each compressed kernel's
 * bias corrected for the mean shift it causes (see layers-bias-correction.ts), unless turned off,
 * and with `errorFeedback` each coded dense / conv2d kernel coded by error feedback (see
 * layers-error-feedback.ts).
 * The planner clusters and rounds as the writer does (layers-compress-tensor.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { planPostTraining, type OutputKind, type PostTrainingPlan } from '@dc/allocate';
import { createPipeline, foldBatchNorm, listParams, WEIGHT_PARAMS, type Model, type Preprocessing, type ProgressEvent, type Stage } from '@dc/core';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights, type ErrorFeedback } from '@dc/quantize';
import { fileStage } from '../compress/stages.js';
import { correctBiasesStage, layersBiasCorrection } from './layers-bias-correction.js';
import { asStored, layersCompressTensor } from './layers-compress-tensor.js';
import { errorFeedbackStage, layersErrorFeedback } from './layers-error-feedback.js';
import { createLayersRunner } from './layers-runner.js';
import { requirePlannedTensors } from './require-planned.js';

/** Kernels with fewer weights stay float (as @dc/graph-model's eligibility rule). */
export const MIN_PLANNED_ELEMENTS = 256;

/** Options of {@link planAndCompressLayers}. */
export interface PlanLayersOptions {
  readonly maxOutputDrift?: number;
  readonly outputKinds?: readonly (OutputKind | undefined)[];
  readonly foldBatchNorm: boolean;
  readonly float32: boolean;
  readonly seed: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Correct each compressed kernel's bias for the mean shift of its layer's output (default true; `--no-bias-correction`). */
  readonly biasCorrection?: boolean;
  /** Code each dense / conv2d kernel by error feedback from its layer's input moments (default false; `--error-feedback`; layers-error-feedback.ts). */
  readonly errorFeedback?: boolean;
  /** The calibration batches jittered by one grey level: what the original cannot reproduce under it is not judged (planPostTraining's `jitteredCalibration`). */
  readonly jittered?: readonly tf.Tensor[];
  /** A size target in place of the budget's search: the file at most this many bytes (planPostTraining's `targetBytes`; `--target-bytes`). */
  readonly targetBytes?: number;
  /** The scaling of raw inputs the calibration inputs were made with, recorded in the file (`--input-scale`, `--input-offset`). */
  readonly preprocessing?: Preprocessing;
}

/** Plans on `calibration` and returns the plan and the written file's bytes. */
export async function planAndCompressLayers(tfjs: typeof tf, input: Model, calibration: readonly tf.Tensor[], o: PlanLayersOptions): Promise<{ plan: PostTrainingPlan; bytes: Uint8Array; model: Model }> {
  const recorded = o.preprocessing ? { ...input, preprocessing: o.preprocessing } : input;
  const model = o.foldBatchNorm ? (await createPipeline().use(foldBatchNorm()).run(recorded, { seed: o.seed })).model : recorded;
  const clusterable = listParams(model).filter((r) => WEIGHT_PARAMS.includes(r.param) && ['dense', 'conv2d', 'conv2dTranspose', 'embedding', 'recurrent'].includes(r.layer.config.kind));
  const tensors = clusterable.filter((r) => r.tensor.values.length >= MIN_PLANNED_ELEMENTS).map((r) => ({ name: r.key, shape: r.tensor.shape, values: r.tensor.values }));
  requirePlannedTensors(tensors, 'dense or convolution kernel or embedding table', MIN_PLANNED_ELEMENTS);
  // Measured once with the original (folded) model; every allocation is verified with its biases corrected, as the file stores them.
  const planned = new Set(tensors.map((t) => t.name));
  const correction = o.biasCorrection === false ? undefined : await layersBiasCorrection(tfjs, model, planned, calibration);
  // With bias correction taking back each layer's mean shift, the feedback rounds for what it leaves: the covariance.
  const feedback = o.errorFeedback === true ? await layersErrorFeedback(tfjs, model, planned, calibration, { centered: correction !== undefined }) : new Map<string, ErrorFeedback>();
  const originals = new Map(tensors.map((t) => [t.name, t.values]));
  const stored = asStored(model, !o.float32);
  /** The file for an allocation: the planned kernels pruned and clustered (the others not clustered), biases corrected. */
  const write = async (allocation: PostTrainingPlan['allocation']): Promise<Uint8Array> => {
    const sparsity: Record<string, number> = {};
    const layerBits: Record<string, number> = {};
    for (const [key, a] of Object.entries(allocation)) {
      if (a.sparsity > 0) sparsity[key] = a.sparsity;
      if (a.bits !== null) layerBits[key] = a.bits;
    }
    // Each planned weight is pruned to its own sparsity (by its key: a recurrent layer's two kernels
    // apart), every other one to none, and clustered only when planned.
    const exclude = listParams(model).filter((r) => WEIGHT_PARAMS.includes(r.param) && layerBits[r.key] === undefined).map((r) => r.key);
    const stages: Stage[] = [];
    if (Object.keys(sparsity).length > 0) stages.push(pruneLowMagnitude({ sparsity: { '*': 0, ...sparsity }, evaluate: false }) as Stage);
    stages.push(clusterWeights({ bits: 8, layerBits, exclude, init: 'linear', evaluate: false }) as Stage);
    if (feedback.size > 0) stages.push(errorFeedbackStage(originals, feedback) as Stage);
    if (correction) stages.push(correctBiasesStage(correction));
    stages.push(fileStage(o));
    return (await createPipeline().useAll(stages).run(model, { seed: o.seed })).artifacts['encode/file']!.bytes;
  };
  const runner = createLayersRunner(tfjs, model);
  let plan: PostTrainingPlan;
  try {
    plan = await planPostTraining({
      // A kernel with error feedback is priced and verified as the feedback codes it.
      tensors: tensors.map((t) => (feedback.has(t.name) ? { ...t, compress: layersCompressTensor(!o.float32, feedback.get(t.name)) } : t)),
      calibration,
      ...(o.targetBytes === undefined ? {} : { targetBytes: o.targetBytes, fileBytes: async (allocation: PostTrainingPlan['allocation']) => (await write(allocation)).length }),
      // Every run with the parameters as the file stores them (float16 unless --float32).
      run: (w, b) => runner.run(stored(correction ? correction.apply(w) : w), b),
      compressTensor: layersCompressTensor(!o.float32),
      // The clusterWeights stage codes at most 8 bits.
      fineBitLevels: [],
      ...(o.maxOutputDrift === undefined ? {} : { maxOutputDrift: o.maxOutputDrift }),
      ...(o.outputKinds ? { outputKinds: o.outputKinds } : {}),
      ...(o.jittered ? { jitteredCalibration: o.jittered } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
  } finally {
    runner.dispose();
  }
  return { plan, bytes: await write(plan.allocation), model };
}
