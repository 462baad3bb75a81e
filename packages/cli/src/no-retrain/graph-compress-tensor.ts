/**
 * The post-training planner's per-tensor compression for GraphModels: `@dc/graph-model`'s
 * `compressWeight`, the very function the `.dcm` writer applies, so what the planner verifies is
 * exactly what the file decodes to.
 */
import { entropyBits, type CompressTensor } from '@dc/allocate';
import { bitsFor, storedCodebookBytes, type Codebook } from '@dc/core';
import { DEFAULT_GRAPH_CODERS, storesIntegerRanges, weightCompressor, type CompressedWeight, type GraphModelSource, type TensorAllocation } from '@dc/graph-model';
import type { ErrorFeedback } from '@dc/quantize';

/** Code streams up to this long are priced by coding them as the writer does; longer ones by their entropy. */
const EXACTLY_PRICED_CODES = 16_384;

/**
 * Bits per entry that the file spends on the codes of `codebook`, one per position it codes (a
 * weight a uniform grid rounds to 0 included: it is stored as the code of the level 0). A stream of
 * up to {@link EXACTLY_PRICED_CODES} codes is coded by the writer's coders (Huffman and rANS, tables
 * included: a 10-bit code's table is no small share of a small kernel's codes) and priced at the
 * smallest of those and raw, as the writer keeps it; a longer one at its entropy plus half a byte
 * per symbol of table (what a Huffman table takes), never more than raw.
 */
export function storedCodeBits(codebook: Codebook): number {
  const n = codebook.codes.length;
  if (n === 0) return 0;
  const width = bitsFor(codebook.centroids.length);
  const raw = Math.ceil((n * width) / 8);
  let bytes = raw;
  if (n <= EXACTLY_PRICED_CODES) {
    for (const coder of DEFAULT_GRAPH_CODERS) bytes = Math.min(bytes, coder.encodeSymbols(codebook.codes, width)?.data.length ?? raw);
  } else {
    let span = 0;
    for (let i = 0; i < n; i++) span = Math.max(span, codebook.codes[i] + 1);
    bytes = Math.min(raw, (n * entropyBits(codebook.codes, codebook.centroids.length)) / 8 + Math.ceil(span / 2));
  }
  return (8 * bytes) / n;
}

/**
 * {@link CompressTensor} through `compressWeight` (code bits: {@link storedCodeBits}; the
 * codebook priced as the file written for `source` stores it: `storedCodebookBytes`, 4 bytes for
 * a uniform grid's range of whole numbers in a GraphModel's file, else 2 bytes per entry where
 * float16, else 4), with error-feedback rounding when `feedback` (the moments of the weight's op)
 * is given: the candidate's error is then its op's output error, which the planner prices it by.
 * The planner asks for one tensor's candidates one after another: consecutive calls on the same
 * (unchanged) array share its pruning and sorted weights (`weightCompressor`), with the same
 * results. One per plan: it holds the last tensor's pruned and sorted weights until the next tensor's.
 */
export function graphCompressTensorWith(feedback: ErrorFeedback | undefined, source: Pick<GraphModelSource, 'artifacts'>): CompressTensor {
  const integerRanges = storesIntegerRanges(source);
  let last: { values: Float32Array; compress: (allocation: TensorAllocation) => CompressedWeight } | undefined;
  return (values, sparsity, bits, form = {}) => {
    if (last?.values !== values) last = { values, compress: weightCompressor(values, feedback ? { feedback } : {}) };
    const c = last.compress({ sparsity, bits, ...form });
    // Kept: what the file stores, a code per codebook position (zeros a grid rounds to included), else each nonzero float.
    let kept = c.codebook?.positions.length ?? 0;
    if (!c.codebook) for (let i = 0; i < c.values.length; i++) if (c.values[i] !== 0) kept++;
    const k = c.codebook?.centroids.length ?? 0;
    const coded = c.codebook ? { codeBits: storedCodeBits(c.codebook), codebookBytes: storedCodebookBytes(c.codebook.centroids, { integerRanges }) } : { codeBits: form.float16 ? 16 : 32 };
    return { values: c.values, kept, centroids: k, ...coded, ...(c.error === undefined ? {} : { error: c.error }) };
  };
}
