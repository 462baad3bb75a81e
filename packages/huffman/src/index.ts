/**
 * `@dc/huffman`: the third stage of Deep Compression. Canonical Huffman coding (lengths limited
 * to 15 bits by package-merge) of each tensor's code and index streams inside the `.dcm` file.
 * The decoder alone is `@dc/huffman/decode`.
 */
export { huffmanEncode } from './stage/huffman-encode.js';
export { resolveHuffmanOptions, type HuffmanEncodeOptions } from './stage/options.js';
export { encodeHuffman, huffmanEncoder, huffmanCoder } from './encode/huffman-encode.js';
export { limitedCodeLengths } from './encode/code-lengths.js';
/** Moved to `@dc/core` (the file-writing stage reports entropy for every coder); re-exported. */
export { entropyOf, histogram } from '@dc/core';
export { huffmanDecoder, decodeHuffman, HUFFMAN_ENCODING } from './decode/index.js';
