/**
 * Keras' 1-D layers (`Conv1D`, the 1-D pools) as their 2-D kernels on a one-row image: a sequence
 * `[steps, channels]` is reshaped to `[1, steps, channels]`, run through the 2-D op with a `[1, k]`
 * window, and reshaped back. No op of its own, so every stage and backend runs them as they run
 * `conv2d` and the pools; the reshapes are views. `causal` padding (`Conv1D` only) is a
 * `zeroPadding2d` of `(k − 1) · dilation` steps before the valid convolution.
 */
import type { LayerConfig, Layer } from '../ir/model.js';

/** The 1-D classes and the 2-D op each runs as. */
export const ONE_D_CLASSES = ['Conv1D', 'Conv1DTranspose', 'DepthwiseConv1D', 'SeparableConv1D', 'MaxPooling1D', 'AveragePooling1D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'UpSampling1D', 'ZeroPadding1D', 'Cropping1D'] as const;

/** Whether `cls` is one of {@link ONE_D_CLASSES}. */
export function isOneD(cls: string): boolean {
  return (ONE_D_CLASSES as readonly string[]).includes(cls);
}

/** A number or a one-element list (Keras saves `kernel_size` as `[3]`). */
export function single(v: unknown, fallback: number): number {
  const x = Array.isArray(v) ? (v[0] as unknown) : v;
  return typeof x === 'number' ? x : fallback;
}

/**
 * The nodes of a 1-D layer named `name` whose 2-D op is `op` (from `convertConfig`), for an input
 * `[steps, channels]` (without the batch axis): reshape in, the causal padding if any, the
 * `depthwise` half of a `SeparableConv1D` if any (`<name>_depthwise`), the op (named `name`,
 * holding `params`), reshape out to `[steps', outChannels]` unless the op already
 * ends flat (global pools). Steps are inferred in both reshapes: tfjs declares a causal `Conv1D`'s
 * output as if it were valid, though it computes the padded length, and the layers after it inherit that.
 */
export function oneDNodes(name: string, inputs: string[], op: LayerConfig, params: Layer['params'], input: readonly number[], outChannels: number, causalSteps: number, depthwise?: Pick<Layer, 'config' | 'params'>): Layer[] {
  const nodes: Layer[] = [{ name: `${name}_2d`, config: { kind: 'reshape', targetShape: [1, -1, input[input.length - 1]] }, inputs, params: {} }];
  if (causalSteps > 0) nodes.push({ name: `${name}_causal`, config: { kind: 'zeroPadding2d', amounts: [[0, 0], [causalSteps, 0]] }, inputs: [nodes[nodes.length - 1].name], params: {} });
  if (depthwise) nodes.push({ name: `${name}_depthwise`, ...depthwise, inputs: [nodes[nodes.length - 1].name] });
  nodes.push({ name, config: op, inputs: [nodes[nodes.length - 1].name], params });
  if (op.kind !== 'globalAvgPool2d' && op.kind !== 'globalMaxPool2d') nodes.push({ name: `${name}_1d`, config: { kind: 'reshape', targetShape: [-1, outChannels] }, inputs: [name], params: {} });
  return nodes;
}
