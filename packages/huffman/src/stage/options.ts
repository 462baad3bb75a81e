/** Options of {@link huffmanEncode} and their validation. */
import { assertOption, resolveLayoutOptions } from '@dc/core';

/** Options of the `dc:huffman` stage; all optional. */
export interface HuffmanEncodeOptions {
  /** Bits per relative index: `'auto'` (default) measures 2..8 per tensor; or a fixed 1..16. */
  gapBits?: 'auto' | number;
  /** `'auto'` (default) keeps the smaller of sparse and dense per tensor; or force one. */
  layout?: 'auto' | 'sparse' | 'dense';
  /** Storage of unclustered values: `'float32'` (default, exact) or `'float16'` (half size, rounded). */
  floatFormat?: 'float32' | 'float16';
  /** Order of sparse entries: `'auto'` (default) keeps the smaller of `'row'` (CSR-like) and `'column'` (CSC-like) per tensor. */
  order?: 'auto' | 'row' | 'column';
  /** Huffman-code the symbol streams (default `true`); `false` writes fixed-width codes only. */
  huffman?: boolean;
}

/** The options with defaults filled in, after validation (`INVALID_OPTION` on bad values). */
export function resolveHuffmanOptions(o: HuffmanEncodeOptions = {}): Required<HuffmanEncodeOptions> {
  const stage = 'dc:huffman';
  const { gapBits, layout, floatFormat, order } = resolveLayoutOptions(o, stage);
  const huffman = o.huffman ?? true;
  assertOption(typeof huffman === 'boolean', 'huffman', 'must be true or false', stage);
  return { gapBits, layout, floatFormat, order, huffman };
}
