import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphTensorValues, readGraphModelHeader, roundToFloat16 } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { prepareErrorFeedback } from '@dc/quantize';
import { compressGraphModel, compressWeight, decodeGraphModel, encodeGraphModel, loadGraphModelArtifacts, type GraphModelSource } from './index.js';
import { allocationErrorCode } from './fixture.test-support.js';
import { writeFixture } from './testing/fixture.js';

let source: GraphModelSource;

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  source = await loadGraphModelArtifacts(await writeFixture());
});

describe('float16 rounding of float weights', () => {
  it('stores the rounded values as float16 (at most 2 bytes each: coded byte planes where smaller) and decodes them exactly', () => {
    const fc = source.tensors.find((t) => t.name === 'model/fc/weights')!;
    const compressed = compressGraphModel(source, { 'model/fc/weights': { sparsity: 0, bits: null, float16: true } });
    const bytes = encodeGraphModel(compressed).bytes;
    const entry = readGraphModelHeader(bytes).tensors.find((t) => t.key === 'model/fc/weights')!;
    expect(entry.streams.values).toMatchObject({ type: 'f16', count: fc.values.length });
    expect(entry.streams.values!.length).toBeLessThanOrEqual(2 * fc.values.length);
    const decoded = graphTensorValues(decodeGraphModel(bytes).tensors.find((t) => t.name === 'model/fc/weights')!);
    expect(Array.from(decoded)).toEqual(Array.from(fc.values, (v) => roundToFloat16(v) + 0));
    expect(Array.from(decoded)).not.toEqual(Array.from(fc.values));
  });

  it('float16 with bits, or on values past float16\'s range, is INVALID_OPTION', () => {
    const code = (a: object) => allocationErrorCode(source, 'model/fc/weights', a);
    expect(code({ sparsity: 0.5, bits: null, float16: true })).toBe('no error');
    expect(code({ sparsity: 0, bits: 4, float16: true })).toBe('INVALID_OPTION');
    const big = { ...source, tensors: source.tensors.map((t) => (t.name === 'model/fc/weights' ? { ...t, values: new Float32Array(t.values.length).fill(7e4) } : t)) };
    expect(() => compressGraphModel(big, { 'model/fc/weights': { sparsity: 0, bits: null, float16: true } })).toThrow(/65504/);
  });

  it('a float weight that error feedback pushes past the format\'s range is stored as its largest finite value, not Infinity', () => {
    // One output of two inputs that nearly always move together: pruning the first feeds its
    // 1000 into the second, 65504 + ~990, past float16's (and, at 3e38, float32's) range.
    const feedback = prepareErrorFeedback(Float64Array.from([1, 0.99, 0.99, 1]), 2, 0);
    for (const float16 of [false, true]) {
      const fed = compressWeight(Float32Array.from([1000, 65504]), { sparsity: 0.5, bits: null, float16 }, { feedback });
      expect(Array.from(fed.values)).toEqual([0, 65504]);
      expect(Number.isFinite(fed.error)).toBe(true);
    }
    const wide = compressWeight(Float32Array.from([1e38, 3.4e38]), { sparsity: 0.5, bits: null }, { feedback });
    expect(Array.from(wide.values)).toEqual([0, Math.fround(3.4028234663852886e38)]);
  });
});

describe('float16 codebooks', () => {
  it('stores the codebook of codes up to 8 bits as f16 (decoding exactly to the reconstruction), finer codes\' as f32', () => {
    const fc = source.tensors.find((t) => t.name === 'model/fc/weights')!;
    for (const [bits, type] of [[5, 'f16'], [8, 'f16'], [10, 'f32']] as const) {
      const compressed = compressGraphModel(source, { 'model/fc/weights': { sparsity: 0.3, bits } });
      const bytes = encodeGraphModel(compressed).bytes;
      const entry = readGraphModelHeader(bytes).tensors.find((t) => t.key === 'model/fc/weights')!;
      expect(entry.streams.codebook).toMatchObject({ type });
      const decoded = graphTensorValues(decodeGraphModel(bytes).tensors.find((t) => t.name === 'model/fc/weights')!);
      expect(decoded).toEqual(compressed.reconstruct().find((t) => t.name === 'model/fc/weights')!.values);
      expect(compressWeight(fc.values as Float32Array, { sparsity: 0.3, bits }).values).toEqual(decoded);
    }
  });
});
