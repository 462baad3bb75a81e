/** Options of {@link huffmanEncode} and their validation with core's `optionChecks`. */
import { optionChecks, resolveLayoutOptions, type OptionChecks, type OptionKeys } from '@dc/core';

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

const STAGE = 'dc:huffman';
const KEYS: OptionKeys<HuffmanEncodeOptions> = { gapBits: true, layout: true, floatFormat: true, order: true, huffman: true };
const check: OptionChecks = optionChecks(STAGE);

/** The options with defaults filled in, after validation (`INVALID_OPTION` on bad values and unknown keys). */
export function resolveHuffmanOptions(o: HuffmanEncodeOptions = {}): Required<HuffmanEncodeOptions> {
  check.object<HuffmanEncodeOptions>(o, 'options', KEYS);
  const { gapBits, layout, floatFormat, order } = resolveLayoutOptions(o, STAGE);
  const huffman = o.huffman ?? true;
  check.boolean(huffman, 'huffman');
  return { gapBits, layout, floatFormat, order, huffman };
}
