/**
 * tfjs's `Dense` on an input of rank above 1 applies to the last axis at every position (a
 * token-wise MLP, a per-pixel projection): the IR's `dense` takes rank-1 inputs only, so such a
 * layer is a 1×1 `conv2d` named as the layer, with kernel `[1, 1, n, units]` (the Dense kernel's
 * values as they are). A `[h, w, n]` input needs nothing more; any other shape is reshaped to a
 * one-row image `[1, positions, n]` (`<layer>_2d`) and back (`<layer>_nd`), views in every backend.
 */
import type { DenseConfig, Layer, Tensor } from '../ir/model.js';

/** The nodes of Dense layer `name` (config `c`, parameters `params`) on an input of shape `input` (without the batch axis, rank ≥ 2). */
export function positionwiseDense(name: string, inputs: string[], c: DenseConfig, params: Layer['params'], input: readonly number[]): Layer[] {
  const n = input[input.length - 1];
  const kernel: Tensor | undefined = params.kernel && { shape: [1, 1, n, c.units], values: params.kernel.values };
  const conv: Layer = {
    name,
    config: { kind: 'conv2d', filters: c.units, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: c.activation, useBias: c.useBias },
    inputs,
    params: { ...params, ...(kernel ? { kernel } : {}) },
  };
  if (input.length === 3) return [conv];
  return [
    { name: `${name}_2d`, config: { kind: 'reshape', targetShape: [1, -1, n] }, inputs, params: {} },
    { ...conv, inputs: [`${name}_2d`] },
    { name: `${name}_nd`, config: { kind: 'reshape', targetShape: [...input.slice(0, -1), c.units] }, inputs: [name], params: {} },
  ];
}
