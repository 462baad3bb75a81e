import { describe, expect, it } from 'vitest';
import { createRandom } from '@dc/core';
import { weightCompressor } from '@dc/graph-model';
import { CAUTIOUS_FINE_BITS, cautiousBits } from './cautious-bits.js';
import { graphCompressTensorWith } from './graph-compress-tensor.js';

/** `rows × channels` weights, channels differing in scale by up to 100×. */
function kernel(rows: number, channels: number, seed: number): Float32Array {
  const rnd = createRandom(seed);
  const scale = Array.from({ length: channels }, () => 0.1 * 10 ** (2 * rnd.next() - 1));
  return Float32Array.from({ length: rows * channels }, (_, i) => Math.fround((rnd.next() - 0.5) * 2 * scale[i % channels]));
}

const squaredError = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
const graphFile = { artifacts: { format: 'graph-model' } };

describe('cautiousBits', () => {
  it('keeps 8-bit k-means codes on a kernel of thousands of weights, whose codebook is a small share', () => {
    expect(cautiousBits(kernel(288, 64, 1), 64, graphCompressTensorWith(undefined, graphFile))).toBe(8);
  });

  it('takes a finer grid on a kernel of a few hundred weights: no larger squared error, fewer bytes', () => {
    const values = kernel(27, 16, 2);
    const compress = graphCompressTensorWith(undefined, graphFile);
    const bits = cautiousBits(values, 16, compress);
    expect(CAUTIOUS_FINE_BITS).toContain(bits);
    const chosen = weightCompressor(values)({ sparsity: 0, bits, channels: 16 });
    const eight = weightCompressor(values)({ sparsity: 0, bits: 8, channels: 16 });
    expect(squaredError(values, chosen.values)).toBeLessThanOrEqual(squaredError(values, eight.values));
    expect(chosen.codebook!.centroids.length).toBeGreaterThan(256);
  });

  it("keeps 8 bits where the file would store the grid's codebook entry by entry (a LayersModel kept as given)", () => {
    expect(cautiousBits(kernel(27, 16, 2), 16, graphCompressTensorWith(undefined, { artifacts: { format: 'layers-model' } }))).toBe(8);
  });
});
