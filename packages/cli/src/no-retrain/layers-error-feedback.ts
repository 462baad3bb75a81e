/**
 * Error-feedback rounding (GPTQ) for a LayersModel's post-training compression, as
 * `@dc/graph-model`'s for GraphModels. In dc's layer graph, each `dense` / `conv2d` kernel the plan codes takes its codes
 * for its layer's output error on the calibration inputs, not for its own squared error, from the
 * second moments of its layer's inputs, measured once with the original (folded) model. The
 * planner prices each coded candidate so (`layersCompressTensor` with the kernel's feedback), and
 * the file is coded so by {@link errorFeedbackStage} after clustering, from the same weights: what
 * the planner verifies is what the file decodes to. Float candidates and depthwise kernels are
 * rounded plainly; layers of more than `DEFAULT_FEEDBACK_MAX_INPUTS` inputs keep only their
 * moments' diagonal blocks (`feedbackBlockSize`). A LayersModel kept as given has its `Dense` /
 * `Conv2D` kernels' feedback measured the same way ({@link kerasErrorFeedback}) and is written by
 * `@dc/graph-model`, as a GraphModel is.
 */
import type * as tf from '@tensorflow/tfjs';
import { defineStage, listParams, mapParams, type Codebook, type Model, type Stage } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import { addInputMoments, errorFeedbackOf, feedbackInputs, takesErrorFeedback, type GraphModelSource, type InputMomentSums, type OpLink } from '@dc/graph-model';
import { codeWithErrorFeedback, type ErrorFeedback } from '@dc/quantize';
import { forEachLayerInput } from './layer-inputs.js';
import { kerasOpLink } from './keras-bias-correction.js';
import { layerOpLinks } from './layers-bias-correction.js';

/** The stage name of {@link errorFeedbackStage}. */
export const ERROR_FEEDBACK_STAGE = 'dc:error-feedback';

/**
 * The error feedback of each of `links`' weights (of `shapes`) that takes it (`takesErrorFeedback`),
 * from its layer's inputs on `batches` (per batch, one tensor per model input) run through `lm`.
 * `centered`: round for the output less its mean (what bias correction leaves), as
 * `measureErrorFeedback` of `@dc/graph-model`.
 */
async function layerInputFeedback(tfjs: typeof tf, lm: tf.LayersModel, links: readonly OpLink[], shapes: ReadonlyMap<string, readonly number[]>, batches: readonly (readonly tf.Tensor[])[], options: { readonly centered: boolean }): Promise<Map<string, ErrorFeedback>> {
  const byLayer = new Map(links.filter((l) => takesErrorFeedback(l, shapes.get(l.weight))).map((l) => [l.input, l]));
  const sums: InputMomentSums = new Map();
  await forEachLayerInput(tfjs, lm, [...byLayer.keys()], batches, (layer, x) => {
    const link = byLayer.get(layer)!;
    return addInputMoments(tfjs, sums, link, feedbackInputs(link, shapes.get(link.weight)!), x);
  });
  return errorFeedbackOf(sums, options);
}

/** The error feedback of each kernel among `kernels` that takes it (see the module comment), measured on `calibration` with `model`. */
export async function layersErrorFeedback(tfjs: typeof tf, model: Model, kernels: ReadonlySet<string>, calibration: readonly tf.Tensor[], options: { readonly centered: boolean }): Promise<Map<string, ErrorFeedback>> {
  const links = layerOpLinks(model, kernels);
  if (links.length === 0) return new Map();
  const lm = toLayersModel(model, tfjs);
  try {
    return await layerInputFeedback(tfjs, lm, links, new Map(listParams(model).map((r) => [r.key, r.tensor.shape])), calibration.map((b) => [b]), options);
  } finally {
    lm.dispose();
  }
}

/**
 * The error feedback of a LayersModel kept as given (`lm`, loaded from `source`; weights named as
 * in its manifest): each `Dense` / `Conv2D` kernel among `kernels` that takes it, from its layer's
 * inputs on `calibration` (per batch, one tensor per model input). `@dc/graph-model`'s writer codes
 * those weights with it.
 */
export function kerasErrorFeedback(tfjs: typeof tf, lm: tf.LayersModel, source: GraphModelSource, kernels: ReadonlySet<string>, calibration: readonly (readonly tf.Tensor[])[], options: { readonly centered: boolean }): Promise<Map<string, ErrorFeedback>> {
  const links = lm.layers.flatMap((layer) => {
    const link = kerasOpLink(layer);
    return link && kernels.has(link.weight) ? [link] : [];
  });
  return layerInputFeedback(tfjs, lm, links, new Map(source.tensors.map((t) => [t.name, t.shape])), calibration, options);
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
