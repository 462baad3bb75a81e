import { describe, expect, it } from 'vitest';
import { exactCodebook } from './exact-codebook.js';
import { decodeGraphModelContainer, graphTensorValues } from './graph-model-decode.js';
import { encodeGraphModelContainer } from './graph-model-encode.js';
import { toDenseModel } from '../compressed.js';
import { createRandom } from '../random.js';
import { tinyDenseModel } from '../testing/fixtures.js';
import { decodeContainer } from './decode.js';
import { encodeContainer } from './encode.js';

/** What tfjs decodes a `--quantize_uint8` weight to: min + scale × q, q in 0..255, in float32. */
function dequantizedUint8(n: number, seed: number): Float32Array {
  const random = createRandom(seed);
  const u = () => random.next();
  const [min, scale] = [-0.73, 1.41 / 255];
  // Bell-shaped levels, as trained weights are: most near the middle.
  return Float32Array.from({ length: n }, () => Math.fround(min + scale * Math.round(127.5 + 30 * (u() + u() + u() - 1.5) * 2)));
}

describe('exactCodebook', () => {
  it('holds each distinct nonzero value once, sorted, and gives every element back exactly', () => {
    const values = dequantizedUint8(5000, 3);
    values[7] = 0;
    values[8] = -0;
    const cb = exactCodebook(values)!;
    const distinct = new Set(Array.from(values).filter((v) => v !== 0));
    expect(cb.centroids.length).toBe(distinct.size);
    expect(Array.from(cb.centroids)).toEqual([...distinct].sort((a, b) => a - b));
    expect(cb.bits).toBe(Math.ceil(Math.log2(distinct.size)));
    const back = new Float32Array(values.length);
    cb.positions.forEach((p, i) => (back[p] = cb.centroids[cb.codes[i]]));
    expect(Array.from(back)).toEqual(Array.from(values, (v) => v + 0));
    expect(cb.positions.length).toBe(4998);
  });

  it('is undefined where it cannot be exact or cannot pay', () => {
    expect(exactCodebook(Float32Array.of(1, 2, Infinity, 1, 2, 1))).toBeUndefined();
    expect(exactCodebook(Float32Array.of(1, 2, NaN, 1, 2, 1))).toBeUndefined();
    expect(exactCodebook(Float32Array.from({ length: 100 }, (_, i) => i + 1))).toBeUndefined(); // every value distinct
    expect(exactCodebook(Float32Array.of(1, 0, 1, 1), Uint8Array.of(1, 1, 1, 1))).toBeUndefined(); // a kept zero
    expect(exactCodebook(new Float32Array(8))).toBeUndefined(); // nothing nonzero
    const many = Float32Array.from({ length: 2 * 70000 }, (_, i) => 1 + (i % 70000)); // 70,000 distinct values
    expect(exactCodebook(many)).toBeUndefined();
  });

  it('with a mask, codes the kept elements only', () => {
    const cb = exactCodebook(Float32Array.of(0.5, 0.5, 0.25, 0.5, 0.25, 0.5), Uint8Array.of(1, 0, 1, 1, 1, 1))!;
    expect(Array.from(cb.positions)).toEqual([0, 2, 3, 4, 5]);
    expect(Array.from(cb.centroids)).toEqual([0.25, 0.5]);
    expect(Array.from(cb.codes)).toEqual([1, 0, 1, 0, 1]);
  });
});

describe('GraphModel files store repeating floats as exact codebooks', () => {
  const graph = { format: 'graph-model' as const, modelTopology: { node: [{ name: 'w', op: 'Const', attr: {} }, { name: 'r', op: 'Const', attr: {} }] } };
  const uint8 = dequantizedUint8(20000, 5);
  const random = createRandom(9);
  const distinct = Float32Array.from({ length: 2000 }, () => Math.fround(random.next() - 0.5));
  const encoded = encodeGraphModelContainer({ graph, weights: [{ name: 'w', dtype: 'float32', shape: [100, 200], values: uint8 }, { name: 'r', dtype: 'float32', shape: [2000], values: distinct }] });

  it('a uint8-quantized weight: coded in one byte per weight plus its levels, decoded bit for bit', () => {
    const [w, r] = encoded.tensors;
    const levels = new Set(uint8).size;
    expect(levels).toBeGreaterThan(128);
    expect(w.layout).toBe('dense-coded');
    // No entropy coder given: raw 8-bit codes and float32 centroids, a quarter of the floats.
    expect(w.bytes).toBe(uint8.length + 4 * levels);
    expect(r.layout).toBe('dense'); // no value repeats: floats, as before
    const decoded = decodeGraphModelContainer(encoded.bytes);
    expect(Array.from(graphTensorValues(decoded.tensors[0]))).toEqual(Array.from(uint8));
    expect(Array.from(graphTensorValues(decoded.tensors[1]))).toEqual(Array.from(distinct));
  });
});

describe('layer files store repeating floats as exact codebooks too', () => {
  it('a uint8-quantized kernel of a LayersModel: coded, decoded bit for bit; other tensors as before', () => {
    const model = tinyDenseModel(1);
    const kernel = model.layers[0].params.kernel!;
    const levels = dequantizedUint8(kernel.values.length, 7);
    const quantized = { ...model, layers: model.layers.map((l, i) => (i === 0 ? { ...l, params: { ...l.params, kernel: { ...kernel, values: levels } } } : l)) };
    const plain = encodeContainer({ model });
    const encoded = encodeContainer({ model: quantized });
    expect(encoded.tensors[0].layout).toBe('dense-coded');
    expect(plain.tensors[0].layout).toBe('dense');
    expect(encoded.tensors.slice(1).map((t) => t.bytes)).toEqual(plain.tensors.slice(1).map((t) => t.bytes));
    expect(encoded.tensors[0].bytes).toBe(levels.length + 4 * new Set(levels).size);
    const decoded = toDenseModel(decodeContainer(encoded.bytes));
    expect(Array.from(decoded.layers[0].params.kernel!.values)).toEqual(Array.from(levels));
  });
});
