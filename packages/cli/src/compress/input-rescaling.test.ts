/** Which models take their data as it is: those that rescale their input first (one scale, or one per colour) or look it up as token ids. */
import { withRandomParams } from '@dc/core/testing';
import type { LayerConfig, Model } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { rawInputOf } from './input-rescaling.js';

const firstNode = (config: LayerConfig, inputShape = [4, 4, 3]): Model => withRandomParams({ name: 'm', inputShape, layers: [{ name: 'first', config }, { name: 'flat', config: { kind: 'flatten' } }] }, 1);

/** A fixed batchNorm of mean 0 and variance 1 with gamma and beta: what a per-channel `Rescaling` loads as. */
function channelRescaling(): Model {
  const model = firstNode({ kind: 'batchNorm', epsilon: 0, center: true, scale: true, fixed: true });
  const params = { ...model.layers[0].params, movingMean: { shape: [3], values: new Float32Array(3) }, movingVariance: { shape: [3], values: new Float32Array([1, 1, 1]) } };
  return { ...model, layers: [{ ...model.layers[0], params }, model.layers[1]] };
}

describe('rawInputOf', () => {
  it('a model that rescales its input first, by one scale or one per channel, takes raw values; one that normalises by adapted statistics or convolves does not say', () => {
    expect(rawInputOf(firstNode({ kind: 'rescale', scale: 1 / 255, offset: 0 }))).toBe('rescaling');
    expect(rawInputOf(channelRescaling())).toBe('rescaling');
    const normalization = channelRescaling();
    const adapted = { ...normalization, layers: [{ ...normalization.layers[0], params: { ...normalization.layers[0].params, movingMean: { shape: [3], values: new Float32Array([120, 110, 100]) } } }, normalization.layers[1]] };
    expect(rawInputOf(adapted)).toBeUndefined();
    expect(rawInputOf(firstNode({ kind: 'conv2d', filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true }))).toBeUndefined();
  });
});
