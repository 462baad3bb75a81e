/**
 * What the post-training planner gets for a GraphModel, shared by `dc compress --no-retrain
 * --calibration` and the corpus benchmark: every eligible float32 weight (`isEligible`: ≥ 256
 * elements) with the channels of its per-channel scales, and the bias correction measured once on
 * the calibration batches with the original model; a bias the correction rewrites is stored as
 * float32, not planned.
 */
import type * as tf from '@tensorflow/tfjs';
import type { PlanTensor } from '@dc/allocate';
import { biasCorrection, channelCounts, isEligible, type BiasCorrection, type GraphModelSource } from '@dc/graph-model';

/** Options of {@link graphPlanInputs}. */
export interface GraphPlanInputsOptions {
  /** Correct biases (default true). */
  readonly biasCorrection?: boolean;
  /** Offer coded candidates with per-channel scales along each weight's output channels (default true). */
  readonly channelScales?: boolean;
}

/** The planner's tensors and the correction its `run` and the writer apply (see the module comment). */
export async function graphPlanInputs(source: GraphModelSource, model: tf.GraphModel, calibration: readonly (readonly tf.Tensor[])[], o: GraphPlanInputsOptions = {}): Promise<{ tensors: PlanTensor[]; correction?: BiasCorrection }> {
  const channels = o.channelScales === false ? new Map<string, number>() : channelCounts(source);
  const eligible = source.tensors.filter((t) => isEligible(t));
  const correction = o.biasCorrection === false ? undefined : await biasCorrection(source, model, new Set(eligible.map((t) => t.name)), calibration);
  const corrected = new Set(correction?.links.map((l) => l.bias));
  const tensors = eligible.filter((t) => !corrected.has(t.name)).map((t) => ({ name: t.name, shape: t.shape, values: t.values as Float32Array, ...(channels.has(t.name) ? { channels: channels.get(t.name)! } : {}) }));
  return { tensors, ...(correction ? { correction } : {}) };
}
