import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { centroidGradients, centroidGradientsTf, codebookTensors, segmentSumMethod, type SegmentSumMethod } from './centroid-gradient.js';

// A 3×2 kernel with one pruned weight (flat position 2) and three clusters.
const grad = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
const codebook = { positions: Uint32Array.of(0, 1, 3, 4, 5), codes: Uint8Array.of(1, 0, 1, 2, 0) };
// By hand: c0 = g1 + g5 = -0.2 + 0.6; c1 = g0 + g3 = 0.1 + 0.4; c2 = g4 = -0.5; g2 (pruned) counts nowhere.
const expected = [0.4, 0.5, -0.5];

describe('centroid gradient (paper eq. 3)', () => {
  it('is the per-cluster sum of the weight gradients on a hand-computed example', () => {
    const sums = centroidGradients(grad, codebook, 3);
    expected.forEach((e, k) => expect(sums[k]).toBeCloseTo(e, 12));
    expect(centroidGradients(grad, codebook).length).toBe(3);
  });

  it('gives 0 to a centroid no weight uses', () => {
    expect(Array.from(centroidGradients(grad, { positions: Uint32Array.of(0), codes: Uint8Array.of(0) }, 2))).toEqual([0.1, 0]);
  });

  it.each(['unsorted-segment-sum', 'sparse-segment-sum', 'js'] as SegmentSumMethod[])('on tensors (%s, cpu backend) equals the reference', async (method) => {
    await tf.setBackend('cpu');
    const g = tf.tensor2d(grad, [3, 2]);
    const t = codebookTensors(tf, codebook);
    const sums = centroidGradientsTf(tf, g, codebook, t, 3, method);
    expect(sums.shape).toEqual([3]);
    Array.from(sums.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
    // The highest code unused: still k sums.
    const short = { positions: Uint32Array.of(0, 1), codes: Uint8Array.of(0, 0) };
    const st = codebookTensors(tf, short);
    const padded = centroidGradientsTf(tf, g, short, st, 3, method);
    expect(Array.from(padded.dataSync()).map((v) => +v.toFixed(6))).toEqual([-0.1, 0, 0]);
    tf.dispose([g, sums, padded, ...Object.values(t), ...Object.values(st)]);
  });

  it('works on the wasm backend with the best method it supports (sparse-segment-sum as shipped)', async () => {
    // Set up directly (not through selectTrainingBackend) to test wasm as shipped.
    await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend('wasm')).toBe(true);
    const wasm = tf;
    const method = segmentSumMethod(wasm);
    expect(method).not.toBe('js');
    const g = wasm.tensor2d(grad, [3, 2]);
    const t = codebookTensors(wasm, codebook);
    const sums = centroidGradientsTf(wasm, g, codebook, t, 3, method);
    Array.from(sums.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
    wasm.dispose([g, sums, ...Object.values(t)]);
  });
});
