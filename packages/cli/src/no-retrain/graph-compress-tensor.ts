/**
 * The post-training planner's per-tensor compression for GraphModels: `@dc/graph-model`'s
 * `compressWeight`, the very function the `.dcm` writer applies, so what the planner verifies is
 * exactly what the file decodes to.
 */
import { entropyBits, type CompressTensor } from '@dc/allocate';
import { compressWeight } from '@dc/graph-model';

/** {@link CompressTensor} through `compressWeight` (code bits: the entropy of its codes). */
export const graphCompressTensor: CompressTensor = (values, sparsity, bits, form = {}) => {
  const c = compressWeight(values, { sparsity, bits, ...form });
  let kept = 0;
  for (const v of c.values) if (v !== 0) kept++;
  const k = c.codebook?.centroids.length ?? 0;
  return { values: c.values, kept, codeBits: c.codebook ? entropyBits(c.codebook.codes, k) : form.float16 ? 16 : 32, centroids: k };
};
