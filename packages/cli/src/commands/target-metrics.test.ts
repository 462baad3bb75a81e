import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { targetMetrics } from './target-metrics.js';

describe('targetMetrics', () => {
  it('matches tfjs: mean squared and absolute error, binary cross-entropy of clipped probabilities, the share of values on the wrong side of 0.5', () => {
    const out = Float32Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 1 : ((i * 37) % 100) / 100));
    const targets = Float32Array.from({ length: 60 }, (_, i) => (i * 13) % 3 === 0 ? 1 : (i % 5) / 4);
    const m = targetMetrics('probabilities');
    // In two batches, as dc run feeds it.
    m.add(out.subarray(0, 24), targets, 0);
    m.add(out.subarray(24), targets, 24);
    const f = m.figures();
    const [y, t] = [tf.tensor2d(out, [20, 3]), tf.tensor2d(targets, [20, 3])];
    expect(f.meanSquaredError).toBeCloseTo(tf.metrics.meanSquaredError(t, y).mean().dataSync()[0], 6);
    expect(f.meanAbsoluteError).toBeCloseTo(tf.metrics.meanAbsoluteError(t, y).mean().dataSync()[0], 6);
    expect(f.binaryCrossentropy!).toBeCloseTo(tf.metrics.binaryCrossentropy(t, y).mean().dataSync()[0], 4);
    const wrong = Array.from(out).filter((v, i) => v > 0.5 !== targets[i] > 0.5).length;
    expect(f.binaryError).toBeCloseTo((100 * wrong) / 60, 10);
  });

  it('from a linear head told its values are logits: binary cross-entropy as tfjs\'s sigmoidCrossEntropy, the side taken at 0', () => {
    const logits = Float32Array.from({ length: 30 }, (_, i) => ((i * 7919) % 23) - 11 + (i % 3) * 0.37);
    const targets = Float32Array.from({ length: 30 }, (_, i) => ((i * 13) % 4 === 0 ? 1 : 0));
    const m = targetMetrics('logits', true);
    m.add(logits.subarray(0, 12), targets, 0);
    m.add(logits.subarray(12), targets, 12);
    const f = m.figures();
    const expected = tf.losses.sigmoidCrossEntropy(tf.tensor1d(targets), tf.tensor1d(logits), undefined, 0, tf.Reduction.MEAN).dataSync()[0];
    expect(f.binaryCrossentropy!).toBeCloseTo(expected, 5);
    expect(f.binaryError).toBeCloseTo((100 * Array.from(logits).filter((v, i) => v > 0 !== targets[i] > 0.5).length) / 30, 10);
    // A sigmoid head's probabilities are never read as logits.
    const sigmoid = targetMetrics('probabilities', true);
    sigmoid.add(Float32Array.of(0.2, 0.9), Float32Array.of(0, 1), 0);
    expect(sigmoid.figures().binaryError).toBe(0);
  });

  it('gives no binary figures for a head that is not a sigmoid, or for targets outside [0, 1]', () => {
    const linear = targetMetrics('logits');
    linear.add(Float32Array.of(0.2, 0.9), Float32Array.of(0, 1), 0);
    const outside = targetMetrics('probabilities');
    outside.add(Float32Array.of(0.2, 0.9), Float32Array.of(0, 2), 0);
    expect([linear.figures().binaryCrossentropy, outside.figures().binaryError]).toEqual([null, null]);
    expect(outside.figures().meanSquaredError).toBeCloseTo((0.04 + 1.21) / 2, 6);
  });
});
