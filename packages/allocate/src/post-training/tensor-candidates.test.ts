import { describe, expect, it } from 'vitest';
import { indexBits } from '../size-model.js';
import { codedCandidate, compressTensor, entropyBits, losslessBytes, tensorCandidates } from './tensor-candidates.js';

describe('tensor candidates', () => {
  it('prices float, pruned and clustered choices from their exact weight errors', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin((i + 1) * 12.9898) * 0.3);
    const cands = tensorCandidates(values, { sparsities: [0, 0.5], bits: [4], probeSparsity: 0.5 }, compressTensor);
    expect(cands.map((c) => [c.sparsity, c.bits])).toEqual([[0, null], [0, 4], [0.5, null], [0.5, 4]]);
    expect(cands[0]).toMatchObject({ bytes: 4000, pruneError: 0, quantizeError: 0 });
    const c4 = compressTensor(values, 0, 4);
    let sse = 0;
    for (let i = 0; i < values.length; i++) sse += (values[i] - c4.values[i]) ** 2;
    expect(cands[1].quantizeError).toBeCloseTo(sse, 9);
    expect(cands[1].bytes).toBeCloseTo((1000 * c4.codeBits) / 8 + 4 * c4.centroids, 9);
    expect(c4.codeBits).toBeLessThanOrEqual(4);
    expect(entropyBits(Uint8Array.from([0, 1, 2, 3]), 4)).toBe(2);
    // Pruning half: the pruned weights' squares, and no quantization error for the float candidate.
    const sorted = Array.from(values, Math.abs).sort((a, b) => a - b);
    expect(cands[2].pruneError).toBeCloseTo(sorted.slice(0, 500).reduce((a, v) => a + v * v, 0), 9);
    expect(cands[2].quantizeError).toBe(0);
  });

  it('prices floats and codebooks at the widths the writer stores them in (a float16 writer: 2 bytes each)', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin((i + 1) * 12.9898) * 0.3);
    // A writer that stores every float and codebook entry as float16 says so in codeBits and centroidBytes.
    const half = (v: Float32Array, s: number, b: number | null) => {
      const c = compressTensor(v, s, b);
      return b === null ? { ...c, codeBits: 16 } : { ...c, centroidBytes: 2 };
    };
    const cands = tensorCandidates(values, { sparsities: [0], bits: [4], probeSparsity: 0.5 }, half);
    expect(cands.map((c) => [c.sparsity, c.bits])).toEqual([[0, null], [0, 4], [0.5, null]]);
    expect(cands[0].bytes).toBe(2000);
    const c4 = compressTensor(values, 0, 4);
    expect(cands[1].bytes).toBeCloseTo((1000 * c4.codeBits) / 8 + 2 * c4.centroids, 9);
    expect(cands[2].bytes).toBeCloseTo((500 * (16 + indexBits(0.5))) / 8, 9);
    // The same tensor priced for a float32 writer: twice the floats, 4 bytes per centroid.
    const full = tensorCandidates(values, { sparsities: [0], bits: [4], probeSparsity: 0.5 }, compressTensor);
    expect(full.map((c) => c.bytes)).toEqual([4000, cands[1].bytes + 2 * c4.centroids, (500 * (32 + indexBits(0.5))) / 8]);
  });

  it('prices a whole codebook at the bytes a compression reports for it (a range of whole numbers: 4), one float16 per channel scale beside', () => {
    const values = Float32Array.from({ length: 1200 }, (_, i) => Math.sin((i + 1) * 3.7) * 0.5);
    const ranged = (v: Float32Array, s: number, b: number | null, f = {}) => ({ ...compressTensor(v, s, b, f), codebookBytes: 4 });
    const c = codedCandidate(values, 0, 0, 6, 12, ranged);
    const direct = compressTensor(values, 0, 6, { channels: 12 });
    expect(c).toMatchObject({ sparsity: 0, bits: 6, channels: 12, pruneError: 0 });
    expect(c.bytes).toBeCloseTo((1200 * direct.codeBits) / 8 + 4 + 2 * 12, 9);
    expect(tensorCandidates(values, { sparsities: [0], bits: [6], probeSparsity: 0.5, channels: 12 }, ranged).find((x) => x.channels === 12)).toEqual(c);
  });

  it("prices by a compression's own error where it reports one (pruning's share, and the rest as the codes')", () => {
    const values = Float32Array.from({ length: 600 }, (_, i) => Math.cos(i * 7.1) * 0.2);
    // A stand-in output error: 3 per pruned-float candidate, 5 once coded, 1 for float16.
    const own = (v: Float32Array, s: number, b: number | null, f = {}) => ({ ...compressTensor(v, s, b, f), error: b === null ? ('float16' in f ? 1 : 3) : 5 });
    const cands = tensorCandidates(values, { sparsities: [0, 0.5], bits: [4], probeSparsity: 0.5, float16: true }, own);
    expect(cands.map((c) => [c.sparsity, c.bits, c.float16 ?? false, c.pruneError, c.quantizeError])).toEqual([
      [0, null, false, 0, 0],
      [0, null, true, 0, 1],
      [0, 4, false, 0, 5],
      [0.5, null, false, 3, 0],
      [0.5, 4, false, 3, 2],
    ]);
  });

  it('with channels, each coded candidate comes twice: plain and per-channel scaled (bytes + a float16 per channel)', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin((i + 1) * 12.9898) * 0.3 * 10 ** -(i % 4));
    const cands = tensorCandidates(values, { sparsities: [0], bits: [4], probeSparsity: 0.5, channels: 4 }, compressTensor);
    expect(cands.map((c) => [c.sparsity, c.bits, c.channels ?? null])).toEqual([[0, null, null], [0, 4, null], [0, 4, 4], [0.5, null, null]]);
    const c = compressTensor(values, 0, 4, { channels: 4 });
    expect(cands[2].bytes).toBeCloseTo((1000 * c.codeBits) / 8 + 4 * c.centroids + 2 * 4, 9);
    // The smallest channel (every 4th weight, 1,000× below the largest) keeps its values only with scales.
    const plain = compressTensor(values, 0, 4);
    const error = (out: Float32Array) => Math.sqrt(values.reduce((a, v, i) => a + (i % 4 === 3 ? (v - out[i]) ** 2 : 0), 0) / values.reduce((a, v, i) => a + (i % 4 === 3 ? v * v : 0), 0));
    expect(error(plain.values)).toBeGreaterThan(0.5);
    expect(error(c.values)).toBeLessThan(0.1);
  });

  it('fine bits are tried on the unpruned tensor only, plain and scaled, priced between 8-bit codes and floats', () => {
    const values = Float32Array.from({ length: 40000 }, (_, i) => Math.sin((i + 1) * 12.9898) * 0.3 * (1 + (i % 8)));
    const cands = tensorCandidates(values, { sparsities: [0, 0.5], bits: [8], fineBits: [10, 12], probeSparsity: 0.5, channels: 8 }, compressTensor);
    expect(cands.map((c) => [c.sparsity, c.bits, c.channels ?? null])).toEqual([
      [0, null, null], [0, 8, null], [0, 8, 8], [0.5, null, null], [0.5, 8, null], [0.5, 8, 8], [0, 10, null], [0, 10, 8], [0, 12, null], [0, 12, 8],
    ]);
    const scaled = (b: number) => cands.find((c) => c.sparsity === 0 && c.bits === b && c.channels === 8)!;
    // Each two bits more: about 16× less error for more bytes, all under the float32 tensor's.
    expect(scaled(10).quantizeError).toBeLessThan(scaled(8).quantizeError / 10);
    expect(scaled(12).quantizeError).toBeLessThan(scaled(10).quantizeError / 10);
    expect(scaled(8).bytes).toBeLessThan(scaled(10).bytes);
    expect(scaled(10).bytes).toBeLessThan(scaled(12).bytes);
    expect(scaled(12).bytes).toBeLessThan(cands[0].bytes);
    const c12 = compressTensor(values, 0, 12, { channels: 8 });
    expect(scaled(12).bytes).toBeCloseTo((40000 * c12.codeBits) / 8 + 4 * c12.centroids + 2 * 8, 6);
  });

  it('prices keeping a tensor exactly as the writer stores it: repeating values by their exact codebook', () => {
    // What tfjs decodes a uint8-quantized weight to: 64 affine levels, min + scale × q.
    const levels = Float32Array.from({ length: 4096 }, (_, i) => Math.fround(-0.5 + (1 / 255) * ((i * 37) % 64)));
    const codes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 64);
    // The codes' entropy (6 bits: 64 equally frequent levels) plus 64 float32 centroids.
    expect(losslessBytes(levels)).toBeCloseTo((4096 * entropyBits(codes, 64)) / 8 + 4 * 64, 6);
    expect(losslessBytes(levels)).toBe(3328);
    expect(tensorCandidates(levels, { sparsities: [0], bits: [4], probeSparsity: 0.5 }, compressTensor)[0].bytes).toBe(3328);
    const distinct = Float32Array.from({ length: 1000 }, (_, i) => 0.1 + i / 1000);
    expect(losslessBytes(distinct)).toBe(4000); // no value repeats: the floats
    expect(losslessBytes(distinct.map((v) => Math.fround(onFloat16Grid(v))))).toBe(2000); // float16, every value distinct
  });

  it('prices an already-sparse tensor by its nonzeros, and pruning it below its own sparsity as free', () => {
    // A pruned model's weight: 4 of every 5 exactly zero, the others distinct (no exact codebook).
    const sparse = Float32Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 0.1 + i / 1000 : 0));
    const positions = 200 * indexBits(0.2);
    expect(losslessBytes(sparse)).toBeCloseTo((200 * 32 + positions) / 8, 9);
    const cands = tensorCandidates(sparse, { sparsities: [0, 0.5], bits: [4], probeSparsity: 0.5 }, compressTensor);
    const prunedFloat = cands.find((c) => c.sparsity === 0.5 && c.bits === null)!;
    expect(prunedFloat).toMatchObject({ pruneError: 0, quantizeError: 0, bytes: cands[0].bytes });
  });
});

/** `v` rounded to a float16 with 1,000 distinct values in [0.1, 1.1): steps of 2^-10 apart. */
function onFloat16Grid(v: number): number {
  return Math.round(v * 1024) / 1024;
}
