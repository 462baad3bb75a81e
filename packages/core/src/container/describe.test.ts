import { describe, expect, it } from 'vitest';
import { constantCoder } from '../testing/constant-coder.js';
import { thrownErrorCode } from '../testing/error-code.js';
import { clusteredTinyModel } from '../testing/fixtures.js';
import { containerInputOf } from './recode.js';
import { decodeContainer } from './decode.js';
import { describeContainer } from './describe.js';
import { byteTableRows, formatByteTable } from './describe-format.js';
import { encodeContainer } from './encode.js';
import { FORMAT_VERSION } from './header.js';



describe('describeContainer', () => {
  it('accounts for every byte of a file: header, each stream, padding', () => {
    const { bytes, header } = encodeContainer(clusteredTinyModel());
    const d = describeContainer(bytes);
    expect(d.fileBytes).toBe(bytes.length);
    expect(d.version).toBe(FORMAT_VERSION);
    const streams = d.tensors.flatMap((t) => t.streams);
    expect(d.tensors.map((t) => t.key)).toEqual(header.tensors.map((t) => t.key));
    expect(streams.map((s) => s.bytes)).toEqual(header.tensors.flatMap((t) => Object.values(t.streams).map((s) => s!.length)));
    expect(streams.every((s) => s.encoding === 'raw' && s.tableBytes === 0)).toBe(true);
    const t = d.totals;
    expect(t.header + t.padding + t.codebook + t.codes + t.gaps + t.values).toBe(bytes.length);
    expect(t.kernels + t.others).toBe(t.codebook + t.codes + t.gaps + t.values);
    expect(t.codebook).toBe(16);
    expect(t.others).toBe(4 * (32 + 10));
    expect(t.header).toBe(32 + d.header.bytes);
    // The data area starts at a multiple of 8 and sections at multiples of 8: padding is what is left.
    expect(t.padding).toBeGreaterThanOrEqual(0);
    expect(t.padding).toBeLessThan(8 * (streams.length + 1));
    const rows = byteTableRows(d);
    expect(rows.at(-1)).toMatchObject({ section: 'total', bytes: bytes.length, share: 1 });
    expect(rows.slice(0, -1).reduce((n, r) => n + r.bytes, 0)).toBe(bytes.length);
    expect(formatByteTable(d).split('\n')).toHaveLength(rows.length + 1);
  });

  it('asks the decoders how many bytes are tables, and says "unknown" without one', () => {
    const { bytes } = encodeContainer(clusteredTinyModel(), { encoders: [constantCoder] });
    const coded = (s: { encoding: string }) => s.encoding === 'test-constant';
    const known = describeContainer(bytes, { decoders: [constantCoder] });
    const streams = known.tensors.flatMap((t) => t.streams).filter(coded);
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((s) => s.tableBytes === 3)).toBe(true);
    expect(known.totals.tables).toBe(3 * streams.length);
    const unknown = describeContainer(bytes);
    expect(unknown.tensors.flatMap((t) => t.streams).filter(coded).every((s) => s.tableBytes === null)).toBe(true);
    expect(formatByteTable(unknown)).toMatch(/test-constant +\d+ +\?/);
  });

  it('fails like the decoder on a file that is not one', () => {
    const { bytes } = encodeContainer(clusteredTinyModel());
    expect(thrownErrorCode(() => describeContainer(bytes.subarray(0, 20)))).toBe('TRUNCATED_FILE');
    expect(thrownErrorCode(() => describeContainer(Uint8Array.from(bytes, (b, i) => (i === 0 ? 0 : b))))).toBe('BAD_MAGIC');
  });
});

describe('containerInputOf', () => {
  it('re-encodes a decoded file to the same bytes, with or without coders', () => {
    for (const options of [{}, { encoders: [constantCoder] }, { layout: 'dense' as const }, { order: 'column' as const, gapBits: 3 }]) {
      const { bytes } = encodeContainer(clusteredTinyModel(), options);
      const again = encodeContainer(containerInputOf(decodeContainer(bytes, { decoders: [constantCoder] })), options);
      expect(again.bytes).toEqual(bytes);
    }
  });
});
