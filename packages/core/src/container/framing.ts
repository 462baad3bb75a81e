/**
 * The outer framing of a `.dcm` file: the 32-byte preamble, the JSON header and the 8-byte-aligned
 * data area. See docs/format.md for the byte layout.
 */
import { deflateSync } from 'fflate';
import { DcError } from '../errors/dc-error.js';
import { crc32 } from './crc32.js';
import { COMPACT_HEADER_DICTIONARY } from './compact-dictionary.js';
import { isCompactHeaderVersion, readCompactHeader } from './compact-header.js';
import { FORMAT_VERSION, MAGIC, NEWEST_FORMAT_VERSION, OLDEST_FORMAT_VERSION, PREAMBLE_BYTES } from './header.js';
import { inflateHeader } from './inflate-header.js';
import { align } from './section-layout.js';
import { MAX_HEADER_BYTES, MAX_HEADER_DEPTH } from './limits.js';

export { align, layoutSections } from './section-layout.js';

/** Preamble flag: the header is stored deflated (raw DEFLATE, RFC 1951). */
export const HEADER_DEFLATED = 1;

/** A header as stored in a file, with the preamble fields that describe it. */
export interface StoredHeader {
  readonly bytes: Uint8Array;
  /** `0` (plain UTF-8 JSON) or {@link HEADER_DEFLATED}. */
  readonly flags: number;
  /** The JSON's length after inflating (flags 1), else 0. */
  readonly inflatedLength: number;
}

/**
 * The header (JSON text, or a compact header's bytes) as stored: deflated when `compress` and that
 * is smaller (JSON repeats its keys), with the preset `dictionary` of compact headers when given.
 */
export function storeHeader(header: string | Uint8Array, compress = true, dictionary?: Uint8Array): StoredHeader {
  const plain = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const deflated = compress ? deflateSync(plain, { level: 9, ...(dictionary ? { dictionary } : {}) }) : plain;
  if (compress && deflated.length < plain.length) return { bytes: deflated, flags: HEADER_DEFLATED, inflatedLength: plain.length };
  return { bytes: plain, flags: 0, inflatedLength: 0 };
}

/**
 * The bytes of a file: preamble, the stored `header` and the sections at `offsets` (from
 * {@link layoutSections}) of a data area of `dataLength` bytes. Checks nothing about the header:
 * tests and fuzzers forge files with it. `version` is for tests only.
 */
export function assembleFile(header: StoredHeader, sections: readonly Uint8Array[], offsets: readonly number[], dataLength: number, version = FORMAT_VERSION): Uint8Array {
  const dataStart = align(PREAMBLE_BYTES + header.bytes.length);
  const total = dataStart + dataLength;
  if (total > 0xffffffff) throw new DcError('INVALID_MODEL', `the file would be ${total} bytes; the format holds at most 4 GiB`);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, version, true);
  view.setUint16(10, header.flags, true);
  view.setUint32(12, total, true);
  view.setUint32(16, header.bytes.length, true);
  view.setUint32(20, crc32(header.bytes), true);
  view.setUint32(24, header.inflatedLength, true);
  view.setUint32(28, crc32(out, 0, 28), true);
  out.set(header.bytes, PREAMBLE_BYTES);
  sections.forEach((s, i) => out.set(s, dataStart + offsets[i]));
  return out;
}

/**
 * The bytes of a file: preamble, `headerJson` (already holding the sections' offsets, lengths and
 * CRCs) and the sections at `offsets` (from {@link layoutSections}). The header is deflated when
 * that is smaller, with its inflated length in the preamble. `version` is for tests only.
 */
export function frame(headerJson: string | Uint8Array, sections: readonly Uint8Array[], offsets: readonly number[], dataLength: number, version = FORMAT_VERSION, compressHeader = true): Uint8Array {
  const jsonBytes = typeof headerJson === 'string' ? new TextEncoder().encode(headerJson).length : headerJson.length;
  if (jsonBytes > MAX_HEADER_BYTES) throw new DcError('INVALID_MODEL', `the header would be ${jsonBytes} bytes; the format allows at most ${MAX_HEADER_BYTES}`);
  const dictionary = isCompactHeaderVersion(version) ? COMPACT_HEADER_DICTIONARY : undefined;
  return assembleFile(storeHeader(headerJson, compressHeader, dictionary), sections, offsets, dataLength, version);
}

/** The preamble's fields, after checking magic, checksums and version. */
export interface Preamble {
  readonly version: number;
  readonly header: unknown;
  /** The header's bytes after inflating: JSON text (versions 1, 2, 4-6, 8, 9) or a compact header (3, 7). */
  readonly text: Uint8Array;
  /** Absolute offset of the data area. */
  readonly dataStart: number;
  readonly dataLength: number;
}

/** Reads and checks the preamble and the JSON header of `bytes`. */
export function readPreamble(bytes: Uint8Array): Preamble {
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= bytes.length) throw new DcError('TRUNCATED_FILE', `the file is only ${bytes.length} bytes long`);
    if (bytes[i] !== MAGIC[i]) throw new DcError('BAD_MAGIC', 'the file does not start with the .dcm magic bytes');
  }
  if (bytes.length < PREAMBLE_BYTES) throw new DcError('TRUNCATED_FILE', `the file is only ${bytes.length} bytes long`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(28, true) !== crc32(bytes, 0, 28)) throw new DcError('CHECKSUM_MISMATCH', 'the preamble checksum does not match');
  const version = view.getUint16(8, true);
  if (version > NEWEST_FORMAT_VERSION) {
    throw new DcError('UNSUPPORTED_VERSION', `the file has format version ${version}; this @dc/core reads up to version ${NEWEST_FORMAT_VERSION}`);
  }
  const flags = view.getUint16(10, true);
  const inflatedLength = view.getUint32(24, true);
  const deflated = flags === HEADER_DEFLATED;
  if (version < OLDEST_FORMAT_VERSION || (flags !== 0 && !deflated)) throw new DcError('BAD_HEADER', 'invalid version or reserved preamble flags');
  if (deflated ? inflatedLength === 0 || inflatedLength > MAX_HEADER_BYTES : inflatedLength !== 0) {
    throw new DcError('BAD_HEADER', `invalid inflated header length ${inflatedLength}`);
  }
  const total = view.getUint32(12, true);
  if (bytes.length < total) throw new DcError('TRUNCATED_FILE', `the file is ${bytes.length} bytes long; its preamble says ${total}`);
  if (bytes.length > total) throw new DcError('BAD_HEADER', `the file is ${bytes.length} bytes long; its preamble says ${total} (trailing bytes)`);
  const headerLength = view.getUint32(16, true);
  const dataStart = align(PREAMBLE_BYTES + headerLength);
  if (dataStart > total) throw new DcError('OUT_OF_BOUNDS', `the header length ${headerLength} points past the end of the file`);
  if (!deflated && headerLength > MAX_HEADER_BYTES) throw new DcError('BAD_HEADER', `the header is ${headerLength} bytes; at most ${MAX_HEADER_BYTES} are allowed`);
  if (view.getUint32(20, true) !== crc32(bytes, PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)) {
    throw new DcError('CHECKSUM_MISMATCH', 'the header checksum does not match');
  }
  for (let i = PREAMBLE_BYTES + headerLength; i < dataStart; i++) {
    if (bytes[i] !== 0) throw new DcError('BAD_PADDING', `padding byte ${i} after the header is ${bytes[i]}, not 0`);
  }
  const stored = bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength);
  const compact = isCompactHeaderVersion(version);
  const text = deflated ? inflateHeader(stored, inflatedLength, compact ? COMPACT_HEADER_DICTIONARY : undefined) : stored;
  let header: unknown;
  if (compact) {
    header = readCompactHeader(text, version);
  } else {
    try {
      // ignoreBOM keeps a byte order mark as U+FEFF, which JSON.parse rejects: JSON text has none (RFC 8259 §8.1).
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(text));
    } catch (cause) {
      throw new DcError('BAD_HEADER', 'the header is not valid UTF-8 JSON', { cause });
    }
  }
  if (nestingDepth(header) > MAX_HEADER_DEPTH) throw new DcError('BAD_HEADER', `the header nests arrays and objects more than ${MAX_HEADER_DEPTH} deep`);
  return { version, header, text, dataStart, dataLength: total - dataStart };
}

/** How deeply `json` nests arrays and objects (a scalar is 0), without recursion. */
function nestingDepth(json: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[json, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_HEADER_DEPTH) break;
    for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
  return deepest;
}
