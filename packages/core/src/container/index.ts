/** The `.dcm` container: encoder, decoder and the pieces stream encoders build on. */
export { crc32 } from './crc32.js';
export { packBits, unpackBits, packedLength, bitsFor, allocSymbols, type Symbols } from './bit-pack.js';
export { encodeGaps, decodeGaps, gapSymbolCount } from './gaps.js';
export { toFloat16Bits, fromFloat16Bits } from './float16.js';
export { MAGIC, FORMAT_VERSION, PREAMBLE_BYTES, SECTION_ALIGNMENT, LAYOUT_STREAMS } from './header.js';
export type { ContainerHeader, TensorHeader, StreamHeader, StreamRole, StreamType } from './header.js';
export { RAW_ENCODING, type StreamEncoder, type StreamDecoder, type StreamCoder, type EncodedStream } from './stream-codec.js';
export type { StreamEncoding } from './plan-stream.js';
export type { LayoutOptions, TensorEncoding } from './plan-tensor.js';
export { encodeContainer, resolveLayoutOptions, type ContainerInput, type EncodeContainerOptions, type EncodedContainer } from './encode.js';
export { describeContainer, type ContainerDescription, type DescribeContainerOptions, type TensorBytes, type StreamBytes } from './describe.js';
export { byteTableRows, formatByteTable, type ByteTableRow } from './describe-format.js';
export { decodeContainer, readContainerHeader, type DecodeContainerOptions } from './decode.js';
export { containerInputOf } from './recode.js';
export { GRAPH_MODEL_FORMAT_VERSION, type TensorDtype } from './header.js';
export type { GraphModelHeader, GraphModelRecord } from './graph-model-header.js';
export { encodeGraphModelContainer, type GraphModelContainerInput, type GraphModelWeight, type EncodedGraphModelContainer } from './graph-model-encode.js';
export { decodeGraphModelContainer, readGraphModelHeader, graphTensorValues, type DecodedGraphModel, type GraphModelTensor } from './graph-model-decode.js';
