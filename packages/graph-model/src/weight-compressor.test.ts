import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@dc/core';
import { prepareErrorFeedback } from '@dc/quantize';
import { compressWeight, weightCompressor, type TensorAllocation } from './index.js';

/** Moments of `inputs` correlated inputs (x xᵀ of a random mix, plus a ridge): positive definite. */
function moments(inputs: number, seed: number): Float64Array {
  const rnd = createRandom(seed);
  const mix = Float64Array.from({ length: inputs * inputs }, () => rnd.next() - 0.3);
  const h = new Float64Array(inputs * inputs);
  for (let i = 0; i < inputs; i++) for (let j = 0; j < inputs; j++) for (let k = 0; k < inputs; k++) h[i * inputs + j] += mix[k * inputs + i] * mix[k * inputs + j];
  for (let i = 0; i < inputs; i++) h[i * inputs + i] += 0.1;
  return h;
}

const allocation = fc.record({
  sparsity: fc.constantFrom(0, 0.3, 0.5),
  bits: fc.constantFrom(null, 2, 4, 10),
  scaled: fc.boolean(),
  float16: fc.boolean(),
});

describe('weightCompressor', () => {
  it('gives exactly compressWeight for every allocation, asked in any order, with or without error feedback (property)', () => {
    const [inputs, outputs] = [12, 6];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.boolean(), fc.array(allocation, { minLength: 1, maxLength: 10 }), (seed, fed, asked) => {
        const rnd = createRandom(seed);
        const input = Float32Array.from({ length: inputs * outputs }, (_, i) => (i % 7 === 0 ? 0 : Math.fround((rnd.next() - 0.5) * (1 + (i % outputs)))));
        const before = input.slice();
        const options = fed ? { feedback: prepareErrorFeedback(moments(inputs, seed), inputs) } : {};
        const compress = weightCompressor(input, options);
        for (const { sparsity, bits, scaled, float16 } of asked) {
          const a: TensorAllocation = { sparsity, bits, ...(bits !== null && scaled ? { channels: outputs } : {}), ...(bits === null && float16 ? { float16 } : {}) };
          const got = compress(a);
          expect(got).toEqual(compressWeight(input, a, options));
          // A caller may keep or change what it got: the next answers do not depend on it.
          got.values.fill(7);
          got.codebook?.positions.fill(0);
          got.codebook?.scales?.fill(3);
        }
        expect(input).toEqual(before);
      }),
      { numRuns: 120 },
    );
  });
});
