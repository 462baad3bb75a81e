import { describe, expect, it } from 'vitest';
import type { Codebook } from '../artifacts.js';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import type { Model } from '../ir/model.js';
import { crc32 } from './crc32.js';
import { decodeContainer, readContainerHeader } from './decode.js';
import { encodeContainer } from './encode.js';
import { frame, layoutSections } from './framing.js';
import type { ContainerHeader } from './header.js';

/** A small pruned, clustered two-layer model and its file. */
function sample(): { bytes: Uint8Array; header: ContainerHeader; sections: Uint8Array[] } {
  const values = new Float32Array(64 * 16);
  const positions: number[] = [];
  for (let i = 0; i < values.length; i += 7) positions.push(i);
  const centroids = Float32Array.of(-0.5, -0.25, 0.125, 0.75);
  const codes = Uint8Array.from(positions, (_, i) => (i * 5) % 4);
  positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
  const cb: Codebook = { bits: 2, centroids, positions: Uint32Array.from(positions), codes };
  const model: Model = {
    name: 'sample',
    inputShape: [64],
    layers: [
      { name: 'fc1', config: { kind: 'dense', units: 16, activation: 'relu', useBias: true }, params: { kernel: { shape: [64, 16], values }, bias: { shape: [16], values: new Float32Array(16).fill(0.5) } } },
      { name: 'fc2', config: { kind: 'dense', units: 4, activation: 'softmax', useBias: false }, params: { kernel: { shape: [16, 4], values: Float32Array.from({ length: 64 }, (_, i) => i / 64) } } },
    ],
  };
  const enc = encodeContainer({ model, codebooks: new Map([['fc1/kernel', cb]]), stages: [{ name: 'dc:test', options: {} }] });
  return { bytes: enc.bytes, header: enc.header, sections: enc.tensors.flatMap((t) => t.streams.map((s) => s.data)) };
}

/** Re-frames a (modified) header with valid checksums, so only the semantic check can catch it. */
function reframe(header: unknown, sections: Uint8Array[], version?: number): Uint8Array {
  const { offsets, length } = layoutSections(sections.map((s) => s.length));
  return frame(JSON.stringify(header), sections, offsets, length, version);
}

describe('decodeContainer on bad input', () => {
  const { bytes, header, sections } = sample();

  it('decodes the valid sample', () => {
    expect(decodeContainer(bytes).tensors.size).toBe(3);
    expect(readContainerHeader(bytes).tensors.map((t) => t.layout)).toEqual(['sparse-coded', 'dense', 'dense']);
  });

  it('TRUNCATED_FILE for every proper prefix that keeps the magic', () => {
    const codes = new Set<string>();
    for (let n = 0; n < bytes.length; n++) codes.add(codeOf(() => decodeContainer(bytes.subarray(0, n))));
    expect([...codes]).toEqual(['TRUNCATED_FILE']);
  });

  it('CHECKSUM_MISMATCH for a flipped byte anywhere past the magic (but in padding)', () => {
    const codes = new Map<string, number>();
    for (let i = 8; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 0x10;
      const code = codeOf(() => decodeContainer(bad));
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // Flips in the zero padding between sections change nothing the decoder reads.
    expect([...codes.keys()].sort()).toEqual(['CHECKSUM_MISMATCH', 'no error']);
    expect(codes.get('no error')).toBeLessThan(40);
  });

  it('BAD_MAGIC for another file type', () => {
    const bad = bytes.slice();
    bad[1] = 0x50; // "\x89PNG..."
    expect(codeOf(() => decodeContainer(bad))).toBe('BAD_MAGIC');
    expect(codeOf(() => decodeContainer(new TextEncoder().encode('{"not":"a dcm file"}')))).toBe('BAD_MAGIC');
  });

  it('UNSUPPORTED_VERSION for a file from the future', () => {
    expect(codeOf(() => decodeContainer(reframe(header, sections, 2)))).toBe('UNSUPPORTED_VERSION');
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
      ['smaller codebook', (h) => { h.tensors[0].streams.codebook.count = 2; h.tensors[0].streams.codebook.length = 8; h.tensors[0].streams.codebook.crc32 = crc32(sections[0], 0, 8); }, 'CORRUPT_STREAM'],
    ];
    for (const [what, edit, code] of cases) {
      const h = structuredClone(header);
      edit(h);
      expect([what, codeOf(() => decodeContainer(reframe(h, sections)))]).toEqual([what, code]);
    }
    const notJson = reframe({}, sections);
    expect(codeOf(() => decodeContainer(notJson))).toBe('BAD_HEADER');
  });
});
