import { isDcError, listParams, type DcError } from '@dc/core';
import { tinyConvModel } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { clusterWeights } from './cluster-weights.js';
import { bitsFor, resolveOptions, type ClusterWeightsOptions } from './options.js';

function thrown(fn: () => unknown): DcError {
  try {
    fn();
  } catch (error) {
    if (isDcError(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('clusterWeights options', () => {
  it.each([
    [{ bits: 0 }, 'bits'],
    [{ bits: 9 }, 'bits'],
    [{ bits: 4.5 }, 'bits'],
    [{ bits: -1 }, 'bits'],
    [{ bits: Number.NaN }, 'bits'],
    [{ bits: '5' as unknown as number }, 'bits'],
    [{ bits: { dense: 0 } }, 'bits.dense'],
    [{ bits: { conv2d: 9 } }, 'bits.conv2d'],
    [{ layerBits: { fc1: 2.5 } }, 'layerBits.fc1'],
    [{ init: 'spiral' as 'linear' }, 'init'],
    [{ algorithm: 'faiss' as 'lloyd-1d' }, 'algorithm'],
    [{ emptyClusters: 'keep' as 'drop' }, 'emptyClusters'],
    [{ epochs: -1 }, 'epochs'],
    [{ learningRate: 0 }, 'learningRate'],
    [{ centroidMomentum: 1 }, 'centroidMomentum'],
  ] as [ClusterWeightsOptions, string][])('the factory rejects %j with INVALID_OPTION naming %s', (options, option) => {
    const error = thrown(() => clusterWeights(options));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.option).toBe(option);
    expect(error.stage).toBe('dc:cluster');
    expect(error.message).toContain(option);
  });

  it('accepts every integer from 1 to 8', () => {
    for (let bits = 1; bits <= 8; bits++) expect(resolveOptions({ bits }).bits).toEqual({ conv2d: bits, dense: bits });
  });

  it('defaults to the paper: 8 bits for conv layers, 5 for dense, biases not clustered', () => {
    const o = resolveOptions();
    const model = tinyConvModel();
    const bits = Object.fromEntries(listParams(model).map((ref) => [ref.key, bitsFor(ref, o) ?? null]));
    expect(bits).toEqual({ 'conv1/kernel': 8, 'conv1/bias': null, 'fc/kernel': 5, 'fc/bias': null });
  });

  it('applies per-layer overrides (parameter key over layer name), exclusions and biases on request', () => {
    const o = resolveOptions({ layerBits: { conv1: 6, 'conv1/bias': 3, fc: 2 }, includeBiases: true, exclude: ['fc/bias'] });
    const bits = Object.fromEntries(listParams(tinyConvModel()).map((ref) => [ref.key, bitsFor(ref, o) ?? null]));
    expect(bits).toEqual({ 'conv1/kernel': 6, 'conv1/bias': 3, 'fc/kernel': 2, 'fc/bias': null });
  });
});
