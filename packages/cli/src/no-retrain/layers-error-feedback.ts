/**
 * Error-feedback rounding (GPTQ) for a LayersModel's post-training compression, as
 * `@dc/graph-model`'s for GraphModels: each `dense` / `conv2d` kernel the plan codes takes its codes
 * for its layer's output error on the calibration inputs, not for its own squared error, from the
 * second moments of its layer's inputs, measured once with the original (folded) model. The
 * planner prices each coded candidate so (`layersCompressTensor` with the kernel's feedback), and
 * the file is coded so by {@link errorFeedbackStage} after clustering, from the same weights: what
 * the planner verifies is what the file decodes to. Float candidates, depthwise kernels and layers
 * of more than `DEFAULT_FEEDBACK_MAX_INPUTS` inputs are rounded plainly.
 */
import type * as tf from '@tensorflow/tfjs';
import { defineStage, listParams, mapParams, type Codebook, type Model, type Stage } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import { addInputMoments, errorFeedbackOf, feedbackInputs, takesErrorFeedback, type InputMomentSums } from '@dc/graph-model';
import { codeWithErrorFeedback, type ErrorFeedback } from '@dc/quantize';
import { forEachLayerInput } from './layer-inputs.js';
import { layerOpLinks } from './layers-bias-correction.js';

/** The stage name of {@link errorFeedbackStage}. */
export const ERROR_FEEDBACK_STAGE = 'dc:error-feedback';

/**
 * The error feedback of each kernel among `kernels` that takes it (see the module comment),
 * measured on `calibration` with `model`. `centered`: round for the output less its mean (what
 * bias correction leaves), as `measureErrorFeedback` of `@dc/graph-model`.
 */
export async function layersErrorFeedback(tfjs: typeof tf, model: Model, kernels: ReadonlySet<string>, calibration: readonly tf.Tensor[], options: { readonly centered: boolean }): Promise<Map<string, ErrorFeedback>> {
  const shapes = new Map(listParams(model).map((r) => [r.key, r.tensor.shape]));
  const links = layerOpLinks(model, kernels).filter((l) => takesErrorFeedback(l, shapes.get(l.weight)));
  if (links.length === 0) return new Map();
  const byLayer = new Map(links.map((l) => [l.input, l]));
  const sums: InputMomentSums = new Map();
  const lm = toLayersModel(model, tfjs);
  try {
    await forEachLayerInput(tfjs, lm, [...byLayer.keys()], calibration.map((b) => [b]), (layer, x) => {
      const link = byLayer.get(layer)!;
      return addInputMoments(tfjs, sums, link, feedbackInputs(link, shapes.get(link.weight)!), x);
    });
  } finally {
    lm.dispose();
  }
  return errorFeedbackOf(sums, options);
}

/**
 * A stage after clustering: each clustered weight with an error feedback re-coded by it
 * (`codeWithErrorFeedback` of `originals`' weight, the model before pruning: the same centroids and
 * positions, codes chosen for the op's output), its codebook and values replaced. Metrics:
 * `recoded`, the weights it re-coded.
 */
export function errorFeedbackStage(originals: ReadonlyMap<string, Float32Array>, feedback: ReadonlyMap<string, ErrorFeedback>): Stage<'quantize/codebooks', 'quantize/codebooks'> {
  return defineStage<'quantize/codebooks', 'quantize/codebooks'>({
    name: ERROR_FEEDBACK_STAGE,
    options: { tensors: [...feedback.keys()] },
    requires: ['quantize/codebooks'],
    provides: ['quantize/codebooks'],
    // Codes move; centroids, positions and pruned zeros stay.
    changes: ['values'],
    async apply({ model, artifacts }) {
      const codebooks = new Map<string, Codebook>(artifacts['quantize/codebooks']);
      const values = new Map<string, Float32Array>();
      for (const [key, codebook] of codebooks) {
        const fed = feedback.get(key);
        const original = originals.get(key);
        if (!fed || !original) continue;
        const coded = codeWithErrorFeedback(original, codebook, fed);
        codebooks.set(key, coded.codebook);
        values.set(key, coded.values);
      }
      const out = mapParams(model, (ref) => (values.has(ref.key) ? { shape: [...ref.tensor.shape], values: values.get(ref.key)! } : undefined));
      return { model: out, artifacts: { 'quantize/codebooks': codebooks }, metrics: { recoded: values.size } };
    },
  });
}
