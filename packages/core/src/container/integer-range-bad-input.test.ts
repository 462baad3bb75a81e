import { describe, expect, it } from 'vitest';
import { thrownError, thrownErrorCode as codeOf } from '../testing/error-code.js';
import { joinContainer, resealSections, splitContainer } from '../testing/forge-container.js';
import { decodeContainer } from './decode.js';
import { decodeGraphModelContainer } from './graph-model-decode.js';
import { encodeGraphModelContainer } from './graph-model-encode.js';
import { graphFor, gridScales, gridWeight, integerGrid, layersRecord } from './integer-range-fixtures.test-support.js';

type Stream = { type: string; count: number; encodings: string[]; offset: number; length: number; crc32: number };
type Header = { tensors: Array<{ streams: Record<string, Stream> }>; graph: Record<string, unknown> };

/** A version 9 file: a [4, 8] kernel clustered on −127..127 with 8 channel scales, sparse-coded (the codebook section first, at 0). */
const kernel = gridWeight('k/kernel', [4, 8], integerGrid(-127, 255), { scales: gridScales(8), pruneEvery: 3 });
const file = encodeGraphModelContainer({ graph: graphFor([kernel]), weights: [kernel] }).bytes;
const { header, data } = splitContainer(file) as { header: Header; data: Uint8Array };

/** `file` with its header edited, its data area replaced and every section CRC made valid again (unless `reseal` is false). */
function forge(edit: (h: Header) => void, options: { data?: Uint8Array; version?: number; reseal?: boolean } = {}): Uint8Array {
  const h = structuredClone(header);
  edit(h);
  const bytes = options.data ?? data;
  if (options.reseal !== false) resealSections(h, bytes);
  return joinContainer(JSON.stringify(h), bytes, { version: options.version ?? 9 });
}

/** The data area with the range's int32 first value set to `first`. */
function withFirst(first: number): Uint8Array {
  const out = data.slice();
  new DataView(out.buffer).setInt32(header.tensors[0].streams.codebook.offset, first, true);
  return out;
}

const read = (bytes: Uint8Array) => () => decodeGraphModelContainer(bytes);

describe('integer-range codebooks: every reader check has its code (docs/format.md §4, §9.6)', () => {
  it('the forged file reads as written (the forging is sound)', () => {
    expect(header.tensors[0].streams.codebook).toMatchObject({ offset: 0, length: 4, encodings: ['range'], count: 255 });
    expect(codeOf(read(forge(() => undefined)))).toBe('no error');
    expect(codeOf(read(forge(() => undefined, { data: withFirst(2 ** 24 - 254) })))).toBe('no error'); // last value exactly 2^24
  });

  it('a section other than 4 bytes is CORRUPT_STREAM', () => {
    // 8 bytes: the section takes its padding too, so the section table still tiles the data area.
    expect(codeOf(read(forge((h) => (h.tensors[0].streams.codebook.length = 8))))).toBe('CORRUPT_STREAM');
  });

  it('a first or last value past ±2^24 is VALUE_OUT_OF_RANGE', () => {
    for (const first of [2 ** 24 - 253, -(2 ** 24) - 1, 2 ** 31 - 1, -(2 ** 31)]) expect(codeOf(read(forge(() => undefined, { data: withFirst(first) }))), String(first)).toBe('VALUE_OUT_OF_RANGE');
  });

  it('a section that fails its CRC is CHECKSUM_MISMATCH', () => {
    expect(codeOf(read(forge(() => undefined, { data: withFirst(-128), reseal: false })))).toBe('CHECKSUM_MISMATCH');
  });

  it('a count outside 1..65,536 is BAD_HEADER, as for any codebook', () => {
    expect(codeOf(read(forge((h) => (h.tensors[0].streams.codebook.count = 0))))).toBe('BAD_HEADER');
    expect(codeOf(read(forge((h) => (h.tensors[0].streams.codebook.count = 65537))))).toBe('BAD_HEADER');
    // More entries than the 8-bit codes can index.
    expect(codeOf(read(forge((h) => (h.tensors[0].streams.codebook.count = 257))))).toBe('BAD_HEADER');
  });

  it('range on another stream, on an f16 codebook, or before version 9 is BAD_HEADER at header validation', () => {
    const message = (bytes: Uint8Array) => thrownError(read(bytes)).message;
    expect(message(forge((h) => (h.tensors[0].streams.codebook.type = 'f16')))).toMatch(/only an f32 codebook may be an integer range/);
    expect(message(forge((h) => (h.tensors[0].streams.scales.encodings = ['range'])))).toMatch(/only an f32 codebook may be an integer range, not a f16 scales/);
    expect(message(forge((h) => (h.tensors[0].streams.codes.encodings = ['range'])))).toMatch(/only an f32 codebook may be an integer range, not a symbols codes/);
    for (const version of [5, 6]) expect(message(forge(() => undefined, { version })), `version ${version}`).toMatch(/needs format version 9/);
    // Version 4 has no scales either: a kernel without them.
    const plain = gridWeight('k/kernel', [4, 8], integerGrid(-3, 7));
    const v9 = splitContainer(encodeGraphModelContainer({ graph: graphFor([plain]), weights: [plain] }).bytes);
    expect(v9.version).toBe(9);
    expect(message(joinContainer(JSON.stringify(v9.header), v9.data, { version: 4 }))).toMatch(/needs format version 9/);
    // Version 8 (a LayersModel's record) has everything of 6 but no ranges.
    expect(message(forge((h) => (h.graph = { ...layersRecord }), { version: 8 }))).toMatch(/needs format version 9/);
    expect(codeOf(read(forge((h) => (h.graph = { ...layersRecord }))))).toBe('BAD_HEADER'); // and version 9 holds a GraphModel's record only
  });

  it('a layer-graph reader refuses a version 9 file as it refuses every GraphModel version', () => {
    expect(codeOf(() => decodeContainer(file))).toBe('WRONG_MODEL_FORMAT');
  });
});
