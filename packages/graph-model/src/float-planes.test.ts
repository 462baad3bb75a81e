import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, decodeFloatPlanes, decodeGraphModelContainer, encodeFloatPlanes, encodeGraphModelContainer, FLOAT_PLANES_FORMAT_VERSION, fromFloat16Bits, graphTensorValues, isDcError, roundToFloat16, toFloat16Bits, type StreamCoder } from '@dc/core';
import { joinContainer, resealSections, splitContainer } from '@dc/core/testing';
import { huffmanCoder } from '@dc/huffman';
import { ransCoder } from '@dc/rans';

const CODERS: readonly StreamCoder[] = [huffmanCoder, ransCoder];
/** The bits of `values` stored as `type`, to compare floats bit for bit (a float32 NaN's payload included). */
const bitsOf = (values: Float32Array, type: 'f16' | 'f32'): number[] => (type === 'f32' ? Array.from(new Uint32Array(Float32Array.from(values).buffer)) : Array.from(values, toFloat16Bits));

/** Weights like a pretrained model's: normal, scale 0.05, a few outliers. */
function weights(n: number, seed: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: n }, () => (r.next() + r.next() + r.next() + r.next() - 2) * 0.05 * (r.next() < 0.01 ? 20 : 1));
}

/** Σ over the planes of `count` × their byte entropy, in bytes: what any per-plane order-0 coder needs. */
function planeEntropyBytes(values: Float32Array, type: 'f16' | 'f32'): number {
  const width = type === 'f16' ? 2 : 4;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => (type === 'f32' ? view.setFloat32(4 * i, v, true) : view.setUint16(2 * i, toFloat16Bits(v), true)));
  let total = 0;
  for (let p = 0; p < width; p++) {
    const counts = new Array<number>(256).fill(0);
    for (let i = p; i < bytes.length; i += width) counts[bytes[i]]++;
    for (const c of counts) if (c > 0) total -= (c * Math.log2(c / values.length)) / 8;
  }
  return total;
}
describe('byte-plane float streams (format version 6)', () => {
  for (const coder of CODERS) {
    it(`round-trip any float16 and float32 values exactly through ${coder.encoding}`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 400 }), (bits) => {
          const values = Float32Array.from(bits, fromFloat16Bits);
          const out = encodeFloatPlanes(values, 'f16', coder);
          if (!out) return;
          expect(bitsOf(decodeFloatPlanes(out.data, values.length, 'f16', coder, 't'), 'f16')).toEqual(bitsOf(values, 'f16'));
        }),
        { numRuns: 150 },
      );
      fc.assert(
        fc.property(fc.float32Array({ maxLength: 300 }), (values) => {
          const out = encodeFloatPlanes(values, 'f32', coder);
          if (!out) return;
          expect(bitsOf(decodeFloatPlanes(out.data, values.length, 'f32', coder, 't'), 'f32')).toEqual(bitsOf(values, 'f32'));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('code 50,000 pretrained-like float16 weights within 2% of their planes\' entropy (rANS), about 13% under 2 bytes each', () => {
    const values = weights(50_000, 3).map(roundToFloat16);
    const rans = encodeFloatPlanes(values, 'f16', ransCoder)!;
    const bound = planeEntropyBytes(values, 'f16');
    expect(rans.data.length - rans.tableBytes).toBeLessThanOrEqual(bound * 1.02);
    expect(rans.data.length).toBeLessThan(0.9 * 2 * values.length);
    const huffman = encodeFloatPlanes(values, 'f16', huffmanCoder)!;
    expect(huffman.data.length).toBeLessThan(0.92 * 2 * values.length);
  });

  it('never reads past a forged or damaged section: a DcError (CORRUPT_STREAM) or the right number of values', () => {
    const values = weights(3000, 5).map(roundToFloat16);
    const r = createRandom(11);
    for (const coder of CODERS) {
      const { data } = encodeFloatPlanes(values, 'f16', coder)!;
      for (let k = 0; k < 400; k++) {
        const forged = Uint8Array.from(data);
        const kind = r.int(3);
        if (kind === 0) forged[r.int(4)] = r.int(256); // the plane table
        else if (kind === 1) forged[r.int(forged.length)] ^= 1 << r.int(8);
        const cut = kind === 2 ? forged.subarray(0, r.int(forged.length)) : forged;
        try {
          expect(decodeFloatPlanes(cut, values.length, 'f16', coder, 't')).toHaveLength(values.length);
        } catch (e) {
          expect(isDcError(e) && e.code).toBe('CORRUPT_STREAM');
        }
      }
    }
  });
});

describe('GraphModel files with byte-plane float streams', () => {
  const node = (name: string, op = 'Const') => ({ name, op, attr: {} });
  const graph = { format: 'graph-model' as const, modelTopology: { node: [node('x', 'Placeholder'), node('k'), node('b'), node('s')] } };
  const kernel = weights(6000, 7).map(roundToFloat16);
  const bias = weights(6000, 8); // float32: not exact in float16
  const input = {
    graph,
    weights: [
      { name: 'k', dtype: 'float32' as const, shape: [60, 100], values: kernel },
      { name: 'b', dtype: 'float32' as const, shape: [6000], values: bias },
      { name: 's', dtype: 'int32' as const, shape: [2], values: Int32Array.of(1, -1) },
    ],
  };
  const encoded = encodeGraphModelContainer(input, { encoders: CODERS });

  it('are version 6 where planes are smaller, and decode bit for bit', () => {
    expect(new DataView(encoded.bytes.buffer).getUint16(8, true)).toBe(FLOAT_PLANES_FORMAT_VERSION);
    const [k, b] = encoded.header.tensors;
    expect([k.streams.values!.type, b.streams.values!.type]).toEqual(['f16', 'f32']);
    expect(k.streams.values!.encodings[0]).not.toBe('raw');
    expect(k.streams.values!.length).toBeLessThan(0.9 * 2 * kernel.length);
    expect(b.streams.values!.length).toBeLessThan(0.9 * 4 * bias.length);
    const decoded = decodeGraphModelContainer(encoded.bytes, { decoders: CODERS });
    expect(Array.from(graphTensorValues(decoded.tensors[0]))).toEqual(Array.from(kernel));
    expect(Array.from(graphTensorValues(decoded.tensors[1]))).toEqual(Array.from(bias));
    // Without coders every float stays raw, and the file stays version 4.
    expect(new DataView(encodeGraphModelContainer(input).bytes.buffer).getUint16(8, true)).toBe(4);
  });

  it('the same streams in a file that says version 5 are BAD_HEADER: float streams are raw before version 6', () => {
    const { header, data } = splitContainer(encoded.bytes);
    resealSections(header, data);
    const asV5 = joinContainer(JSON.stringify(header), data, { version: 5 });
    let code = 'decoded';
    try {
      decodeGraphModelContainer(asV5, { decoders: CODERS });
    } catch (e) {
      code = isDcError(e) ? e.message : String(e);
    }
    expect(code).toBe('[BAD_HEADER] tensor k: stream values is a float stream, stored raw before format version 6');
  });

  it('damaged anywhere, decodes exactly or fails with a DcError, never anything else', () => {
    const r = createRandom(21);
    const codes = new Set<string>();
    for (let k = 0; k < 300; k++) {
      const bytes = Uint8Array.from(encoded.bytes);
      bytes[r.int(bytes.length)] ^= 1 << r.int(8);
      try {
        const d = decodeGraphModelContainer(bytes, { decoders: CODERS });
        expect(Array.from(graphTensorValues(d.tensors[0]))).toEqual(Array.from(kernel));
      } catch (e) {
        expect(isDcError(e)).toBe(true);
        codes.add((e as { code: string }).code);
      }
    }
    expect(codes.has('CHECKSUM_MISMATCH')).toBe(true);
  });
});
