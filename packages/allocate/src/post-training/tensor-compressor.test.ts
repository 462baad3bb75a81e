import { createRandom, roundToFloat16 } from '@dc/core';
import { applyMask, pruneToSparsity } from '@dc/prune';
import { clusterTensor } from '@dc/quantize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressTensor, entropyBits, tensorCompressor, type CompressedTensor, type TensorForm } from './tensor-candidates.js';

/** The default compression spelled out from its parts: prune, then cluster from scratch. */
function reference(values: Float32Array, sparsity: number, bits: number | null, form: TensorForm): CompressedTensor {
  const pruned = sparsity > 0 ? applyMask(values, pruneToSparsity({ values }, sparsity).mask) : new Float32Array(values);
  const kept = pruned.filter((v) => v !== 0).length;
  if (bits === null) return { values: form.float16 ? pruned.map(roundToFloat16) : pruned, kept, codeBits: form.float16 ? 16 : 32, centroids: 0 };
  const c = clusterTensor(pruned, undefined, { bits, init: 'linear', algorithm: 'lloyd-1d', maxIterations: 50, ...(form.channels === undefined ? {} : { channels: form.channels }) }, createRandom(1));
  return { values: c.values, kept, codeBits: entropyBits(c.codebook.codes, c.codebook.centroids.length), centroids: c.codebook.centroids.length };
}

const tensor = (length: number, seed: number) => Float32Array.from({ length }, (_, i) => Math.sin((i + 1) * 12.9898 + seed) * (1 + (i % 7)) * 0.1);
const call = fc.record({
  tensor: fc.integer({ min: 0, max: 1 }),
  sparsity: fc.constantFrom(0, 0.5, 0.75),
  bits: fc.constantFrom(null, 1, 3, 5),
  form: fc.constantFrom<TensorForm>({}, { channels: 4 }, { float16: true }),
});

describe('tensorCompressor', () => {
  it('answers any sequence of calls on two tensors exactly as pruning and clustering from scratch, whatever a caller did with earlier answers', () => {
    const tensors = [tensor(240, 0), tensor(96, 3)];
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 10 }), (calls) => {
        const shared = tensorCompressor();
        for (const c of calls) {
          const values = tensors[c.tensor];
          const before = values.slice();
          const got = shared(values, c.sparsity, c.bits, c.form);
          expect(got).toEqual(reference(values, c.sparsity, c.bits, c.form));
          expect(values).toEqual(before);
          got.values.fill(7);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('is what compressTensor answers, and rejects channels that do not divide the tensor as clusterTensor does', () => {
    const values = tensor(240, 1);
    expect(tensorCompressor()(values, 0.5, 3, { channels: 4 })).toEqual(compressTensor(values, 0.5, 3, { channels: 4 }));
    expect(() => tensorCompressor()(values, 0, 3, { channels: 7 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
