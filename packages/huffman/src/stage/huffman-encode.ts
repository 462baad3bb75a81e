/**
 * The `dc:huffman` stage: `encodeFile` of `@dc/core` with the Huffman coder, under the name and
 * options it has always had (files it writes are byte-identical to the ones it wrote before the
 * writer became a stage of its own).
 */
import { encodeFile, type JsonValue, type Stage } from '@dc/core';
import { huffmanCoder } from '../encode/huffman-encode.js';
import { resolveHuffmanOptions, type HuffmanEncodeOptions } from './options.js';

/**
 * Creates the Huffman coding stage (name `dc:huffman`): `encodeFile({ coders: [huffmanCoder] })`
 * (no coder with `huffman: false`). It requires nothing; it uses `prune/masks` and
 * `quantize/codebooks` when earlier stages provide them, and provides `encode/file`:
 * `{ bytes, decoded }`, where `decoded` is the result of decoding `bytes`.
 *
 * ```ts
 * createPipeline().use(pruneLowMagnitude(...)).use(clusterWeights(...)).use(huffmanEncode())
 * ```
 */
export function huffmanEncode(options: HuffmanEncodeOptions = {}): Stage<never, 'encode/file'> {
  const { huffman, ...layout } = resolveHuffmanOptions(options);
  const json: { [key: string]: JsonValue } = { ...layout, huffman };
  return encodeFile({ ...layout, coders: huffman ? [huffmanCoder] : [] }, { name: 'dc:huffman', options: json });
}
