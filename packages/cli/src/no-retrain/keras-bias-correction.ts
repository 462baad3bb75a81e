/**
 * Bias correction for a LayersModel kept as given (its model.json, not dc's layer graph), as
 * layers-bias-correction.ts does for the layer graph: each `Dense`, `Conv2D` or `DepthwiseConv2D`
 * layer (channels last) whose kernel is compressed gets its bias corrected for the mean shift of
 * its output on the calibration inputs, measured once with the original. A layer without a bias
 * whose output goes, linear, to one `BatchNormalization` alone (a ResNet's or a MobileNet's
 * convolutions) has the batch norm's moving mean take the shift instead (the batch norm subtracts
 * it). Weights are named as in the manifest (`<layer>/kernel`, `<layer>/bias`, `<bn>/moving_mean`).
 */
import type * as tf from '@tensorflow/tfjs';
import { createBiasCorrection, type BiasCorrection, type BiasLink, type GraphModelSource } from '@dc/graph-model';
import { layerInputSums } from './layers-bias-correction.js';

type LayerConfig = {
  readonly useBias?: boolean;
  readonly activation?: string;
  readonly axis?: number | readonly number[];
  readonly kernelSize?: number | readonly number[];
  readonly strides?: number | readonly number[];
  readonly dilationRate?: number | readonly number[];
  readonly padding?: string;
  readonly dataFormat?: string;
};

const pair = (v: number | readonly number[] | undefined, fallback: number): [number, number] => (v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1] ?? v[0]]);

const weightNamed = (layer: tf.layers.Layer, suffix: string): string | undefined => layer.weights.map((w) => w.originalName).find((n) => n.endsWith(suffix));

/**
 * Where a layer without a bias has its shift taken: the moving mean of the one `BatchNormalization`
 * (over the last axis) that alone reads its linear output, or none.
 */
function batchNormMean(layer: tf.layers.Layer, rank: number): string | undefined {
  const c = layer.getConfig() as LayerConfig;
  if ((c.activation ?? 'linear') !== 'linear' || layer.inboundNodes.length !== 1 || layer.outboundNodes.length !== 1) return undefined;
  const next = layer.outboundNodes[0].outboundLayer;
  const axis = (next.getConfig() as LayerConfig).axis;
  const last = axis === -1 || axis === rank - 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1));
  return next.getClassName() === 'BatchNormalization' && last ? weightNamed(next, '/moving_mean') : undefined;
}

/**
 * The op of one layer's kernel — its weight, input and geometry, and its bias (or the moving mean of
 * the batch norm that takes its shift; `bias` absent: neither) — or none (another class, channels
 * first, causal padding).
 */
export function kerasOpLink(layer: tf.layers.Layer): (Omit<BiasLink, 'bias'> & { readonly bias?: string }) | undefined {
  const cls = layer.getClassName();
  const c = layer.getConfig() as LayerConfig;
  const kernel = weightNamed(layer, cls === 'DepthwiseConv2D' ? '/depthwise_kernel' : '/kernel');
  if (!kernel || !['Dense', 'Conv2D', 'DepthwiseConv2D'].includes(cls)) return undefined;
  const own = c.useBias === false ? undefined : weightNamed(layer, '/bias');
  const mean = own ? undefined : batchNormMean(layer, cls === 'Dense' ? 2 : 4);
  const bias = own ?? mean;
  const linked = { ...(bias ? { bias } : {}), ...(mean ? { subtracted: true } : {}) };
  if (cls === 'Dense') return { weight: kernel, input: layer.name, op: 'matmul', ...linked };
  if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') return undefined;
  if (c.padding !== 'same' && c.padding !== 'valid') return undefined;
  const geometry = { kernel: pair(c.kernelSize, 1), strides: pair(c.strides, 1), dilations: pair(c.dilationRate, 1), padding: c.padding === 'same' ? 'SAME' : 'VALID' } as const;
  return { weight: kernel, input: layer.name, op: cls === 'Conv2D' ? 'conv2d' : 'depthwise', geometry, ...linked };
}

/** The link of one layer's kernel to its bias (or batch norm's mean), or none. */
function linkOf(layer: tf.layers.Layer): BiasLink | undefined {
  const link = kerasOpLink(layer);
  return link?.bias === undefined ? undefined : { ...link, bias: link.bias };
}

/**
 * The bias correction of `lm` (the original, loaded from `source`) for its kernels among `kernels`,
 * measured on `calibration` (per batch, one tensor per model input); layers called more than once
 * (shared) are left uncorrected.
 */
export async function kerasBiasCorrection(tfjs: typeof tf, lm: tf.LayersModel, source: GraphModelSource, kernels: ReadonlySet<string>, calibration: readonly (readonly tf.Tensor[])[]): Promise<BiasCorrection> {
  const links = lm.layers.map(linkOf).filter((l): l is BiasLink => l !== undefined && kernels.has(l.weight));
  const weights = source.tensors.filter((t) => t.dtype === 'float32').map((t) => ({ name: t.name, shape: t.shape, values: t.values as Float32Array }));
  return createBiasCorrection(weights, links, await layerInputSums(tfjs, lm, links, calibration));
}
