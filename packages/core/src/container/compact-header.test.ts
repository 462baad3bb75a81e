import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Codebook } from '../artifacts.js';
import { isDcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { createRandom } from '../random.js';
import { constantCoder } from '../testing/constant-coder.js';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { tinyConvModel, tinyGraphModel } from '../testing/fixtures.js';
import { expectDecodedExactly, randomCodedModel } from '../testing/random-model.js';
import { COMPACT_HEADER_DICTIONARY } from './compact-dictionary.js';
import { COMPACT_HEADER_VERSION, readCompactHeader, writeCompactHeader } from './compact-header.js';
import { decodeContainer, readContainerHeader } from './decode.js';
import { describeContainer } from './describe.js';
import { encodeContainer, type EncodeContainerOptions } from './encode.js';
import { assembleFile, readPreamble, storeHeader } from './framing.js';

type Input = { model: Model; codebooks?: Map<string, Codebook> };

/** The same model written with a JSON (v2) and a compact (v3) header. */
function both(input: Input, options: EncodeContainerOptions = {}) {
  const json = encodeContainer({ ...input, stages: [{ name: 'test:make', options: { n: 1 } }] }, { ...options, encoders: [constantCoder] });
  const compact = encodeContainer({ ...input, stages: [{ name: 'test:make', options: { n: 1 } }] }, { ...options, encoders: [constantCoder], header: 'compact' });
  return { json, compact };
}

describe('compact header (format version 3)', () => {
  it('reads back the same header as the JSON form, for random models under any layout options', () => {
    const r = createRandom(31);
    for (let i = 0; i < 80; i++) {
      const specs = Array.from({ length: 1 + r.int(3) }, () => ({ inputs: 1 + r.int(60), units: 1 + r.int(30), density: [0, 1, 0.05, r.next()][r.int(4)], bits: r.int(10), bias: r.next() < 0.5, seed: r.int(1 << 30) }));
      const input = randomCodedModel(specs);
      const options: EncodeContainerOptions = {
        gapBits: (['auto', 1, 3, 8] as const)[r.int(4)],
        layout: (['auto', 'sparse', 'dense'] as const)[r.int(3)],
        order: (['auto', 'row', 'column'] as const)[r.int(3)],
        floatFormat: (['float32', 'float16'] as const)[r.int(2)],
        codebookFormat: (['float32', 'float16'] as const)[r.int(2)],
      };
      const { json, compact } = both(input, options);
      expect(readPreamble(compact.bytes).version).toBe(COMPACT_HEADER_VERSION);
      expect(readContainerHeader(compact.bytes)).toEqual(readContainerHeader(json.bytes));
      const tail = (b: Uint8Array) => b.subarray(readPreamble(b).dataStart);
      expect(tail(compact.bytes)).toEqual(tail(json.bytes)); // the same data area
      if (options.floatFormat === 'float32' && options.codebookFormat === 'float32') expectDecodedExactly(input.model, input.codebooks, decodeContainer(compact.bytes, { decoders: [constantCoder] }));
    }
  });

  it('holds graphs, convolutions, preprocessing and an empty provenance', () => {
    for (const model of [tinyConvModel(), { ...tinyGraphModel(), preprocessing: { scale: [1 / 255], offset: [0] } }]) {
      const { json, compact } = both({ model });
      expect(readContainerHeader(compact.bytes)).toEqual(readContainerHeader(json.bytes));
      const bare = encodeContainer({ model, stages: [{ name: 'test:make', options: {} }] }, { header: 'compact', provenance: false });
      expect(readContainerHeader(bare.bytes).stages).toEqual([]);
      expect(bare.bytes.length).toBeLessThan(compact.bytes.length);
    }
  });

  it('is much smaller than the JSON header', () => {
    const { json, compact } = both(randomCodedModel([{ inputs: 100, units: 50, density: 0.1, bits: 5, bias: true, seed: 1 }, { inputs: 1, units: 10, density: 0.3, bits: 5, bias: true, seed: 2 }]));
    const header = (b: Uint8Array) => describeContainer(b).totals.header;
    expect(header(compact.bytes)).toBeLessThan(header(json.bytes) / 2);
  });

  it('rejects malformed bytes with BAD_HEADER, never another exception (mutations with valid checksums)', () => {
    const { compact } = both(randomCodedModel([{ inputs: 40, units: 20, density: 0.2, bits: 4, bias: true, seed: 3 }]));
    const plain = writeCompactHeader(compact.header);
    const data = compact.bytes.subarray(readPreamble(compact.bytes).dataStart);
    const r = createRandom(7);
    const seen = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const bad = Array.from(plain);
      for (let k = 0; k < 1 + r.int(3); k++) {
        const at = r.int(bad.length + 1);
        const kind = r.int(4);
        if (kind === 0) bad[at] ^= 1 << r.int(8);
        else if (kind === 1) bad[at] = r.int(256);
        else if (kind === 2) bad.splice(at, 1);
        else bad.splice(at, 0, r.int(256));
      }
      const file = assembleFile(storeHeader(Uint8Array.from(bad), r.next() < 0.5, COMPACT_HEADER_DICTIONARY), [data], [0], data.length, COMPACT_HEADER_VERSION);
      let outcome = 'model';
      try {
        decodeContainer(file);
      } catch (e) {
        if (!isDcError(e)) throw e;
        outcome = e.code;
      }
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }
    expect(seen.get('BAD_HEADER')).toBeGreaterThan(1500);
    expect([...seen.keys()].filter((c) => !['model', 'BAD_HEADER', 'OUT_OF_BOUNDS', 'CHECKSUM_MISMATCH', 'CORRUPT_STREAM', 'BAD_PADDING', 'UNSUPPORTED_VERSION', 'NON_FINITE_VALUE'].includes(c))).toEqual([]);
  });

  it('names what is wrong', () => {
    const { compact } = both({ model: tinyConvModel() });
    const plain = writeCompactHeader(compact.header);
    const read = (bytes: ArrayLike<number>) => () => readCompactHeader(Uint8Array.from(bytes));
    expect(codeOf(read([2, ...plain.subarray(1)]))).toBe('BAD_HEADER'); // unknown flag
    expect(codeOf(read([...plain, 0]))).toBe('BAD_HEADER'); // a byte after the last tensor
    expect(codeOf(read(plain.subarray(0, plain.length - 1)))).toBe('BAD_HEADER'); // ends early
    const future = new TextEncoder().encode(JSON.stringify({ opset: 99, model: compact.header.model }));
    expect(future.length).toBeGreaterThan(127);
    expect(future.length).toBeLessThan(16384);
    expect(codeOf(read([0, 0x80 | (future.length & 0x7f), future.length >> 7, ...future]))).toBe('UNSUPPORTED_VERSION');
  });

  it('a codebook count past 2^30 (a forged varint up to 2^32 - 1) is BAD_HEADER, not a reader that never returns', () => {
    const { compact } = both(randomCodedModel([{ inputs: 40, units: 20, density: 0.2, bits: 4, bias: true, seed: 3 }]));
    const data = compact.bytes.subarray(readPreamble(compact.bytes).dataStart);
    for (const count of [2 ** 30 + 1, 2 ** 31, 2 ** 32 - 1]) {
      const header = structuredClone(compact.header);
      const coded = header.tensors.find((t) => t.streams.codebook)!;
      (coded.streams.codebook as { count: number }).count = count;
      const file = assembleFile(storeHeader(writeCompactHeader(header), false, COMPACT_HEADER_DICTIONARY), [data], [0], data.length, COMPACT_HEADER_VERSION);
      // The reader works out the codes' width from the count (32 bits for 2^32 - 1), then the checks refuse the count.
      const read = readCompactHeader(writeCompactHeader(header)) as typeof header;
      expect(read.tensors.find((t) => t.key === coded.key)!.streams.codes!.bits).toBe(Math.ceil(Math.log2(count)));
      expect(codeOf(() => readContainerHeader(file))).toBe('BAD_HEADER');
    }
  });

  it('has its DEFLATE dictionary written out in docs/format.md', () => {
    const doc = readFileSync(new URL('../../../../docs/format.md', import.meta.url), 'utf8');
    const block = /<!-- compact-dictionary -->\n```text\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(block?.replace(/\n/g, '')).toBe(new TextDecoder().decode(COMPACT_HEADER_DICTIONARY));
  });
});
