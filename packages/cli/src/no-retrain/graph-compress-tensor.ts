/**
 * The post-training planner's per-tensor compression for GraphModels: `@dc/graph-model`'s
 * `compressWeight`, the very function the `.dcm` writer applies, so what the planner verifies is
 * exactly what the file decodes to.
 */
import { entropyBits, type CompressTensor } from '@dc/allocate';
import { exactInFloat16 } from '@dc/core';
import { weightCompressor, type CompressedWeight, type TensorAllocation } from '@dc/graph-model';
import type { ErrorFeedback } from '@dc/quantize';

/**
 * {@link CompressTensor} through `compressWeight` (code bits: the entropy of its codes; codebook
 * entries priced at 2 bytes where float16, as the writer stores them, else 4), with
 * error-feedback rounding when `feedback` (the moments of the weight's op) is given: the
 * candidate's error is then its op's output error, which the planner prices it by. The planner
 * asks for one tensor's candidates one after another: consecutive calls on the same (unchanged)
 * array share its pruning and sorted weights (`weightCompressor`), with the same results. One
 * per plan: it holds the last tensor's pruned and sorted weights until the next tensor's.
 */
export function graphCompressTensorWith(feedback?: ErrorFeedback): CompressTensor {
  let last: { values: Float32Array; compress: (allocation: TensorAllocation) => CompressedWeight } | undefined;
  return (values, sparsity, bits, form = {}) => {
    if (last?.values !== values) last = { values, compress: weightCompressor(values, feedback ? { feedback } : {}) };
    const c = last.compress({ sparsity, bits, ...form });
    let kept = 0;
    for (let i = 0; i < c.values.length; i++) if (c.values[i] !== 0) kept++;
    const k = c.codebook?.centroids.length ?? 0;
    // The writer stores a codebook in float16 where every centroid is one (FLOAT16_CENTROIDS_MAX_BITS).
    const centroidBytes = c.codebook && exactInFloat16(c.codebook.centroids) ? 2 : 4;
    return { values: c.values, kept, codeBits: c.codebook ? entropyBits(c.codebook.codes, k) : form.float16 ? 16 : 32, centroids: k, centroidBytes, ...(c.error === undefined ? {} : { error: c.error }) };
  };
}
