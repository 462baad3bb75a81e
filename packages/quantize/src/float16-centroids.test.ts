import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, exactInFloat16, scaledValue } from '@dc/core';
import { clusterTensor } from './cluster-tensor.js';

const OPTIONS = { init: 'linear', algorithm: 'lloyd-1d', maxIterations: 300, emptyClusters: 'drop' } as const;

/** A kernel's worth of weights of one scale, a tenth of them exact zeros. */
function weights(n: number, seed: number, scale = 0.1): Float32Array {
  const rnd = createRandom(seed);
  return Float32Array.from({ length: n }, () => (rnd.next() < 0.1 ? 0 : Math.fround((rnd.next() - 0.5) * 2 * scale)));
}

describe("clusterTensor with centroidFormat: 'float16'", () => {
  it('gives sorted, distinct float16 centroids, every kept weight on its nearest, pruned and zero weights exactly 0 (property)', () => {
    const tensor = fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 80 }), fc.boolean(), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1000 }));
    fc.assert(
      fc.property(tensor, ([channels, rows, withChannels, bits, seed]) => {
        const values = weights(rows * channels, seed);
        const mask = Uint8Array.from(values, (_, i) => ((i * 7 + seed) % 5 === 0 ? 0 : 1));
        const out = clusterTensor(values, mask, { bits, ...OPTIONS, centroidFormat: 'float16', ...(withChannels ? { channels } : {}) }, createRandom(1));
        const { centroids, codes, positions, scales } = out.codebook;
        expect(exactInFloat16(centroids)).toBe(true);
        expect(centroids.length).toBeLessThanOrEqual(2 ** bits);
        for (let j = 1; j < centroids.length; j++) expect(centroids[j]).toBeGreaterThan(centroids[j - 1]);
        for (let i = 0; i < positions.length; i++) {
          const p = positions[i];
          const x = scales ? values[p] / scales[p % scales.length] : values[p];
          const distance = Math.abs(x - centroids[codes[i]]);
          for (const c of centroids) expect(distance).toBeLessThanOrEqual(Math.abs(x - c) + 1e-7);
          expect(out.values[p]).toBe(scales ? scaledValue(scales[p % scales.length], centroids[codes[i]]) : centroids[codes[i]]);
        }
        values.forEach((v, p) => (v === 0 || mask[p] === 0 ? expect(out.values[p]).toBe(0) : undefined));
      }),
      { numRuns: 60 },
    );
  });

  it("adds little to an 8-bit codebook's error: the sum of squares within 5% of float32 centroids'", () => {
    const values = weights(4608, 7);
    const f32 = clusterTensor(values, undefined, { bits: 8, ...OPTIONS }, createRandom(1));
    const f16 = clusterTensor(values, undefined, { bits: 8, ...OPTIONS, centroidFormat: 'float16' }, createRandom(1));
    expect(exactInFloat16(f32.codebook.centroids)).toBe(false);
    expect(f16.sse).toBeGreaterThanOrEqual(f32.sse * 0.999);
    expect(f16.sse).toBeLessThan(f32.sse * 1.05);
  });

  it('keeps the whole codebook float32 where a centroid is past float16 range or would round to zero', () => {
    for (const scale of [1e5, 1e-9]) {
      const values = weights(256, 3, scale);
      const f32 = clusterTensor(values, undefined, { bits: 4, ...OPTIONS }, createRandom(1));
      const f16 = clusterTensor(values, undefined, { bits: 4, ...OPTIONS, centroidFormat: 'float16' }, createRandom(1));
      expect(f16).toEqual(f32);
      expect(exactInFloat16(f16.codebook.centroids)).toBe(false);
    }
  });

  it('refuses another centroidFormat with INVALID_OPTION naming it', () => {
    expect(() => clusterTensor(weights(16, 1), undefined, { bits: 2, ...OPTIONS, centroidFormat: 'bfloat16' as never }, createRandom(1))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'centroidFormat' }));
  });
});
