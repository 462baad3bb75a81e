/** Reads a `.dcm` container back into a {@link CompressedModel}, checking everything it reads. */
import { densify, type CompressedModel, type CompressedTensor } from '../compressed.js';
import { connectedPositions, type SeededConnectivity } from '../connectivity.js';
import { DcError, isDcError } from '../errors/dc-error.js';
import type { LayerConfig, ParamName } from '../ir/model.js';
import { opSpec } from '../ops/table.js';
import { packedLength, unpackBits, type Symbols } from './bit-pack.js';
import { applyChannelScales } from './channel-scales.js';
import { crc32 } from './crc32.js';
import { decodeFloatPlanes } from './float-planes.js';
import { decodeFloats, firstNonFinite, LITTLE_ENDIAN } from './float-stream.js';
import { readPreamble, type Preamble } from './framing.js';
import { isFloatType, type ContainerHeader, type StreamHeader, type TensorHeader } from './header.js';
import { decodeGaps } from './gaps.js';
import { fromColumnOrder, permute } from './order.js';
import { decodeIntegerRange } from './integer-range.js';
import { RAW_ENCODING, RANGE_ENCODING, type StreamDecoder } from './stream-codec.js';
import { checkDataPadding } from './section-table.js';
import { validateHeader } from './validate-header.js';

/** Options of {@link decodeContainer}. */
export interface DecodeContainerOptions {
  /** Decoders of the non-raw encodings the file may use, e.g. `[huffmanDecoder]` from `@dc/huffman/decode`. */
  readonly decoders?: readonly StreamDecoder[];
}

/** Reads and validates only the preamble and header of a file (no stream is decoded). */
export function readContainerHeader(bytes: Uint8Array): ContainerHeader {
  return readCheckedContainer(bytes).checked;
}

/**
 * The preamble of `bytes` and its validated header, after every check of docs/format.md §4 but
 * the streams' (phases A-D: framing, header fields, section table, padding).
 */
export function readCheckedContainer(bytes: Uint8Array): Preamble & { readonly checked: ContainerHeader } {
  return checkContainer(readPreamble(bytes), bytes);
}

/** {@link readCheckedContainer} on an already read preamble of `bytes`. */
export function checkContainer(pre: Preamble, bytes: Uint8Array): Preamble & { readonly checked: ContainerHeader } {
  const checked = validateHeader(pre.header, pre.dataLength, pre.version);
  checkDataPadding(checked.tensors, bytes.subarray(pre.dataStart));
  return { ...pre, checked };
}

function rawSymbols(section: Uint8Array, s: StreamHeader, key: string): Symbols {
  const bits = s.bits!;
  if (section.length !== packedLength(s.count, bits)) {
    throw new DcError('CORRUPT_STREAM', `tensor ${key}: a raw stream of ${s.count} ${bits}-bit symbols must be ${packedLength(s.count, bits)} bytes, not ${section.length}`, { tensor: key });
  }
  const used = (s.count * bits) % 8;
  if (used !== 0 && section[section.length - 1] >> used !== 0) throw new DcError('CORRUPT_STREAM', `tensor ${key}: the padding bits after the last ${bits}-bit symbol are not zero`, { tensor: key });
  if (bits === 8) return section;
  if (bits === 16 && LITTLE_ENDIAN && section.byteOffset % 2 === 0) return new Uint16Array(section.buffer, section.byteOffset, s.count);
  return unpackBits(section, s.count, bits);
}

function checkEncoding(modules: Readonly<Record<string, string>>, key: string, s: StreamHeader, decoders: readonly StreamDecoder[], floatPlanes = false): StreamDecoder | undefined {
  const name = s.encodings[0];
  if (name === RAW_ENCODING) return undefined;
  const coded = s.type === 'symbols' || (floatPlanes && isFloatType(s.type));
  const decoder = coded ? decoders.find((d) => d.encoding === name) : undefined;
  if (!decoder) {
    const module = Object.hasOwn(modules, name) ? modules[name] : undefined;
    const where = module ? `install the package of "${module}" and pass its decoder` : 'pass a decoder for it';
    throw new DcError('UNKNOWN_ENCODING', `tensor ${key} uses encoding "${name}"${module ? ` (decoder: ${module})` : ''}: ${where} in decodeContainer(bytes, { decoders })`, {
      tensor: key,
      hint: module ? `Install the package that provides "${module}" and pass its decoder: decodeContainer(bytes, { decoders: [...] }).` : undefined,
    });
  }
  return decoder;
}

/** The bytes of stream `s` of tensor `key`; `CHECKSUM_MISMATCH` unless they match its CRC-32. */
export function checkedSection(bytes: Uint8Array, dataStart: number, key: string, s: StreamHeader): Uint8Array {
  const data = bytes.subarray(dataStart + s.offset, dataStart + s.offset + s.length);
  if (crc32(data) !== s.crc32) throw new DcError('CHECKSUM_MISMATCH', `a stream of tensor ${key} fails its CRC-32`, { tensor: key });
  return data;
}

/**
 * Decodes the float tensor `t` (any layout) of a file whose data area starts at `dataStart`;
 * `modules` is the header's `decoders` record (named by `UNKNOWN_ENCODING`). Every check of
 * docs/format.md §4 phase E; `infiniteValues` (format version 4) lets `values` streams hold
 * infinities and NaN, as graph constants do (codebooks stay finite); `floatPlanes` (format version
 * 6) lets float streams be coded byte planes (float-planes.ts); a codebook whose header says
 * `range` (format version 9, admitted by the header check alone) is an integer range
 * (integer-range.ts). A seeded tensor (format version 7)
 * gets its connected positions (`connectedPositions`, O(size)); `CORRUPT_STREAM` unless they are
 * `entries` many.
 */
export function decodeTensor(bytes: Uint8Array, dataStart: number, modules: Readonly<Record<string, string>>, t: TensorHeader, decoders: readonly StreamDecoder[], infiniteValues = false, floatPlanes = false): CompressedTensor {
  const key = t.key;
  const section = (s: StreamHeader): Uint8Array => checkedSection(bytes, dataStart, key, s);
  const symbols = (s: StreamHeader): Symbols => {
    const decoder = checkEncoding(modules, key, s, decoders);
    const data = section(s);
    if (!decoder) return rawSymbols(data, s, key);
    let out: Symbols;
    try {
      out = decoder.decodeSymbols(data, s.count, s.bits!);
    } catch (cause) {
      if (isDcError(cause)) throw cause;
      throw new DcError('CORRUPT_STREAM', `the ${decoder.encoding} decoder failed on tensor ${key}`, { tensor: key, cause });
    }
    const width = s.bits! <= 8 ? Uint8Array : Uint16Array;
    if (!(out instanceof width) || out.length !== s.count) throw new DcError('CORRUPT_STREAM', `the ${decoder.encoding} decoder returned the wrong number of symbols for tensor ${key}`, { tensor: key });
    return out;
  };
  const floats = (s: StreamHeader, finite = true): Float32Array => {
    const decoder = checkEncoding(modules, key, s, decoders, floatPlanes);
    const type = s.type as 'f32' | 'f16';
    const values = decoder ? decodeFloatPlanes(section(s), s.count, type, decoder, key) : decodeFloats(section(s), s.count, type);
    const at = finite ? firstNonFinite(values) : -1;
    if (at >= 0) throw new DcError('NON_FINITE_VALUE', `value ${at} of a stream of tensor ${key} is ${values[at]}`, { tensor: key });
    return values;
  };
  // A codebook (finite); in format version 9 maybe an integer range, the one stream the header
  // check lets name `range`.
  const codebookOf = (s: StreamHeader): Float32Array => (s.encodings[0] === RANGE_ENCODING ? decodeIntegerRange(section(s), s.count, key) : floats(s));
  // Per-channel scales (format version 5): finite and positive.
  const channelScales = (s: StreamHeader): Float32Array => {
    const scales = floats(s);
    const at = scales.findIndex((v) => !(v > 0));
    if (at >= 0) throw new DcError('VALUE_OUT_OF_RANGE', `scale ${at} of tensor ${key} is ${scales[at]}: scales are positive`, { tensor: key });
    return scales;
  };
  const coded = (codesHeader: StreamHeader, k: number): Symbols => {
    const codes = symbols(codesHeader);
    for (let i = 0; i < codes.length; i++) if (codes[i] >= k) throw new DcError('CORRUPT_STREAM', `code ${codes[i]} of tensor ${key} is past its codebook of ${k}`, { tensor: key });
    return codes;
  };
  const { streams, shape } = t;
  const size = shape.reduce((a, b) => a * b, 1);
  // Sparse entries: row-major positions, and the permutation from stored (column) order if any;
  // a seeded tensor's are its connected positions (§2.10), as many as it has entries.
  const entries = (): { positions: Uint32Array; perm?: Uint32Array } => {
    if (t.connectivity) {
      const positions = connectedPositions(t.connectivity, size);
      if (positions.length !== t.entries) {
        throw new DcError('CORRUPT_STREAM', `tensor ${key}: its seeded connectivity has ${positions.length} connected positions; the header says ${t.entries} entries`, { tensor: key });
      }
      return { positions };
    }
    const indices = decodeGaps(symbols(streams.gaps!), t.gapBits!, t.entries!, size);
    return t.order === 'column' ? fromColumnOrder(indices, shape) : { positions: indices };
  };
  switch (t.layout) {
    case 'dense':
      return { layout: 'dense', shape, values: floats(streams.values!, !infiniteValues) };
    case 'sparse': {
      const { positions, perm } = entries();
      const values = floats(streams.values!, !infiniteValues);
      return { layout: 'sparse', shape, positions, values: perm ? permute(values, perm) : values };
    }
    case 'dense-coded': {
      const codebook = codebookOf(streams.codebook!);
      const scales = streams.scales && channelScales(streams.scales);
      const tensor: CompressedTensor = { layout: 'dense-coded', shape, codebook, codes: coded(streams.codes!, codebook.length) };
      return scales ? applyChannelScales(key, tensor, scales) : tensor;
    }
    case 'sparse-coded': {
      const { positions, perm } = entries();
      const codebook = codebookOf(streams.codebook!);
      const scales = streams.scales && channelScales(streams.scales);
      const codes = coded(streams.codes!, codebook.length);
      const tensor: CompressedTensor = { layout: 'sparse-coded', shape, positions, codebook, codes: perm ? permute(codes, perm) : codes };
      return scales ? applyChannelScales(key, tensor, scales) : tensor;
    }
  }
}

/** `VALUE_OUT_OF_RANGE` when the op of the tensor's node refuses its values (batch norm's variance). */
function checkParamValues(key: string, tensor: CompressedTensor, configs: ReadonlyMap<string, LayerConfig>): void {
  const slash = key.lastIndexOf('/');
  const config = configs.get(key.slice(0, slash));
  const check = config && opSpec(config.kind)?.paramValues;
  if (!check) return;
  const problem = check(config, key.slice(slash + 1) as ParamName, densify(tensor));
  if (problem) throw new DcError('VALUE_OUT_OF_RANGE', `tensor ${key}: ${problem}`, { tensor: key });
}

/**
 * Decodes `.dcm` bytes. Every failure is a `DcError`: `BAD_MAGIC`, `TRUNCATED_FILE`,
 * `UNSUPPORTED_VERSION`, `CHECKSUM_MISMATCH`, `BAD_HEADER`, `BAD_PADDING`, `OUT_OF_BOUNDS`,
 * `UNKNOWN_ENCODING` (its message names the module to install), `CORRUPT_STREAM`,
 * `NON_FINITE_VALUE` or `VALUE_OUT_OF_RANGE`, as docs/format.md §4 lists them. Float32 arrays of the result
 * may be views of `bytes` (zero-copy): do not modify `bytes` while using the model.
 */
export function decodeContainer(bytes: Uint8Array, options: DecodeContainerOptions = {}): CompressedModel {
  const { checked: header, dataStart } = readCheckedContainer(bytes);
  const decoders = options.decoders ?? [];
  const tensors = new Map<string, CompressedTensor>();
  const connectivity = new Map<string, SeededConnectivity>();
  const configs = new Map(header.model.layers.map((l) => [l.name, l.config]));
  for (const t of header.tensors) {
    const tensor = decodeTensor(bytes, dataStart, header.decoders, t, decoders);
    checkParamValues(t.key, tensor, configs);
    tensors.set(t.key, tensor);
    if (t.connectivity) connectivity.set(t.key, t.connectivity);
  }
  const m = header.model;
  return {
    name: m.name,
    inputShape: m.inputShape,
    ...(m.inputName === undefined ? {} : { inputName: m.inputName }),
    layers: m.layers,
    ...(m.preprocessing === undefined ? {} : { preprocessing: m.preprocessing }),
    ...(m.training === undefined ? {} : { training: m.training }),
    tensors,
    stages: header.stages,
    ...(connectivity.size === 0 ? {} : { connectivity }),
  };
}
