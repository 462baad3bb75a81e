/**
 * What the post-training planner gets for a GraphModel, shared by `dc compress --no-retrain
 * --calibration` and the corpus benchmark: every eligible float32 weight (`isEligible`: ≥ 256
 * elements) with the channels of its per-channel scales, the bias correction measured once on
 * the calibration batches with the original model (a bias the correction rewrites is stored as
 * float32, not planned), and, when asked for, the error feedback of each weight whose op's input
 * moments were measured on the same batches (its candidates rounded for the op's output, and
 * priced by it).
 */
import type * as tf from '@tensorflow/tfjs';
import type { PlanTensor } from '@dc/allocate';
import { DcError } from '@dc/core';
import { biasCorrection, biasLinks, channelCounts, isEligible, measureErrorFeedback, type BiasCorrection, type GraphModelSource } from '@dc/graph-model';
import type { ErrorFeedback } from '@dc/quantize';
import { graphCompressTensorWith } from './graph-compress-tensor.js';

/** Options of {@link graphPlanInputs}. */
export interface GraphPlanInputsOptions {
  /** Correct biases (default true). */
  readonly biasCorrection?: boolean;
  /** Offer coded candidates with per-channel scales along each weight's output channels (default true). */
  readonly channelScales?: boolean;
  /** Round weights with error feedback from their ops' input moments (default false; see `dc compress --error-feedback`). */
  readonly errorFeedback?: boolean;
  /** Without a GraphModel (a LayersModel kept as given): how to measure the bias correction of the named weights. */
  readonly measureCorrection?: (weights: ReadonlySet<string>) => Promise<BiasCorrection>;
  /** Without a GraphModel: how to measure the error feedback of the named weights (`centered`: for the output less its mean). */
  readonly measureFeedback?: (weights: ReadonlySet<string>, centered: boolean) => Promise<Map<string, ErrorFeedback>>;
}

/**
 * The planner's tensors, the correction its `run` and the writer apply, and the error feedback the
 * writer rounds with (see the module comment). Without `model` (a LayersModel kept as given), no
 * error feedback but what `measureFeedback` measures (`INVALID_OPTION` if asked for without it), and
 * the correction `measureCorrection` measures.
 */
export async function graphPlanInputs(source: GraphModelSource, model: tf.GraphModel | undefined, calibration: readonly (readonly tf.Tensor[])[], o: GraphPlanInputsOptions = {}): Promise<{ tensors: PlanTensor[]; correction?: BiasCorrection; feedback?: ReadonlyMap<string, ErrorFeedback> }> {
  const channels = o.channelScales === false ? new Map<string, number>() : channelCounts(source);
  const eligible = source.tensors.filter((t) => isEligible(t));
  const names = new Set(eligible.map((t) => t.name));
  if (!model && o.errorFeedback === true && !o.measureFeedback) throw new DcError('INVALID_OPTION', 'error feedback measures the inputs of the model\'s ops: neither a GraphModel nor measureFeedback was given', { option: 'errorFeedback', hint: 'Drop --error-feedback.' });
  const measure = model ? () => biasCorrection(source, model, names, calibration) : o.measureCorrection && (() => o.measureCorrection!(names));
  const correction = o.biasCorrection === false || !measure ? undefined : await measure();
  // With bias correction taking back each op's mean shift, the feedback rounds for what it leaves: the covariance.
  const centered = correction !== undefined;
  const measureFeedback = model ? () => measureErrorFeedback(model, biasLinks(source, names), new Map(eligible.map((t) => [t.name, t.shape])), calibration, { centered }) : () => o.measureFeedback!(names, centered);
  const feedback = o.errorFeedback === true ? await measureFeedback() : undefined;
  const corrected = new Set(correction?.links.map((l) => l.bias));
  const tensors = eligible
    .filter((t) => !corrected.has(t.name))
    .map((t) => {
      const fed = feedback?.get(t.name);
      return { name: t.name, shape: t.shape, values: t.values as Float32Array, ...(channels.has(t.name) ? { channels: channels.get(t.name)! } : {}), ...(fed ? { compress: graphCompressTensorWith(fed, source) } : {}) };
    });
  return { tensors, ...(correction ? { correction } : {}), ...(feedback ? { feedback } : {}) };
}
