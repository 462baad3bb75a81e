import { describe, expect, it } from 'vitest';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { crc32 } from './crc32.js';
import { decodeContainer, readContainerHeader } from './decode.js';
import { layoutSections } from './framing.js';
import { NEWEST_FORMAT_VERSION } from './header.js';
import { reframe, sampleFile } from './sample-file.test-support.js';

describe('decodeContainer on bad input', () => {
  const { bytes, header, sections } = sampleFile();

  it('decodes the valid sample', () => {
    expect(decodeContainer(bytes).tensors.size).toBe(5);
    expect(readContainerHeader(bytes).tensors.map((t) => t.layout)).toEqual(['sparse-coded', 'dense', 'dense', 'dense', 'dense']);
  });

  it('TRUNCATED_FILE for every proper prefix that keeps the magic', () => {
    const codes = new Set<string>();
    for (let n = 0; n < bytes.length; n++) codes.add(codeOf(() => decodeContainer(bytes.subarray(0, n))));
    expect([...codes]).toEqual(['TRUNCATED_FILE']);
  });

  it('CHECKSUM_MISMATCH for a flipped byte anywhere past the magic, BAD_PADDING in padding', () => {
    const codes = new Map<string, number>();
    for (let i = 8; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 0x10;
      const code = codeOf(() => decodeContainer(bad));
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // Flips in the zero padding after the header and between sections: BAD_PADDING.
    expect([...codes.keys()].sort()).toEqual(['BAD_PADDING', 'CHECKSUM_MISMATCH']);
    expect(codes.get('BAD_PADDING')).toBeLessThan(40);
  });

  it('BAD_MAGIC for another file type', () => {
    const bad = bytes.slice();
    bad[1] = 0x50; // "\x89PNG..."
    expect(codeOf(() => decodeContainer(bad))).toBe('BAD_MAGIC');
    expect(codeOf(() => decodeContainer(new TextEncoder().encode('{"not":"a dcm file"}')))).toBe('BAD_MAGIC');
  });

  it('UNSUPPORTED_VERSION for a file from the future', () => {
    expect(codeOf(() => decodeContainer(reframe(header, sections, NEWEST_FORMAT_VERSION + 1)))).toBe('UNSUPPORTED_VERSION');
  });

  it('OUT_OF_BOUNDS for lengths or offsets past the end', () => {
    const past = structuredClone(header) as unknown as { tensors: { streams: Record<string, { length: number; offset: number }> }[] };
    past.tensors[1].streams.values.length += 4096;
    expect(codeOf(() => decodeContainer(reframe(past, sections)))).toBe('OUT_OF_BOUNDS');
    const far = structuredClone(header) as unknown as typeof past;
    far.tensors[0].streams.codes.offset = 1 << 30;
    expect(codeOf(() => decodeContainer(reframe(far, sections)))).toBe('OUT_OF_BOUNDS');
    const long = bytes.slice();
    new DataView(long.buffer).setUint32(16, 1 << 20, true); // header length
    new DataView(long.buffer).setUint32(28, crc32(long, 0, 28), true);
    expect(codeOf(() => decodeContainer(long))).toBe('OUT_OF_BOUNDS');
  });

  it('UNKNOWN_ENCODING naming the module to install', () => {
    const h = structuredClone(header) as unknown as { decoders: Record<string, string>; tensors: { streams: Record<string, { encodings: string[] }> }[] };
    h.tensors[0].streams.codes.encodings = ['huffman'];
    h.decoders = { huffman: '@dc/huffman/decode' };
    const file = reframe(h, sections);
    expect(codeOf(() => decodeContainer(file))).toBe('UNKNOWN_ENCODING');
    expect(() => decodeContainer(file)).toThrow(/@dc\/huffman\/decode/);
  });

  it('BAD_HEADER for malformed JSON or fields, CORRUPT_STREAM for inconsistent streams', () => {
    // The header is edited as free-form JSON here, on purpose.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const cases: Array<[string, (h: any) => void, string]> = [
      ['not an object', (h) => Object.assign(h, { tensors: 5 }), 'BAD_HEADER'],
      ['unknown layout', (h) => (h.tensors[0].layout = 'csr'), 'BAD_HEADER'],
      ['a layout that String() cannot print', (h) => (h.tensors[0].layout = { toString: 1 }), 'BAD_HEADER'], // found by pnpm fuzz
      ['unknown layer', (h) => (h.tensors[0].key = 'nope/kernel'), 'BAD_HEADER'],
      ['missing stream', (h) => delete h.tensors[0].streams.gaps, 'BAD_HEADER'],
      ['odd offset', (h) => (h.tensors[0].streams.codes.offset += 1), 'BAD_HEADER'],
      ['negative count', (h) => (h.tensors[1].streams.values.count = -1), 'BAD_HEADER'],
      ['huge shape', (h) => (h.tensors[1].shape = [1e9, 1e9]), 'BAD_HEADER'],
      ['entries past size', (h) => (h.tensors[0].entries = 1e6), 'BAD_HEADER'],
      ['shape mismatch', (h) => (h.tensors[2].shape = [16, 5]), 'BAD_HEADER'],
      ['two encodings', (h) => (h.tensors[1].streams.values.encodings = ['raw', 'raw']), 'BAD_HEADER'],
      ['unknown layer kind', (h) => (h.model.layers[0].config.kind = 'lstm'), 'BAD_HEADER'],
      ['unknown order', (h) => (h.tensors[0].order = 'diagonal'), 'BAD_HEADER'],
      ['column order of a dense tensor', (h) => (h.tensors[1].order = 'column'), 'BAD_HEADER'],
      ['fewer entries', (h) => { h.tensors[0].entries -= 1; h.tensors[0].streams.codes.count -= 1; }, 'CORRUPT_STREAM'],
      ['wrong raw length', (h) => (h.tensors[0].streams.gaps.count += 50), 'CORRUPT_STREAM'],
    ];
    for (const [what, edit, code] of cases) {
      const h = structuredClone(header);
      edit(h);
      expect([what, codeOf(() => decodeContainer(reframe(h, sections)))]).toEqual([what, code]);
    }
    const notJson = reframe({}, sections);
    expect(codeOf(() => decodeContainer(notJson))).toBe('BAD_HEADER');
  });

  it('CORRUPT_STREAM for codes past a shrunk codebook (sections laid out again, as a writer would)', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const h = structuredClone(header) as any;
    const secs = sections.map((s, i) => (i === 0 ? s.subarray(0, 8) : s));
    h.tensors[0].streams.codebook.count = 2;
    const { offsets } = layoutSections(secs.map((s) => s.length));
    let i = 0;
    for (const t of h.tensors) for (const s of Object.values(t.streams)) Object.assign(s as object, { offset: offsets[i], length: secs[i].length, crc32: crc32(secs[i++]) });
    expect(codeOf(() => decodeContainer(reframe(h, secs)))).toBe('CORRUPT_STREAM');
    expect(() => decodeContainer(reframe(h, secs))).toThrow(/past its codebook of 2/);
  });
});
