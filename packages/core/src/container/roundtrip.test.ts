import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Codebook } from '../artifacts.js';
import { densify, type CompressedModel, type CompressedTensor } from '../compressed.js';
import type { Layer, Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';
import { createRandom } from '../random.js';
import { decodeContainer } from './decode.js';
import { encodeContainer, type ContainerInput, type EncodeContainerOptions } from './encode.js';
import type { StreamDecoder, StreamEncoder } from './stream-codec.js';

/** How one random dense layer is made. */
interface LayerSpec {
  /** Inputs of the first layer; later layers take the previous layer's units. */
  inputs: number;
  units: number;
  /** Fraction kept: 0 (all zero), 1 (fully dense) or in between. */
  density: number;
  /** Codebook bits, or 0 for an unclustered (float) kernel. */
  bits: number;
  bias: boolean;
  seed: number;
}

const layerSpec = fc.record({
  inputs: fc.integer({ min: 1, max: 60 }),
  units: fc.integer({ min: 1, max: 40 }),
  density: fc.oneof(fc.constant(0), fc.constant(1), fc.constant(0.01), fc.double({ min: 0, max: 1, noNaN: true })),
  bits: fc.integer({ min: 0, max: 9 }),
  bias: fc.boolean(),
  seed: fc.nat(),
});

/** A random model whose clustered kernels agree with their codebooks, plus masks and codebooks. */
function makeInput(specs: LayerSpec[]): ContainerInput & { codebooks: Map<string, Codebook>; masks: Map<string, Uint8Array> } {
  const codebooks = new Map<string, Codebook>();
  const masks = new Map<string, Uint8Array>();
  const layers: Layer[] = specs.map((s, li) => {
    const rnd = createRandom(s.seed);
    const name = `dense_${li}`;
    const inputs = li === 0 ? s.inputs : specs[li - 1].units;
    const n = inputs * s.units;
    const values = new Float32Array(n);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] = rnd.next() < s.density ? 1 : 0;
    const positions = Uint32Array.from(Array.from(mask).flatMap((m, i) => (m ? [i] : [])));
    if (s.bits > 0) {
      const k = 1 + rnd.int(2 ** s.bits);
      const centroids = Float32Array.from(new Set(Array.from({ length: k }, (_, i) => (i - k / 2) / 16 + 0.001))).sort();
      const drawn = Array.from(positions, () => rnd.int(centroids.length));
      const codes = s.bits <= 8 ? Uint8Array.from(drawn) : Uint16Array.from(drawn);
      positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
      codebooks.set(`${name}/kernel`, { bits: s.bits, centroids, positions, codes });
    } else {
      positions.forEach((p) => (values[p] = Math.fround(rnd.next() - 0.5) || 0.25));
    }
    masks.set(`${name}/kernel`, mask);
    const params: Layer['params'] = {
      kernel: { shape: [inputs, s.units], values },
      ...(s.bias ? { bias: { shape: [s.units], values: Float32Array.from({ length: s.units }, () => Math.fround(rnd.next())) } } : {}),
    };
    return { name, config: { kind: 'dense', units: s.units, activation: 'relu', useBias: s.bias }, params };
  });
  const model: Model = { name: 'random', inputShape: [specs[0]?.inputs ?? 1], layers };
  return { model, codebooks, masks, stages: [{ name: 'test:make', options: { layers: specs.length } }] };
}

function bitsOf(a: Float32Array): number[] {
  return [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
}

/** Positions, codes and codebook of a decoded coded tensor, whatever its layout. */
function codedView(t: CompressedTensor, k: number): { positions: number[]; codes: number[]; codebook: Float32Array } {
  if (t.layout === 'sparse-coded') return { positions: [...t.positions], codes: [...t.codes], codebook: t.codebook };
  if (t.layout !== 'dense-coded') throw new Error(`expected a coded layout, got ${t.layout}`);
  const positions: number[] = [];
  const codes: number[] = [];
  t.codes.forEach((c, i) => {
    if (c < k) {
      positions.push(i);
      codes.push(c);
    }
  });
  return { positions, codes, codebook: t.codebook.subarray(0, k) };
}

/** Asserts that `decoded` is exactly `input`: codes, positions, codebooks, float bits, biases. */
function expectExactRoundTrip(input: ReturnType<typeof makeInput>, decoded: CompressedModel): void {
  expect(decoded.name).toBe(input.model.name);
  expect(decoded.layers.map((l) => l.name)).toEqual(input.model.layers.map((l) => l.name));
  expect(decoded.stages).toEqual(input.stages);
  for (const ref of listParams(input.model)) {
    const t = decoded.tensors.get(ref.key)!;
    expect(t.shape).toEqual(ref.tensor.shape);
    expect(bitsOf(densify(t))).toEqual(bitsOf(ref.tensor.values));
    const cb = input.codebooks.get(ref.key);
    if (cb) {
      const v = codedView(t, cb.centroids.length);
      expect(v.positions).toEqual([...cb.positions]);
      expect(v.codes).toEqual([...cb.codes]);
      expect(bitsOf(Float32Array.from(v.codebook))).toEqual(bitsOf(cb.centroids));
    }
  }
}

/** A stand-in third-party encoding: a stream of one repeated symbol stored as that symbol (2 bytes). */
const constEncoder: StreamEncoder = {
  encoding: 'test-const',
  decoderModule: '@dc/test-const/decode',
  encodeSymbols: (symbols) => (symbols.length > 0 && symbols.every((v) => v === symbols[0]) ? { data: Uint8Array.of(symbols[0] & 0xff, symbols[0] >> 8), tableBytes: 0 } : undefined),
};
const constDecoder: StreamDecoder = {
  encoding: 'test-const',
  decodeSymbols: (data, count, bits) => (bits <= 8 ? new Uint8Array(count) : new Uint16Array(count)).fill(data[0] | (data[1] << 8)),
};

describe('container round trip (raw encodings)', () => {
  it('reproduces random sparse clustered models exactly, whatever the layout options', () => {
    const options = fc.record({
      gapBits: fc.constantFrom<EncodeContainerOptions['gapBits']>('auto', 1, 2, 3, 5, 8, 12),
      layout: fc.constantFrom<EncodeContainerOptions['layout']>('auto', 'sparse', 'dense'),
      order: fc.constantFrom<EncodeContainerOptions['order']>('auto', 'row', 'column'),
    });
    fc.assert(
      fc.property(fc.array(layerSpec, { minLength: 1, maxLength: 3 }), options, (specs, opts) => {
        const input = makeInput(specs);
        const { bytes } = encodeContainer(input, opts);
        expectExactRoundTrip(input, decodeContainer(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('stores gaps longer than 2^b with fillers, and picks b by size', () => {
    const input = makeInput([{ inputs: 200, units: 50, density: 0.01, bits: 4, bias: true, seed: 7 }]);
    const fixed = encodeContainer(input, { gapBits: 2, layout: 'sparse' });
    const t = fixed.tensors[0];
    expect(t.layout).toBe('sparse-coded');
    const gaps = t.streams.find((s) => s.role === 'gaps')!;
    expect(gaps.count).toBeGreaterThan(t.entries * 5); // mostly fillers: mean gap 100 at b = 2
    expectExactRoundTrip(input, decodeContainer(fixed.bytes));
    const auto = encodeContainer(input);
    expect(auto.tensors[0].gapBits).toBeGreaterThanOrEqual(5);
    expect(auto.bytes.length).toBeLessThan(fixed.bytes.length);
    expectExactRoundTrip(input, decodeContainer(auto.bytes));
  });

  it('chooses dense codes for a mostly kept tensor and sparse for a pruned one', () => {
    const input = makeInput([
      { inputs: 25, units: 20, density: 0.9, bits: 4, bias: false, seed: 1 },
      { inputs: 20, units: 500, density: 0.08, bits: 5, bias: true, seed: 2 },
    ]);
    const { tensors, bytes } = encodeContainer(input);
    expect(tensors.map((t) => t.layout)).toEqual(['dense-coded', 'sparse-coded', 'dense']);
    expectExactRoundTrip(input, decodeContainer(bytes));
  });

  it('stores a pruned-only model as sparse float32 values, and zeros sparsely without masks', () => {
    const input = makeInput([{ inputs: 100, units: 30, density: 0.1, bits: 0, bias: true, seed: 3 }]);
    const withMasks = encodeContainer({ model: input.model, masks: input.masks });
    expect(withMasks.tensors[0].layout).toBe('sparse');
    const noMasks = encodeContainer({ model: input.model });
    expect(noMasks.tensors[0].layout).toBe('sparse');
    const decoded = decodeContainer(noMasks.bytes);
    expect(bitsOf(densify(decoded.tensors.get('dense_0/kernel')!))).toEqual(bitsOf(input.model.layers[0].params.kernel!.values));
    expect(noMasks.bytes.length).toBeLessThan(100 * 30 * 4 * 0.35);
  });

  it('stores float16 values when asked (half the bytes, rounded)', () => {
    const input = makeInput([{ inputs: 30, units: 30, density: 1, bits: 0, bias: true, seed: 4 }]);
    const f32 = encodeContainer({ model: input.model });
    const f16 = encodeContainer({ model: input.model }, { floatFormat: 'float16' });
    expect(f16.tensors[0].bytes).toBe(f32.tensors[0].bytes / 2);
    const back = densify(decodeContainer(f16.bytes).tensors.get('dense_0/kernel')!);
    const orig = input.model.layers[0].params.kernel!.values;
    back.forEach((v, i) => expect(Math.abs(v - orig[i])).toBeLessThanOrEqual(Math.abs(orig[i]) * 2 ** -11 + 1e-7));
  });

  it('keeps the fewest bytes among raw and plug-in encodings, and records the decoder module', () => {
    const input = makeInput([{ inputs: 40, units: 20, density: 0.3, bits: 1, bias: false, seed: 5 }]);
    const cb = input.codebooks.get('dense_0/kernel')!;
    // Every third weight kept, all with code 0: both symbol streams are one repeated symbol.
    const positions = Uint32Array.from({ length: 266 }, (_, i) => 3 * i + 2);
    const values = new Float32Array(800);
    positions.forEach((p) => (values[p] = cb.centroids[0]));
    const layer = input.model.layers[0];
    const model = { ...input.model, layers: [{ ...layer, params: { kernel: { shape: [40, 20], values } } }] };
    const codebooks = new Map([['dense_0/kernel', { ...cb, positions, codes: new Uint8Array(266) }]]);
    const encoded = encodeContainer({ model, codebooks }, { encoders: [constEncoder], gapBits: 4 });
    expect(encoded.header.decoders).toEqual({ 'test-const': '@dc/test-const/decode' });
    expect(encoded.tensors[0].streams.map((s) => [s.role, s.encoding, s.data.length])).toEqual([
      ['codebook', 'raw', 4 * cb.centroids.length],
      ['codes', 'test-const', 2],
      ['gaps', 'test-const', 2],
    ]);
    expect(() => decodeContainer(encoded.bytes)).toThrow(/UNKNOWN_ENCODING.*@dc\/test-const\/decode/);
    const decoded = decodeContainer(encoded.bytes, { decoders: [constDecoder] });
    expectExactRoundTrip({ model, codebooks, masks: new Map(), stages: [] }, decoded);
  });

  it('stores entries in column order when that is smaller, and decodes them to row-major', () => {
    // Three adjacent whole columns kept: in column order the indices are runs of gap 1.
    const values = new Float32Array(50 * 40);
    for (let r = 0; r < 50; r++) for (const c of [3, 4, 5]) values[r * 40 + c] = 0.5 + r / 100 + c;
    const model: Model = { name: 'cols', inputShape: [50], layers: [{ name: 'fc', config: { kind: 'dense', units: 40, activation: 'linear', useBias: false }, params: { kernel: { shape: [50, 40], values } } }] };
    const auto = encodeContainer({ model });
    expect(auto.header.tensors[0]).toMatchObject({ layout: 'sparse', order: 'column' });
    const row = encodeContainer({ model }, { order: 'row' });
    expect(row.header.tensors[0].order).toBeUndefined();
    expect(auto.bytes.length).toBeLessThan(row.bytes.length);
    for (const bytes of [auto.bytes, row.bytes]) {
      const t = decodeContainer(bytes).tensors.get('fc/kernel')!;
      expect(t.layout === 'sparse' && [...t.positions]).toEqual([...values.keys()].filter((i) => values[i] !== 0));
      expect(bitsOf(densify(t))).toEqual(bitsOf(values));
    }
  });

  it('decodes dense float32 sections as zero-copy views of the file', () => {
    const input = makeInput([{ inputs: 10, units: 10, density: 1, bits: 0, bias: false, seed: 6 }]);
    const { bytes } = encodeContainer(input);
    const t = decodeContainer(bytes).tensors.get('dense_0/kernel')!;
    expect(t.layout).toBe('dense');
    if (t.layout === 'dense') expect(t.values.buffer).toBe(bytes.buffer);
  });

  it('rejects codebooks that do not fit their tensor', () => {
    const input = makeInput([{ inputs: 4, units: 4, density: 0.5, bits: 2, bias: false, seed: 8 }]);
    const cb = input.codebooks.get('dense_0/kernel')!;
    const bad = new Map([['dense_0/kernel', { ...cb, positions: Uint32Array.from(cb.positions, (p) => p + 100) }]]);
    expect(() => encodeContainer({ ...input, codebooks: bad })).toThrow(/INVALID_MODEL/);
  });
});
