/**
 * Where the bytes of a `.dcm` file go: the preamble, the header, every stream of every tensor
 * (with its encoding and the bytes of its code tables) and the alignment padding. Reads the
 * header only; no stream is decoded. Feeds `dc inspect` and the demo's byte tables.
 */
import type { SeededConnectivity } from '../connectivity.js';
import { checkContainer } from './decode.js';
import { readPreamble } from './framing.js';
import { checkGraphModelContainer } from './graph-model-decode.js';
import { isGraphModelVersion, PREAMBLE_BYTES, SEEDED_CONNECTIVITY_HEADER_BYTES, type StreamRole, type StreamType } from './header.js';
import { RANGE_SECTION_BYTES } from './integer-range.js';
import { isBuiltInEncoding, RANGE_ENCODING, type StreamDecoder } from './stream-codec.js';

/** One stream (one section of the data area). */
export interface StreamBytes {
  readonly role: StreamRole;
  readonly type: StreamType;
  /** Symbol width, for `symbols` streams. */
  readonly bits?: number;
  readonly count: number;
  /** The encoding it is stored with (`raw`, `huffman`, `range`, ...). */
  readonly encoding: string;
  /**
   * An integer-range codebook (format version 9, encoding `range`): its first and last value, read
   * from its 4-byte section (absent where the section is not 4 bytes: the reader refuses that file).
   */
  readonly range?: { readonly first: number; readonly last: number };
  /** Stored bytes of the section. */
  readonly bytes: number;
  /**
   * Bytes of the section that are code tables (e.g. Huffman code lengths): 0 for `raw`, the
   * decoder's answer when one was passed for the encoding, `null` when unknown.
   */
  readonly tableBytes: number | null;
}

/** One parameter tensor. */
export interface TensorBytes {
  readonly key: string;
  /** Files that keep a model.json record (format versions 4-6, 8 and 9): the weight's dtype. */
  readonly dtype?: string;
  readonly shape: readonly number[];
  /** The layout; `sparse-coded (seeded)` for a tensor whose positions are seeded (format version 7). */
  readonly layout: string;
  /** Stored entries of sparse layouts. */
  readonly entries?: number;
  /**
   * Format version 7: the seeded connectivity its positions are generated from, stored in
   * {@link TensorBytes.positionHeaderBytes} bytes of the (inflated) header instead of a `gaps` stream.
   */
  readonly connectivity?: SeededConnectivity;
  /** Seeded tensors: bytes of the compact header (before deflating) that give its positions (seed and keep: 8). */
  readonly positionHeaderBytes?: number;
  /** Sum of its streams' bytes. */
  readonly bytes: number;
  readonly streams: readonly StreamBytes[];
}

/** The byte table of a whole file; every byte is counted exactly once. */
export interface ContainerDescription {
  readonly fileBytes: number;
  readonly version: number;
  /** The fixed preamble (32 bytes). */
  readonly preambleBytes: number;
  /** The header as stored, and whether it is deflated (with its JSON length). */
  readonly header: { readonly bytes: number; readonly deflated: boolean; readonly jsonBytes: number };
  readonly tensors: readonly TensorBytes[];
  /** Zero bytes that align the data area and the sections (file bytes not in the preamble, header or a section). */
  readonly paddingBytes: number;
  /** Sums by what the bytes hold (`preamble + header + padding + Σ stream roles = fileBytes`). */
  readonly totals: {
    readonly header: number;
    readonly padding: number;
    /** Codebooks and per-channel scales (format version 5): the shared values. */
    readonly codebook: number;
    readonly codes: number;
    readonly gaps: number;
    readonly values: number;
    /** Of the above, code tables inside the streams (known ones). */
    readonly tables: number;
    /** Streams of kernels, and of the other parameters (biases). */
    readonly kernels: number;
    readonly others: number;
  };
}

/** Options of {@link describeContainer}. */
export interface DescribeContainerOptions {
  /** Decoders whose `tableBytes` tell how much of a section is tables. */
  readonly decoders?: readonly StreamDecoder[];
}

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

/** The first and last value of a `range` section of `count` values (its int32 first value; not checked: see the reader). */
function rangeOf(section: Uint8Array, count: number): { first: number; last: number } {
  const first = new DataView(section.buffer, section.byteOffset, RANGE_SECTION_BYTES).getInt32(0, true);
  return { first, last: first + count - 1 };
}

/**
 * The byte table of `bytes` (any format version; a GraphModel file's tensors are its weights),
 * after the same preamble and header checks as `decodeContainer` / `decodeGraphModelContainer`
 * (same `DcError`s). Sections are not checked against their CRCs.
 */
export function describeContainer(bytes: Uint8Array, options: DescribeContainerOptions = {}): ContainerDescription {
  const preamble = readPreamble(bytes);
  const pre = isGraphModelVersion(preamble.version) ? checkGraphModelContainer(preamble, bytes) : checkContainer(preamble, bytes);
  const header = pre.checked;
  const decoders = options.decoders ?? [];
  const storedHeader = u32(bytes, 16);
  const deflated = u32(bytes, 24) !== 0;
  const tableBytes = (encoding: string, section: Uint8Array, bits: number | undefined): number | null => {
    if (isBuiltInEncoding(encoding)) return 0;
    const d = decoders.find((x) => x.encoding === encoding);
    if (!d?.tableBytes || bits === undefined) return null;
    try {
      return d.tableBytes(section, bits);
    } catch {
      return null;
    }
  };
  const tensors: TensorBytes[] = header.tensors.map((t) => {
    const streams: StreamBytes[] = Object.entries(t.streams).map(([role, s]) => {
      const section = bytes.subarray(pre.dataStart + s.offset, pre.dataStart + s.offset + s.length);
      return {
        role: role as StreamRole,
        type: s.type,
        ...(s.bits === undefined ? {} : { bits: s.bits }),
        count: s.count,
        encoding: s.encodings.join('+'),
        ...(s.encodings[0] === RANGE_ENCODING && section.length === RANGE_SECTION_BYTES ? { range: rangeOf(section, s.count) } : {}),
        bytes: s.length,
        tableBytes: tableBytes(s.encodings.at(-1)!, section, s.bits),
      };
    });
    return {
      key: t.key,
      ...(t.dtype === undefined ? {} : { dtype: t.dtype }),
      shape: t.shape,
      layout: t.connectivity ? `${t.layout} (seeded)` : t.layout,
      ...(t.entries === undefined ? {} : { entries: t.entries }),
      ...(t.connectivity ? { connectivity: t.connectivity, positionHeaderBytes: SEEDED_CONNECTIVITY_HEADER_BYTES } : {}),
      bytes: streams.reduce((n, s) => n + s.bytes, 0),
      streams,
    };
  });
  const all = tensors.flatMap((t) => t.streams.map((s) => ({ kernel: t.key.endsWith('/kernel'), s })));
  const sum = (f: (x: (typeof all)[number]) => boolean) => all.filter(f).reduce((n, x) => n + x.s.bytes, 0);
  const streamBytes = sum(() => true);
  const headerBytes = PREAMBLE_BYTES + storedHeader;
  const paddingBytes = bytes.length - headerBytes - streamBytes;
  return {
    fileBytes: bytes.length,
    version: pre.version,
    preambleBytes: PREAMBLE_BYTES,
    header: { bytes: storedHeader, deflated, jsonBytes: deflated ? u32(bytes, 24) : storedHeader },
    tensors,
    paddingBytes,
    totals: {
      header: headerBytes,
      padding: paddingBytes,
      codebook: sum((x) => x.s.role === 'codebook' || x.s.role === 'scales'),
      codes: sum((x) => x.s.role === 'codes'),
      gaps: sum((x) => x.s.role === 'gaps'),
      values: sum((x) => x.s.role === 'values'),
      tables: all.reduce((n, x) => n + (x.s.tableBytes ?? 0), 0),
      kernels: sum((x) => x.kernel),
      others: sum((x) => !x.kernel),
    },
  };
}
