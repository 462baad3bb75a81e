/**
 * An analytic model of a layer's bytes in the file, used to rank trade-offs between layers
 * (the absolute size is calibrated against the real writer by the planner).
 */

/**
 * Bits per kept weight of the sparse index when gaps between kept weights are geometric with
 * kept density `d` and entropy-coded: `H(d) / d` (about 5.0 bits at 8% kept, 7.4 at 2%).
 */
export function indexBits(density: number): number {
  if (density >= 1) return 0;
  if (density <= 0) return 0;
  const h = -density * Math.log2(density) - (1 - density) * Math.log2(1 - density);
  return h / density;
}

/**
 * Predicted bytes of one layer's kernel: kept weights × (code bits + index bits) / 8 plus a
 * codebook of `centroids` entries (default `2^bits`) of `centroidBytes` each (default 4: float32;
 * 2 where the writer stores codebooks as float16). `codeBits` (default `bits`) is the bits per
 * code actually spent, e.g. the entropy of the code histogram under Huffman coding.
 */
export function layerBytes(params: number, sparsity: number, bits: number, codeBits: number = bits, centroids: number = 2 ** bits, centroidBytes: number = 4): number {
  const kept = Math.round((1 - sparsity) * params);
  return (kept * (codeBits + indexBits(kept / params))) / 8 + centroidBytes * centroids;
}
