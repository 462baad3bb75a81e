import { createRandom, decodeContainer, densify, encodeContainer, isDcError, listParams, type Codebook, type CompressedModel, type Layer, type Model } from '@dc/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { huffmanDecoder } from '../decode/index.js';
import { huffmanEncoder } from '../encode/huffman-encode.js';

interface Spec {
  inputs: number;
  units: number;
  density: number;
  bits: number;
  bias: boolean;
  seed: number;
}

/** A random model whose clustered kernels agree with their codebooks (Gaussian-ish code use). */
function makeModel(specs: Spec[]): { model: Model; codebooks: Map<string, Codebook> } {
  const codebooks = new Map<string, Codebook>();
  const layers: Layer[] = specs.map((s, li) => {
    const r = createRandom(s.seed);
    const inputs = li === 0 ? s.inputs : specs[li - 1].units; // a chain: each layer reads the previous one
    const n = inputs * s.units;
    const values = new Float32Array(n);
    const positions = Uint32Array.from(Array.from({ length: n }, (_, i) => i).filter(() => r.next() < s.density));
    if (s.bits > 0) {
      const k = 1 + r.int(2 ** s.bits);
      const centroids = Float32Array.from({ length: k }, (_, i) => (i + 1) / (k + 1) - 0.5);
      const drawn = Array.from(positions, () => Math.min(k - 1, Math.floor(((r.next() + r.next() + r.next()) / 3) * k)));
      const codes = s.bits <= 8 ? Uint8Array.from(drawn) : Uint16Array.from(drawn);
      positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
      codebooks.set(`l${li}/kernel`, { bits: s.bits, centroids, positions, codes });
    } else {
      positions.forEach((p) => (values[p] = Math.fround(r.next() + 0.01)));
    }
    const bias = s.bias ? { bias: { shape: [s.units], values: Float32Array.from({ length: s.units }, () => Math.fround(r.next())) } } : {};
    return { name: `l${li}`, config: { kind: 'dense', units: s.units, activation: 'relu', useBias: s.bias }, params: { kernel: { shape: [inputs, s.units], values }, ...bias } };
  });
  return { model: { name: 'm', inputShape: [specs[0].inputs], layers }, codebooks };
}

const u32 = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

function expectExact(model: Model, codebooks: Map<string, Codebook>, decoded: CompressedModel): void {
  for (const ref of listParams(model)) {
    const t = decoded.tensors.get(ref.key)!;
    expect(u32(densify(t))).toEqual(u32(ref.tensor.values));
    const cb = codebooks.get(ref.key);
    if (!cb) continue;
    const k = cb.centroids.length;
    if (t.layout === 'sparse-coded') {
      expect([...t.positions]).toEqual([...cb.positions]);
      expect([...t.codes]).toEqual([...cb.codes]);
      expect(u32(t.codebook)).toEqual(u32(cb.centroids));
    } else if (t.layout === 'dense-coded') {
      expect([...t.codes].flatMap((c, i) => (c < k ? [i] : []))).toEqual([...cb.positions]);
      expect([...t.codes].filter((c) => c < k)).toEqual([...cb.codes]);
      expect(u32(t.codebook.slice(0, k))).toEqual(u32(cb.centroids));
    } else {
      throw new Error(`clustered tensor ${ref.key} stored as ${t.layout}`);
    }
  }
}

describe('.dcm with Huffman-coded streams', () => {
  it('round-trips random sparse clustered models exactly (property)', () => {
    const spec = fc.record({
      inputs: fc.integer({ min: 1, max: 120 }),
      units: fc.integer({ min: 1, max: 40 }),
      density: fc.oneof(fc.constant(0), fc.constant(1), fc.constant(0.02), fc.double({ min: 0, max: 1, noNaN: true })),
      bits: fc.integer({ min: 0, max: 10 }),
      bias: fc.boolean(),
      seed: fc.nat(),
    });
    const opts = fc.record({ gapBits: fc.constantFrom<'auto' | number>('auto', 1, 2, 4, 8), layout: fc.constantFrom<'auto' | 'sparse' | 'dense'>('auto', 'sparse', 'dense'), order: fc.constantFrom<'auto' | 'row' | 'column'>('auto', 'row', 'column') });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 3 }), opts, (specs, o) => {
        const { model, codebooks } = makeModel(specs);
        const { bytes } = encodeContainer({ model, codebooks }, { ...o, encoders: [huffmanEncoder] });
        expectExact(model, codebooks, decodeContainer(bytes, { decoders: [huffmanDecoder] }));
      }),
      { numRuns: 120 },
    );
  });

  it('Huffman-codes a pruned 5-bit layer and beats fixed-width codes', () => {
    const { model, codebooks } = makeModel([{ inputs: 300, units: 100, density: 0.08, bits: 5, bias: true, seed: 1 }]);
    const huff = encodeContainer({ model, codebooks }, { encoders: [huffmanEncoder] });
    const raw = encodeContainer({ model, codebooks });
    expect(huff.tensors[0].streams.map((s) => [s.role, s.encoding])).toEqual([['codebook', 'raw'], ['codes', 'huffman'], ['gaps', 'huffman']]);
    expect(huff.header.decoders).toEqual({ huffman: '@dc/huffman/decode' });
    expect(huff.bytes.length).toBeLessThan(raw.bytes.length * 0.97);
    expect(() => decodeContainer(huff.bytes)).toThrow(/UNKNOWN_ENCODING.*@dc\/huffman\/decode/);
    expectExact(model, codebooks, decodeContainer(huff.bytes, { decoders: [huffmanDecoder] }));
  });

  it('fuzzed files (raw mutations) end in a DcError or the original model, within the time bound', () => {
    const { model, codebooks } = makeModel([{ inputs: 60, units: 30, density: 0.1, bits: 4, bias: true, seed: 2 }]);
    const { bytes } = encodeContainer({ model, codebooks }, { encoders: [huffmanEncoder] });
    const r = createRandom(77);
    const counts = new Map<string, number>();
    const t0 = performance.now();
    for (let i = 0; i < 3000; i++) {
      const bad = Array.from(bytes);
      const kind = r.int(4);
      const at = r.int(bad.length);
      if (kind === 0) bad[at] ^= 1 << r.int(8);
      else if (kind === 1) bad.length = at;
      else if (kind === 2) bad.splice(at, 0, r.int(256));
      else bad[at] = r.int(256);
      let outcome: string;
      try {
        const m = decodeContainer(Uint8Array.from(bad), { decoders: [huffmanDecoder] });
        expectExact(model, codebooks, m);
        outcome = 'original';
      } catch (e) {
        if (!isDcError(e)) throw e;
        outcome = e.code;
      }
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    }
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(counts.get('CHECKSUM_MISMATCH')).toBeGreaterThan(1000);
  });
});
