import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { budgetFor, compareOutputs } from '@dc/allocate';
import { calibrationWarnings, heldOnCalibrationOnly, nothingShown } from './calibration-warnings.js';
import type { InputFeeds } from './input-feeds.js';

/** Feeds of one input: `batches` batches of `size` samples [2], sample k holding k + `from`. */
function feeds(batches: number, size: number, from = 0): InputFeeds {
  const out = Array.from({ length: batches }, (_, b) => [tf.tensor2d(Array.from({ length: size * 2 }, (_, i) => from + b * size + Math.floor(i / 2)), [size, 2])]);
  return { batches: out, samples: batches * size, source: 'npy' };
}

describe('calibrationWarnings', () => {
  const made: InputFeeds[] = [];
  const keep = (f: InputFeeds) => (made.push(f), f);
  afterEach(() => tf.dispose(made.splice(0).flatMap((f) => f.batches.flat())));

  it('says nothing of 8 or more calibration samples and test samples of their own', () => {
    expect(calibrationWarnings(keep(feeds(2, 4)), keep(feeds(2, 4, 100)))).toEqual([]);
    expect(calibrationWarnings(keep(feeds(1, 8)), undefined)).toEqual([]);
  });

  it('warns of fewer than 8 calibration samples, naming how many', () => {
    expect(calibrationWarnings(keep(feeds(1, 1)), undefined)).toEqual([expect.stringMatching(/^only 1 calibration sample: the plan is verified on it alone.*give 8 or more/)]);
    expect(calibrationWarnings(keep(feeds(1, 5)), undefined)).toEqual([expect.stringMatching(/^only 5 calibration samples: the plan is verified on them alone/)]);
  });

  it('warns when the test samples are the calibration samples again, not when one value differs', () => {
    expect(calibrationWarnings(keep(feeds(2, 4)), keep(feeds(2, 4)))).toEqual([expect.stringMatching(/^--test-data holds the calibration samples themselves/)]);
    const other = keep(feeds(2, 4));
    other.batches[1][0].dispose();
    other.batches[1][0] = tf.tensor2d([4, 4, 5, 5, 6, 6, 7, 8], [4, 2]);
    expect(calibrationWarnings(keep(feeds(2, 4)), other)).toEqual([]);
  });
});

describe('heldOnCalibrationOnly', () => {
  /** A regression output's fidelity when the compressed model is off by `error` (relative). */
  const fidelity = (error: number) => {
    const reference = Float32Array.of(3, 4);
    return compareOutputs([[{ shape: [1, 2], values: reference }]], [[{ shape: [1, 2], values: reference.map((v) => v * (1 + error)) }]], ['regression'], budgetFor(0.02));
  };

  it('warns of a file within budget on the calibration inputs and over it on the test inputs, saying what to do', () => {
    expect(heldOnCalibrationOnly(fidelity(0.01), fidelity(0.05))).toMatch(/^the file is within budget on the calibration inputs and over it on the test inputs: .* Give more calibration inputs, .* or a smaller --max-output-drift/);
  });

  it('says nothing without test inputs, of a file within budget on both, or of one over budget on the calibration itself', () => {
    expect(heldOnCalibrationOnly(fidelity(0.01), null)).toBeUndefined();
    expect(heldOnCalibrationOnly(fidelity(0.01), fidelity(0.015))).toBeUndefined();
    expect(heldOnCalibrationOnly(fidelity(0.05), fidelity(0.05))).toBeUndefined();
  });
});

describe('nothingShown', () => {
  const budget = budgetFor(0.02);
  /** One sample's MoveNet-style keypoints [1, 1, 2, 3] (y, x, score), the given scores. */
  const keypoints = (...scores: number[]) => ({ shape: [1, 1, scores.length, 3], values: Float32Array.from(scores.flatMap((s, i) => [0.1 * i, 0.2, s])) });
  /** One sample's list after non-max suppression: scores [1, 8] and boxes [1, 8, 4]. */
  const list = (top: number) => [
    { shape: [1, 8], values: Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? top : 0.01)) },
    { shape: [1, 8, 4], values: Float32Array.from({ length: 32 }, (_, i) => (i % 4 < 2 ? 0.1 : 0.5)) },
  ];

  it('names each keypoints or detector output that showed nothing on the calibration inputs', () => {
    const blind = compareOutputs([[keypoints(0.1, 0.2), ...list(0.2)]], [[keypoints(0.1, 0.2), ...list(0.2)]], ['keypoints', 'nms-scores', 'nms-boxes'], budget);
    expect(nothingShown(blind)).toEqual([
      expect.stringMatching(/^output 0 \(keypoints\) showed no keypoint on any calibration input: the plan never saw what it shows, so its keypoints' fidelity is unmeasured; give calibration inputs with what the model finds \(people for a pose model/),
      expect.stringMatching(/^output 2 \(nms-boxes\) showed no detection on any calibration input: .* its detections' fidelity is unmeasured/),
    ]);
  });

  it('says nothing where a keypoint or a detection was shown', () => {
    const seen = compareOutputs([[keypoints(0.1, 0.9), ...list(0.9)]], [[keypoints(0.1, 0.9), ...list(0.9)]], ['keypoints', 'nms-scores', 'nms-boxes'], budget);
    expect(seen.outputs.map((o) => o.keypointsShown ?? o.detectionsShown)).toEqual([1, undefined, 1]);
    expect(nothingShown(seen)).toEqual([]);
  });
});

