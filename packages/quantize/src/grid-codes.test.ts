import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, exactInFloat16, scaledValue } from '@dc/core';
import { clusterTensor } from './cluster-tensor.js';
import { gridCodes } from './grid-codes.js';

/** Weights whose channels differ in scale by up to 100×, a tenth of them exact zeros. */
function weights(rows: number, channels: number, seed: number, scale = 0.1): Float32Array {
  const rnd = createRandom(seed);
  const channelScale = Array.from({ length: channels }, () => scale * 10 ** (2 * rnd.next() - 1));
  return Float32Array.from({ length: rows * channels }, (_, i) => (rnd.next() < 0.1 ? 0 : Math.fround((rnd.next() - 0.5) * 2 * channelScale[i % channels])));
}

describe('gridCodes', () => {
  it('codes each kept weight to the nearest multiple of its channel step, within ±L, over a codebook of consecutive whole numbers (property)', () => {
    const tensor = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 1000 }));
    fc.assert(
      fc.property(tensor, ([channels, rows, bits, seed]) => {
        const values = weights(rows, channels, seed);
        const mask = Uint8Array.from(values, (_, i) => ((i * 7 + seed) % 5 === 0 ? 0 : 1));
        const out = gridCodes(values, mask, { bits, channels });
        const { centroids, codes, positions, scales } = out.codebook;
        const levels = 2 ** (bits - 1) - 1;
        expect(out.codebook.bits).toBe(bits);
        expect(scales!.length).toBe(channels);
        expect(exactInFloat16(scales!)).toBe(true);
        for (let j = 0; j < centroids.length; j++) expect(centroids[j]).toBe(centroids[0] + j);
        if (centroids.length > 0) expect(Math.max(-centroids[0], centroids.at(-1)!)).toBeLessThanOrEqual(levels);
        let sse = 0;
        for (let i = 0; i < positions.length; i++) {
          const p = positions[i];
          const step = scales![p % channels];
          const k = centroids[codes[i]];
          expect(out.values[p]).toBe(scaledValue(step, k) + 0);
          // Nearest level: no other multiple within ±L is closer (up to float32 rounding of the product).
          const distance = Math.abs(values[p] - step * k);
          for (const other of [k - 1, k + 1]) if (Math.abs(other) <= levels) expect(distance).toBeLessThanOrEqual(Math.abs(values[p] - step * other) * (1 + 1e-6) + 1e-12);
          sse += (values[p] - out.values[p]) ** 2;
        }
        expect(out.sse).toBeCloseTo(sse, 12);
        values.forEach((v, p) => (v === 0 || mask[p] === 0 ? expect(out.values[p]).toBe(0) : undefined));
        expect(Object.is(out.values.find((v) => v === 0) ?? 0, -0)).toBe(false);
      }),
      { numRuns: 80 },
    );
  });

  it("maps each channel's largest magnitude to ±L steps, so the grid spans the channel", () => {
    const values = weights(64, 8, 5);
    const out = gridCodes(values, undefined, { bits: 8, channels: 8 });
    for (let c = 0; c < 8; c++) {
      let p = c;
      for (let q = c; q < values.length; q += 8) if (Math.abs(values[q]) > Math.abs(values[p])) p = q;
      const i = out.codebook.positions.indexOf(p);
      expect(Math.abs(out.codebook.centroids[out.codebook.codes[i]])).toBe(127);
    }
  });

  it("is about as precise as k-means on a large tensor at 10 bits and far more precise than its 8 bits, on a tensor k-means' 8-bit codebook outweighs", () => {
    const large = weights(1152, 64, 11);
    const kmeans10 = clusterTensor(large, undefined, { bits: 10, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 300, emptyClusters: 'drop', channels: 64 }, createRandom(1));
    const grid10 = gridCodes(large, undefined, { bits: 10, channels: 64 });
    expect(grid10.sse).toBeLessThan(kmeans10.sse * 1.5);
    const small = weights(18, 16, 12);
    const kmeans8 = clusterTensor(small, undefined, { bits: 8, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 300, emptyClusters: 'drop', channels: 16 }, createRandom(1));
    const grid10Small = gridCodes(small, undefined, { bits: 10, channels: 16 });
    expect(grid10Small.sse).toBeLessThan(kmeans8.sse);
  });

  it('keeps float32 steps where a step is below float16 range, exactly', () => {
    const values = weights(16, 4, 3, 1e-9);
    const out = gridCodes(values, undefined, { bits: 8, channels: 4 });
    expect(exactInFloat16(out.codebook.scales!)).toBe(false);
    out.codebook.positions.forEach((p, i) => expect(out.values[p]).toBe(scaledValue(out.codebook.scales![p % 4], out.codebook.centroids[out.codebook.codes[i]]) + 0));
    expect(out.sse).toBeLessThan(values.reduce((s, v) => s + v * v, 0) * 1e-3);
  });

  it('gives an empty codebook for a tensor with nothing kept', () => {
    const out = gridCodes(new Float32Array(8), undefined, { bits: 8, channels: 2 });
    expect(out.codebook.centroids.length).toBe(0);
    expect(out.values).toEqual(new Float32Array(8));
  });

  it('refuses bits outside 2 to 12 and channels that do not divide the tensor with INVALID_OPTION', () => {
    const values = weights(4, 4, 1);
    for (const bits of [1, 13, 2.5]) expect(() => gridCodes(values, undefined, { bits, channels: 4 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'bits' }));
    expect(() => gridCodes(values, undefined, { bits: 8, channels: 3 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'channels' }));
  });
});
