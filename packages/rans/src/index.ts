/**
 * `@dc/rans`: a rANS (range asymmetric numeral systems) coder with a static frequency table, a
 * plug-in stream coder of the `.dcm` file beside `@dc/huffman`. It reaches the streams' order-0
 * entropy where Huffman codes lose up to a bit per symbol (skewed streams), at a table cost that
 * the file writer weighs per stream. The decoder alone is `@dc/rans/decode`.
 */
export { encodeRans, ransEncoder, ransCoder } from './encode/rans-encode.js';
export { chooseModel, type StreamModel } from './encode/choose-model.js';
export { quantizeFrequencies, codedBits } from './encode/quantize.js';
export { ransDecoder, decodeRans, RANS_ENCODING } from './decode/index.js';
