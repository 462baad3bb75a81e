import { createPipeline, isDcError, listParams } from '@dc/core';
import { thrownError, tinyConvModel, tinyDenseModel, tinyTextModel, withRandomParams } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { clusterWeights } from './cluster-weights.js';
import { bitsFor, resolveOptions, type ClusterWeightsOptions } from './options.js';

const thrown = thrownError;

describe('clusterWeights options', () => {
  it.each([
    [{ bits: 0 }, 'bits'],
    [{ bits: 9 }, 'bits'],
    [{ bits: 4.5 }, 'bits'],
    [{ bits: -1 }, 'bits'],
    [{ bits: Number.NaN }, 'bits'],
    [{ bits: { dense: 0 } }, 'bits.dense'],
    [{ bits: { conv2d: 9 } }, 'bits.conv2d'],
    [{ layerBits: { fc1: 2.5 } }, 'layerBits.fc1'],
    [{ init: 'spiral' as 'linear' }, 'init'],
    [{ algorithm: 'faiss' as 'lloyd-1d' }, 'algorithm'],
    [{ emptyClusters: 'keep' as 'drop' }, 'emptyClusters'],
    [{ epochs: -1 }, 'epochs'],
    [{ learningRate: 0 }, 'learningRate'],
    [{ centroidMomentum: 1 }, 'centroidMomentum'],
    [{ bitz: 4 } as never, 'bitz'],
    [{ bits: { dense: 4, fc: 3 } } as never, 'bits.fc'],
    [{ bits: '5' as never }, 'bits'],
    [{ exclude: 'fc1' } as never, 'exclude'],
    [{ exclude: ['fc1', 'fc1'] }, 'exclude'],
    [{ includeBiases: 1 } as never, 'includeBiases'],
    [{ layerBits: { 'fc1/bias': 4 } }, 'layerBits.fc1/bias'],
  ] as [ClusterWeightsOptions, string][])('the factory rejects %j with INVALID_OPTION naming %s', (options, option) => {
    const error = thrown(() => clusterWeights(options));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.option).toBe(option);
    expect(error.stage).toBe('dc:cluster');
    expect(error.message).toContain(option);
  });

  it('accepts every integer from 1 to 8 (fine codes of up to 12 bits are for clusterTensor, not the stage)', () => {
    for (let bits = 1; bits <= 8; bits++) expect(resolveOptions({ bits }).bits).toEqual({ conv2d: bits, dense: bits });
    expect(thrown(() => clusterWeights({ bits: 10 })).option).toBe('bits');
  });

  it('defaults to the paper: 8 bits for conv layers, 5 for dense, biases not clustered', () => {
    const o = resolveOptions();
    const model = tinyConvModel();
    const bits = Object.fromEntries(listParams(model).map((ref) => [ref.key, bitsFor(ref, o) ?? null]));
    expect(bits).toEqual({ 'conv1/kernel': 8, 'conv1/bias': null, 'fc/kernel': 5, 'fc/bias': null });
  });

  it('clusters an embedding table with the dense bits unless bits.embedding (or a number for all) says otherwise', () => {
    const bitsOf = (options: ClusterWeightsOptions) => Object.fromEntries(listParams(tinyTextModel()).map((ref) => [ref.key, bitsFor(ref, resolveOptions(options)) ?? null]));
    expect(bitsOf({})).toEqual({ 'embed/kernel': 5, 'head/kernel': 5, 'head/bias': null });
    expect(bitsOf({ bits: { embedding: 3, dense: 6 } })).toEqual({ 'embed/kernel': 3, 'head/kernel': 6, 'head/bias': null });
    expect(bitsOf({ bits: 4 })).toEqual({ 'embed/kernel': 4, 'head/kernel': 4, 'head/bias': null });
    expect(resolveOptions({}).bits).toEqual({ conv2d: 8, dense: 5 });
    expect(thrown(() => clusterWeights({ bits: { embedding: 9 } })).option).toBe('bits.embedding');
  });

  it('clusters a transposed convolution with the conv2d bits', () => {
    const decoder = withRandomParams({ name: 'decoder', inputShape: [4, 4, 3], layers: [{ name: 'up', config: { kind: 'conv2dTranspose', filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'sigmoid', useBias: true } }] }, 1);
    const bits = Object.fromEntries(listParams(decoder).map((ref) => [ref.key, bitsFor(ref, resolveOptions({ bits: { conv2d: 6, dense: 3 } })) ?? null]));
    expect(bits).toEqual({ 'up/kernel': 6, 'up/bias': null });
  });

  it('applies per-layer overrides (parameter key over layer name), exclusions and biases on request', () => {
    const o = resolveOptions({ layerBits: { conv1: 6, 'conv1/bias': 3, fc: 2 }, includeBiases: true, exclude: ['fc/bias'] });
    const bits = Object.fromEntries(listParams(tinyConvModel()).map((ref) => [ref.key, bitsFor(ref, o) ?? null]));
    expect(bits).toEqual({ 'conv1/kernel': 6, 'conv1/bias': 3, 'fc/kernel': 2, 'fc/bias': null });
  });
});

describe('clusterWeights layer names', () => {
  it('a typo in layerBits or exclude is UNKNOWN_LAYER before any stage runs, listing the valid names', async () => {
    const model = tinyDenseModel();
    const typo = await createPipeline().use(clusterWeights({ layerBits: { nosuch: 4 }, exclude: ['fc1'] })).run(model).catch((e: unknown) => e);
    expect(isDcError(typo) && [typo.code, typo.stage, typo.option, typo.tensor]).toEqual(['UNKNOWN_LAYER', 'dc:cluster', 'layerBits.nosuch', 'nosuch']);
    expect((typo as Error).message).toContain('valid: fc1, fc2, fc1/kernel, fc1/bias, fc2/kernel, fc2/bias');
    const excluded = await createPipeline().use(clusterWeights({ exclude: ['x'] })).run(model).catch((e: unknown) => e);
    expect(isDcError(excluded) && [excluded.code, excluded.option]).toEqual(['UNKNOWN_LAYER', 'exclude']);
    // Layer names and parameter keys of dense/conv2d layers are accepted; a pooling layer is not.
    await expect(createPipeline().use(clusterWeights({ layerBits: { fc1: 4, 'fc2/kernel': 3 }, exclude: ['fc2/bias'] })).run(model)).resolves.toBeDefined();
    const pool = thrown(() => clusterWeights({ layerBits: { pool1: 4 } }).checkModel!(tinyConvModel()));
    expect([pool.code, pool.option]).toEqual(['INVALID_OPTION', 'layerBits.pool1']);
  });
});
