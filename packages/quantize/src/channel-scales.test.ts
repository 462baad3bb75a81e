import { createRandom, decodeGraphModelContainer, encodeGraphModelContainer, exactInFloat16, graphTensorValues, isDcError } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { clusterTensor } from './cluster-tensor.js';

const options = { bits: 4, init: 'linear' as const, algorithm: 'lloyd-1d' as const, maxIterations: 50 };

/** A [3, 3, 8, 6] kernel whose output channels differ in scale by up to 10^4 (a folded batch norm). */
function foldedKernel(seed = 3): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: 3 * 3 * 8 * 6 }, (_, i) => Math.fround((r.next() - 0.5) * 10 ** (1 - (i % 6) * 0.8)));
}

function channelError(values: Float32Array, out: Float32Array, channel: number, channels: number): number {
  let err = 0;
  let norm = 0;
  for (let i = channel; i < values.length; i += channels) {
    err += (values[i] - out[i]) ** 2;
    norm += values[i] ** 2;
  }
  return Math.sqrt(err / norm);
}

describe('clusterTensor with per-channel scales', () => {
  it('reconstructs every weight as float32(scale × centroid), with float16 scales, and keeps small channels', () => {
    const values = foldedKernel();
    values[6] = 0; // an exact zero stays exactly zero
    const scaled = clusterTensor(values, undefined, { ...options, channels: 6 }, createRandom(1));
    const plain = clusterTensor(values, undefined, options, createRandom(1));
    const { scales, centroids, positions, codes } = scaled.codebook;
    expect(scales).toHaveLength(6);
    expect(exactInFloat16(scales!)).toBe(true);
    expect(centroids.length).toBeLessThanOrEqual(16);
    positions.forEach((p, i) => expect(scaled.values[p]).toBe(Math.fround(scales![p % 6] * centroids[codes[i]])));
    expect(scaled.values[6]).toBe(0);
    expect(positions).not.toContain(6);
    let sse = 0;
    for (let i = 0; i < values.length; i++) sse += (values[i] - scaled.values[i]) ** 2;
    expect(scaled.sse).toBeCloseTo(sse, 12);
    // The smallest channel (10^-3 of the largest): lost by one codebook for all, kept with scales.
    expect(channelError(values, plain.values, 5, 6)).toBeGreaterThan(0.5);
    expect(channelError(values, scaled.values, 5, 6)).toBeLessThan(0.1);
  });

  it('round-trips through a .dcm file exactly, pruned or not (random tensors, channels and bits)', () => {
    const r = createRandom(9);
    for (let trial = 0; trial < 12; trial++) {
      const shape = [1 + r.int(3), 1 + r.int(3), 1 + r.int(8), 1 + r.int(12)];
      const n = shape.reduce((a, b) => a * b, 1);
      const channels = trial % 2 ? shape[3] : shape[2] * shape[3];
      const values = Float32Array.from({ length: n }, (_, i) => (r.next() < 0.3 ? 0 : Math.fround((r.next() - 0.5) * 2 ** ((i % channels) - 4))));
      const mask = trial % 3 ? undefined : Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
      const c = clusterTensor(values, mask, { ...options, bits: 1 + r.int(8), channels }, createRandom(trial));
      if (c.codebook.centroids.length === 0) continue;
      const graph = { format: 'graph-model' as const, modelTopology: { node: [{ name: 'w', op: 'Const' }] } };
      const bytes = encodeGraphModelContainer({ graph, weights: [{ name: 'w', dtype: 'float32', shape, values: c.values, codebook: c.codebook }] }).bytes;
      expect(Array.from(graphTensorValues(decodeGraphModelContainer(bytes).tensors[0]))).toEqual(Array.from(c.values));
    }
  });

  it('refuses a channel count that does not divide the tensor, and any other bad option, with INVALID_OPTION naming it', () => {
    const error = (extra: Record<string, unknown>) => {
      try {
        clusterTensor(foldedKernel(), undefined, { ...options, ...extra } as never, createRandom(1));
        return 'no error';
      } catch (e) {
        return isDcError(e) ? { code: e.code, option: e.option, message: e.message, hint: e.hint } : String(e);
      }
    };
    expect(error({ channels: 7 })).toEqual({
      code: 'INVALID_OPTION',
      option: 'channels',
      message: '[INVALID_OPTION] option "channels" of stage "dc:cluster": 7 does not divide the tensor\'s 432 weights',
      hint: "Pass the product of the tensor's last extents (the output channels of a [.., in, out] kernel), or leave channels out.",
    });
    expect(error({ channels: 0 })).toMatchObject({ option: 'channels', message: expect.stringContaining('must be an integer ≥ 1, got 0') });
    expect(error({ channels: 1.5 })).toMatchObject({ option: 'channels', message: expect.stringContaining('got 1.5') });
    expect(error({ chanels: 6 })).toMatchObject({ code: 'INVALID_OPTION', option: 'chanels', message: expect.stringContaining('unknown option (known: bits, init, algorithm, maxIterations, emptyClusters, channels, centroidFormat)') });
    expect(error({ bits: 13 })).toMatchObject({ code: 'INVALID_OPTION', option: 'bits' });
    expect(error({ emptyClusters: 'keep' })).toMatchObject({ code: 'INVALID_OPTION', option: 'emptyClusters' });
    expect(error({ channels: 72 })).toBe('no error');
  });
});
