/**
 * Bias correction (Nagel et al., "Data-Free Quantization", 2019, §4.2, empirical form): pruning and
 * clustering a weight change its op's output by ΔW·x, whose mean over real inputs is rarely zero
 * (post-ReLU inputs are positive), and a shifted mean passes through every later layer. With the
 * mean input patch M of each linked op measured once on calibration inputs with the original
 * model, the bias takes back the shift: b' = b − ΔW·M, so the op's mean output over those inputs
 * is what it was. No retraining; the file stores the corrected biases as ordinary weights.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '@dc/core';
import { biasLinks, outputChannels, type BiasLink } from './bias-links.js';
import { executeGraph } from './execute-graph.js';
import { patchMeans } from './patch-means.js';
import type { GraphModelSource } from './source.js';

/** One op input summed over calibration samples: `[height, width, channels]` or `[channels]`. */
export interface InputSums {
  readonly shape: readonly number[];
  readonly sums: Float64Array;
  readonly count: number;
}

/** Corrects biases for weight changes (see the module comment). */
export interface BiasCorrection {
  /** The links whose inputs were measured: the weights whose biases it corrects. */
  readonly links: readonly BiasLink[];
  /**
   * `weights` (name → changed values) with, for each linked weight among them, its bias corrected
   * for the change; a bias that `weights` itself names is left as given there.
   */
  apply(weights: ReadonlyMap<string, Float32Array>): Map<string, Float32Array>;
}

/**
 * Adds batch `x` (`[samples, ...]`, float32) to the sums of input `name` in `acc`; a tensor of
 * another dtype or shape than the sums so far is left out.
 */
export async function addInputSums(acc: Map<string, InputSums>, name: string, x: tf.Tensor): Promise<void> {
  if (x.dtype !== 'float32' || x.shape.length < 2) return;
  const summed = x.sum(0);
  const values = await summed.data();
  summed.dispose();
  const before = acc.get(name);
  if (before && before.sums.length !== values.length) return;
  const sums = before?.sums ?? new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) sums[k] += values[k];
  acc.set(name, { shape: x.shape.slice(1), sums, count: (before?.count ?? 0) + x.shape[0] });
}

/**
 * Sums each link's op input over `batches` (each one tensor per model input, as `GraphModel.execute`
 * takes them) with the model as loaded: one run per batch to every input at once.
 */
export async function measureInputSums(model: tf.GraphModel, links: readonly BiasLink[], batches: readonly (readonly tf.Tensor[])[]): Promise<Map<string, InputSums>> {
  const names = [...new Set(links.map((l) => l.input))];
  const acc = new Map<string, InputSums>();
  if (names.length === 0) return acc;
  for (const batch of batches) {
    const given = new Set<tf.Tensor>(batch);
    const outs = await executeGraph(model, batch.length === 1 ? batch[0] : [...batch], names);
    try {
      for (const [i, x] of outs.entries()) await addInputSums(acc, names[i], x);
    } finally {
      for (const x of outs) if (!given.has(x)) x.dispose();
    }
  }
  return acc;
}

/** The mean input each weight element meets: per (kh, kw, c) for a convolution, per input row for a matrix product. */
function meanInputs(link: BiasLink, weightShape: readonly number[], input: InputSums): Float64Array | undefined {
  if (link.op === 'matmul') {
    if (input.shape.length !== 1 || input.shape[0] !== weightShape[0]) return undefined;
    return input.sums.map((s) => s / input.count);
  }
  const [height, width, channels] = input.shape;
  if (input.shape.length !== 3 || channels !== weightShape[2]) return undefined;
  return patchMeans(input.sums, height, width, channels, input.count, link.geometry!);
}

/**
 * The shift of each output channel's mean when the weight becomes `changed`: Σ (W' − W) · M over
 * the elements feeding it (`means` per weight row: (kh, kw, c) or the matmul input row).
 */
function meanShift(link: BiasLink, shape: readonly number[], original: Float32Array, changed: Float32Array, means: Float64Array): Float64Array {
  const outputs = outputChannels(link.op, shape);
  const shift = new Float64Array(outputs);
  const last = shape[shape.length - 1];
  for (let i = 0; i < original.length; i++) {
    const d = changed[i] - original[i];
    if (d === 0) continue;
    const row = Math.floor(i / last);
    // A depthwise filter [kh, kw, c, m]: output channel c·m + j, mean of tap (kh, kw, c) = row.
    const out = link.op === 'depthwise' ? (row % shape[2]) * last + (i % last) : i % last;
    shift[out] += d * means[row];
  }
  return shift;
}

/** A weight or bias as the correction reads it (a `GraphModelSource` tensor, or any model's parameter). */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/**
 * The bias correction for `links` over the original `weights` (every linked weight and bias among
 * them), from the op inputs summed by {@link measureInputSums} (or summed any other way: a link's
 * `input` names its sums); links without a measured input of the expected shape are left out.
 */
export function createBiasCorrection(weights: readonly NamedTensor[], links: readonly BiasLink[], inputs: ReadonlyMap<string, InputSums>): BiasCorrection {
  const tensors = new Map(weights.map((t) => [t.name, t]));
  const measured = links.flatMap((link) => {
    const weight = tensors.get(link.weight);
    const bias = tensors.get(link.bias);
    const input = inputs.get(link.input);
    const means = weight && input ? meanInputs(link, weight.shape, input) : undefined;
    return weight && bias && means ? [{ link, weight, bias, means }] : [];
  });
  return {
    links: measured.map((m) => m.link),
    apply(weights) {
      const out = new Map(weights);
      for (const { link, weight, bias, means } of measured) {
        const changed = weights.get(link.weight);
        if (!changed || weights.has(link.bias)) continue;
        const shift = meanShift(link, weight.shape, weight.values as Float32Array, changed, means);
        if (shift.every((d) => d === 0)) continue;
        const sign = link.subtracted ? -1 : 1;
        out.set(link.bias, Float32Array.from(bias.values as Float32Array, (b, o) => b - sign * shift[o]));
      }
      return out;
    },
  };
}

/**
 * {@link biasLinks} of `weights`, their inputs measured on `calibration` with `model` (the
 * original GraphModel, loaded), and the correction. A calibration batch the model cannot run is
 * the model's own error; an empty calibration is `DATA_MISMATCH`.
 */
export async function biasCorrection(source: GraphModelSource, model: tf.GraphModel, weights: ReadonlySet<string>, calibration: readonly (readonly tf.Tensor[])[]): Promise<BiasCorrection> {
  if (calibration.length === 0) throw new DcError('DATA_MISMATCH', 'bias correction needs calibration inputs: none were given', { hint: 'Pass at least one calibration batch.' });
  const links = biasLinks(source, weights);
  return createBiasCorrection(source.tensors, links, await measureInputSums(model, links, calibration));
}
