/**
 * Bias correction for a LayersModel's post-training compression, as `@dc/graph-model`'s for
 * GraphModels: each `dense` / `conv2d` layer whose kernel is compressed gets its bias corrected
 * for the mean shift of its output on the calibration inputs (b' = b − ΔW·M, M the mean input
 * patch, measured once with the original model). The planner runs every allocation so, and the
 * written file stores the corrected biases (a pipeline stage after clustering, `changes: ['biases']`).
 */
import type * as tf from '@tensorflow/tfjs';
import { listParams, mapParams, paramKey, type Model, type Stage } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import { forEachLayerInput } from './layer-inputs.js';
import { addInputSums, createBiasCorrection, type BiasCorrection, type BiasLink, type InputSums } from '@dc/graph-model';

/** The stage name of {@link correctBiasesStage}. */
export const CORRECT_BIASES_STAGE = 'dc:correct-biases';

/**
 * The links of the `dense` / `conv2d` kernels among `kernels` (`<layer>/kernel`): each op's weight,
 * its input (its layer's name) and geometry, and the key its bias has or would have.
 */
export function layerOpLinks(model: Model, kernels: ReadonlySet<string>): BiasLink[] {
  const links: BiasLink[] = [];
  for (const ref of listParams(model)) {
    const { layer } = ref;
    if (ref.param !== 'kernel' || !kernels.has(ref.key)) continue;
    const bias = paramKey(layer.name, 'bias');
    const c = layer.config;
    if (c.kind === 'dense') links.push({ weight: ref.key, bias, input: layer.name, op: 'matmul' });
    if (c.kind === 'conv2d') {
      const geometry = { kernel: c.kernelSize, strides: c.strides, dilations: c.dilationRate ?? [1, 1], padding: c.padding === 'same' ? 'SAME' : 'VALID' } as const;
      links.push({ weight: ref.key, bias, input: layer.name, op: 'conv2d', geometry });
    }
  }
  return links;
}

/** {@link layerOpLinks} of the kernels whose layer has a bias. */
export function layerBiasLinks(model: Model, kernels: ReadonlySet<string>): BiasLink[] {
  const biases = new Set(listParams(model).filter((r) => r.param === 'bias').map((r) => r.key));
  return layerOpLinks(model, kernels).filter((l) => biases.has(l.bias));
}

/**
 * Each link's layer input (a link's `input` names its layer) summed over the samples of `batches`
 * (per batch, one tensor per model input), run through `lm`, a tfjs LayersModel. A layer called more than once has no single input: its
 * link is left out (and its bias not corrected).
 */
export async function layerInputSums(tfjs: typeof tf, lm: tf.LayersModel, links: readonly BiasLink[], batches: readonly (readonly tf.Tensor[])[]): Promise<Map<string, InputSums>> {
  const sums = new Map<string, InputSums>();
  await forEachLayerInput(tfjs, lm, links.map((l) => l.input), batches, (name, x) => addInputSums(sums, name, x));
  return sums;
}

/** The bias correction of `model` (the original, batch norms folded as it will be written) for its kernels among `kernels`, measured on `calibration`. */
export async function layersBiasCorrection(tfjs: typeof tf, model: Model, kernels: ReadonlySet<string>, calibration: readonly tf.Tensor[]): Promise<BiasCorrection> {
  const links = layerBiasLinks(model, kernels);
  const weights = listParams(model).map((r) => ({ name: r.key, shape: r.tensor.shape, values: r.tensor.values }));
  if (links.length === 0) return createBiasCorrection(weights, links, new Map());
  const lm = toLayersModel(model, tfjs);
  try {
    return createBiasCorrection(weights, links, await layerInputSums(tfjs, lm, links, calibration.map((b) => [b])));
  } finally {
    lm.dispose();
  }
}

/** A stage, after clustering: the bias of each linked kernel that changed, corrected for that change. Metrics: `corrected`. */
export function correctBiasesStage(correction: BiasCorrection): Stage<never, never> {
  return {
    name: CORRECT_BIASES_STAGE,
    options: {},
    requires: [],
    provides: [],
    changes: ['biases'],
    async apply({ model }) {
      const kernels = new Set(correction.links.map((l) => l.weight));
      const changed = new Map(listParams(model).filter((r) => kernels.has(r.key)).map((r) => [r.key, r.tensor.values]));
      const corrected = correction.apply(changed);
      const out = mapParams(model, (ref) => (ref.param === 'bias' && !changed.has(ref.key) && corrected.has(ref.key) ? { shape: ref.tensor.shape, values: corrected.get(ref.key)! } : undefined));
      return { model: out, artifacts: {}, metrics: { corrected: [...corrected.keys()].filter((k) => !changed.has(k)).length } };
    },
  };
}
