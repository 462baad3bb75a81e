/**
 * The post-training planner's per-tensor compression for GraphModels: `@dc/graph-model`'s
 * `compressWeight`, the very function the `.dcm` writer applies, so what the planner verifies is
 * exactly what the file decodes to.
 */
import { entropyBits, type CompressTensor } from '@dc/allocate';
import { compressWeight } from '@dc/graph-model';
import type { ErrorFeedback } from '@dc/quantize';

/**
 * {@link CompressTensor} through `compressWeight` (code bits: the entropy of its codes), with
 * error-feedback rounding when `feedback` (the moments of the weight's op) is given: the
 * candidate's error is then its op's output error, which the planner prices it by.
 */
export function graphCompressTensorWith(feedback?: ErrorFeedback): CompressTensor {
  return (values, sparsity, bits, form = {}) => {
    const c = compressWeight(values, { sparsity, bits, ...form }, feedback ? { feedback } : {});
    let kept = 0;
    for (let i = 0; i < c.values.length; i++) if (c.values[i] !== 0) kept++;
    const k = c.codebook?.centroids.length ?? 0;
    return { values: c.values, kept, codeBits: c.codebook ? entropyBits(c.codebook.codes, k) : form.float16 ? 16 : 32, centroids: k, ...(c.error === undefined ? {} : { error: c.error }) };
  };
}

/** {@link graphCompressTensorWith} without error feedback. */
export const graphCompressTensor: CompressTensor = graphCompressTensorWith();
