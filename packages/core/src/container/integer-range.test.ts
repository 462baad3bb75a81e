import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { storedCodebookBytes } from './codebook-storage.js';
import { describeContainer } from './describe.js';
import { formatByteTable } from './describe-format.js';
import { resolveLayoutOptions } from './encode.js';
import { decodeGraphModelContainer, graphTensorValues } from './graph-model-decode.js';
import { encodeGraphModelContainer, type GraphModelWeight } from './graph-model-encode.js';
import { INTEGER_RANGE_FORMAT_VERSION, NEWEST_FORMAT_VERSION } from './header.js';
import { filesWithoutRanges, graphFor, gridScales, gridWeight, integerGrid, layersRecord } from './integer-range-fixtures.test-support.js';
import { decodeIntegerRange, encodeIntegerRange, isIntegerRange } from './integer-range.js';

const versionOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
const write = (weights: readonly GraphModelWeight[], layout?: 'dense') => encodeGraphModelContainer({ graph: graphFor(weights), weights }, layout ? { layout } : {});
/** Bit-for-bit equality of float arrays (`-0` is not `+0`). */
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('integer-range codebooks (format version 9, docs/format.md §9.6)', () => {
  it('isIntegerRange: at least 3 consecutive integers within ±2^24, compared exactly', () => {
    expect(INTEGER_RANGE_FORMAT_VERSION).toBe(9);
    expect(NEWEST_FORMAT_VERSION).toBe(9);
    expect(isIntegerRange(integerGrid(-127, 255))).toBe(true);
    expect(isIntegerRange([0, 1, 2])).toBe(true);
    expect(isIntegerRange([2 ** 24 - 2, 2 ** 24 - 1, 2 ** 24])).toBe(true);
    expect(isIntegerRange([-(2 ** 24), 1 - 2 ** 24, 2 - 2 ** 24])).toBe(true);
    for (const no of [[0, 1], [5], [], [1, 2, 4], [2, 1, 0], [0.5, 1.5, 2.5], [-0, 1, 2], [-2, -1, -0], [1, 2, NaN], [2 ** 24 - 1, 2 ** 24, 2 ** 24 + 1], [-(2 ** 24) - 1, -(2 ** 24), 1 - 2 ** 24]]) {
      expect(isIntegerRange(no), JSON.stringify(no)).toBe(false);
    }
    expect(isIntegerRange(integerGrid(0, 65536))).toBe(true);
    expect(isIntegerRange(integerGrid(0, 65537))).toBe(false);
  });

  it('storedCodebookBytes: 4 for a range where allowed, else 2 per float16-exact centroid, else 4', () => {
    const grid = integerGrid(-127, 255);
    expect(storedCodebookBytes(grid, { integerRanges: true })).toBe(4);
    expect(storedCodebookBytes(grid, { integerRanges: false })).toBe(510);
    expect(storedCodebookBytes(integerGrid(3000, 3), { integerRanges: false })).toBe(12); // 3001 is no float16
    expect(storedCodebookBytes(Float32Array.of(0, 1), { integerRanges: true })).toBe(4);
    expect(storedCodebookBytes(Float32Array.of(0.1, 0.2, 0.3), { integerRanges: true })).toBe(12);
  });

  it('round-trips a −127..127 kernel with per-channel scales exactly, in a version 9 file whose codebook section is 4 bytes', () => {
    const kernel = gridWeight('k/kernel', [3, 3, 4, 8], integerGrid(-127, 255), { scales: gridScales(8), pruneEvery: 3 });
    const plain = gridWeight('k/plain', [16, 8], integerGrid(-7, 15));
    const out = write([kernel, plain]);
    expect(versionOf(out.bytes)).toBe(9);
    for (const [t, k] of [[out.header.tensors[0], 255], [out.header.tensors[1], 15]] as const) {
      expect(t.streams.codebook).toMatchObject({ type: 'f32', count: k, encodings: ['range'], length: 4 });
    }
    expect(out.header.decoders).toEqual({}); // built in: no decoder module
    const decoded = decodeGraphModelContainer(out.bytes);
    decoded.tensors.forEach((t, i) => expect(sameBits(graphTensorValues(t) as Float32Array, [kernel, plain][i].values as Float32Array), t.name).toBe(true));
    expect(encodeIntegerRange(-127)).toEqual(Uint8Array.of(0x81, 0xff, 0xff, 0xff));
  });

  it('a dense-coded tensor with pruned elements maps them to the range’s own 0, so its codebook stays a range', () => {
    const kernel = gridWeight('k/kernel', [8, 8], integerGrid(-3, 7), { pruneEvery: 2 });
    const out = write([kernel], 'dense');
    expect(out.header.tensors[0].layout).toBe('dense-coded');
    expect(out.header.tensors[0].streams.codebook).toMatchObject({ count: 7, encodings: ['range'] });
    expect(out.header.tensors[0].streams.codes!.bits).toBe(3);
    expect(sameBits(graphTensorValues(decodeGraphModelContainer(out.bytes).tensors[0]) as Float32Array, kernel.values as Float32Array)).toBe(true);
    // Without 0 in the range, the extra entry 0 ends it (1..7, 0), so the codebook stays floats.
    const positive = gridWeight('k/kernel', [8, 8], integerGrid(1, 7), { pruneEvery: 2 });
    expect(write([positive], 'dense').header.tensors[0].streams.codebook).toMatchObject({ count: 8, encodings: ['raw'], type: 'f16' });
  });

  it("an unclustered weight whose exact codebook is consecutive integers (a converter's uint8 weight, scale 1) is a range too", () => {
    const values = Float32Array.from({ length: 512 }, (_, i) => 1 + ((i * 7) % 5));
    const out = write([{ name: 'u/kernel', dtype: 'float32', shape: [64, 8], values }]);
    expect(versionOf(out.bytes)).toBe(9);
    expect(out.header.tensors[0].streams.codebook).toMatchObject({ count: 5, encodings: ['range'], length: 4 });
    expect(sameBits(graphTensorValues(decodeGraphModelContainer(out.bytes).tensors[0]) as Float32Array, values)).toBe(true);
  });

  it('files without an integer-range codebook are byte for byte what the writer made before (versions 4, 5, 6, 8)', () => {
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const files = filesWithoutRanges();
    expect(Object.fromEntries(Object.entries(files).map(([k, b]) => [k, versionOf(b)]))).toEqual({ v4: 4, v5: 5, v6: 6, v8: 8 });
    expect(Object.fromEntries(Object.entries(files).map(([k, b]) => [k, sha(b)]))).toEqual({
      v4: '7ff07967e4b21d65b77858aefbb39c952ed0440a53f96b017e448e17a8b94aee',
      v5: 'eb3b313e650897afc85d42674d94c22fa38e26d4fc156c7f8020b0bce7be4e73',
      v6: 'a25e223b432435df5f548a751f5b70a548170f4580ad2dad7f3bbeb73f21d070',
      v8: '4c67c21f8dd56ee610812ce9b82c08f5dc28e1867cf122ec93f561b5c49cfebd',
    });
    // The LayersModel record (version 8) keeps its −127..127 codebook as floats.
    expect(decodeGraphModelContainer(files.v8).graph).toEqual(layersRecord);
    expect(describeContainer(files.v8).tensors[0].streams[0]).toMatchObject({ role: 'codebook', encoding: 'raw', bytes: 510 });
  });

  it('describeContainer and the byte table show the range: encoding, 4 bytes, first and last value', () => {
    const out = write([gridWeight('k/kernel', [16, 16], integerGrid(-127, 255), { scales: gridScales(16) })]);
    const d = describeContainer(out.bytes);
    expect(d.version).toBe(9);
    expect(d.tensors[0].streams[0]).toEqual({ role: 'codebook', type: 'f32', count: 255, encoding: 'range', range: { first: -127, last: 127 }, bytes: 4, tableBytes: 0 });
    expect(formatByteTable(d)).toMatch(/k\/kernel codebook\s+f32 ×255 \(range -127\.\.127\)\s+range\s+4\s+0/);
  });

  it('no encoder may take a built-in name (raw, range)', () => {
    const named = (encoding: string) => ({ encoding, decoderModule: 'x', encodeSymbols: () => undefined });
    expect(codeOf(() => resolveLayoutOptions({ encoders: [named('range')] }))).toBe('INVALID_OPTION');
    expect(codeOf(() => resolveLayoutOptions({ encoders: [named('raw')] }))).toBe('INVALID_OPTION');
  });

  it('property: any codebook round-trips exactly, and its section takes what storedCodebookBytes says', () => {
    const range = fc.record({ first: fc.integer({ min: -(2 ** 24), max: 2 ** 24 - 299 }), k: fc.integer({ min: 1, max: 300 }) }).map(({ first, k }) => integerGrid(first, k));
    const floats = fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 40 }).map((a) => Float32Array.from(a));
    const ints = fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 1, maxLength: 40 }).map((a) => Float32Array.from(a));
    fc.assert(
      fc.property(fc.oneof(range, floats, ints), fc.boolean(), fc.constantFrom(0, 3), (centroids, scaled, pruneEvery) => {
        const kernel = gridWeight('k/kernel', [12, 8], centroids, { ...(scaled ? { scales: gridScales(8) } : {}), pruneEvery });
        const out = write([kernel]);
        const stored = out.header.tensors[0].streams.codebook!;
        const ranged = stored.encodings[0] === 'range';
        expect(versionOf(out.bytes)).toBe(ranged ? 9 : scaled ? 5 : 4);
        // Without pruning every candidate stores exactly the centroids.
        if (pruneEvery === 0) expect(stored.length).toBe(storedCodebookBytes(centroids, { integerRanges: true }));
        expect(sameBits(graphTensorValues(decodeGraphModelContainer(out.bytes).tensors[0]) as Float32Array, kernel.values as Float32Array)).toBe(true);
      }),
      { numRuns: 60, seed: 9 },
    );
  });

  it('property: a range section decodes to first + i, or VALUE_OUT_OF_RANGE past ±2^24', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 65536 }), (first, count) => {
        const ok = first >= -(2 ** 24) && first + count - 1 <= 2 ** 24;
        expect(codeOf(() => decodeIntegerRange(encodeIntegerRange(first), count, 'k'))).toBe(ok ? 'no error' : 'VALUE_OUT_OF_RANGE');
        if (ok) {
          const values = decodeIntegerRange(encodeIntegerRange(first), count, 'k');
          expect([values.length, values[0], values[count - 1]]).toEqual([count, first, first + count - 1]);
        }
      }),
      { numRuns: 200, seed: 5 },
    );
    expect(codeOf(() => decodeIntegerRange(encodeIntegerRange(2 ** 24 - 254), 255, 'k'))).toBe('no error');
    expect(codeOf(() => decodeIntegerRange(encodeIntegerRange(2 ** 24 - 253), 255, 'k'))).toBe('VALUE_OUT_OF_RANGE');
    expect(codeOf(() => decodeIntegerRange(new Uint8Array(8), 3, 'k'))).toBe('CORRUPT_STREAM');
  });
});
