/**
 * `dc compress model.json --no-retrain --calibration …` for a tfjs GraphModel: every float32 weight
 * `@dc/graph-model` deems eligible (≥ 256 elements) allocated by `planPostTraining` on the
 * calibration inputs, run by tfjs-converter with the weights substituted; then compressed and
 * encoded as a `.dcm` (format v4, or v5 where a weight got per-channel scales) by `@dc/graph-model`.
 */
import type * as tf from '@tensorflow/tfjs';
import { planPostTraining, type OutputKind, type PostTrainingPlan } from '@dc/allocate';
import type { ProgressEvent } from '@dc/core';
import { channelCounts, compressGraphModel, encodeGraphModel, isEligible, type GraphModelSource } from '@dc/graph-model';
import { graphCompressTensor } from './graph-compress-tensor.js';
import type { GraphRunner } from './graph-runner.js';

/** Options of {@link planAndCompressGraph}. */
export interface PlanGraphOptions {
  readonly maxOutputDrift?: number;
  readonly outputKinds?: readonly (OutputKind | undefined)[];
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** Plans on `calibration` with `runner` (the original model) and returns the plan and the `.dcm` bytes. */
export async function planAndCompressGraph(source: GraphModelSource, runner: GraphRunner, calibration: readonly tf.Tensor[], o: PlanGraphOptions): Promise<{ plan: PostTrainingPlan; bytes: Uint8Array }> {
  // Coded candidates also with per-channel scales along the consuming op's output channels (format version 5).
  const channels = channelCounts(source);
  const tensors = source.tensors.filter((t) => isEligible(t)).map((t) => ({ name: t.name, shape: t.shape, values: t.values as Float32Array, ...(channels.has(t.name) ? { channels: channels.get(t.name)! } : {}) }));
  const plan = await planPostTraining({
    tensors,
    calibration: calibration.map((b) => [b]),
    run: (w, b) => runner.run(w, b),
    compressTensor: graphCompressTensor,
    // Float weights may also be rounded to float16, which the writer stores in 2 bytes.
    float16: true,
    ...(o.maxOutputDrift === undefined ? {} : { maxOutputDrift: o.maxOutputDrift }),
    ...(o.outputKinds ? { outputKinds: o.outputKinds } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const stages = [{ name: 'dc:allocate-post-training', options: { maxOutputDrift: plan.budget.maxRelativeError, kinds: [...plan.kinds], evaluations: plan.evaluations.total } }];
  return { plan, bytes: encodeGraphModel(compressGraphModel(source, plan.allocation, { stages })).bytes };
}
