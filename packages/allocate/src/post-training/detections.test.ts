import { describe, expect, it } from 'vitest';
import { compareOutputs, markUnstable, worstError } from './compare-outputs.js';
import { boxIoU, DETECTION_MIN_SCORE, keypointMoves, recordScores, scoreSources } from './detections.js';
import { budgetFor, outputKindsOf } from './fidelity.js';

const batch = (shape: number[], values: number[]) => ({ shape, values: Float32Array.from(values) });
const budget = budgetFor(0.02);
const logit = (p: number) => Math.log(p / (1 - p));
const f32 = (...v: number[]) => Float32Array.from(v);

describe('box geometry', () => {
  it('measures the IoU of two center-size boxes of one anchor, and keypoint moves over the box\'s larger side', () => {
    expect(boxIoU(f32(0, 0, 10, 10), f32(0, 0, 10, 10), 0)).toBe(1);
    // Shifted by 1 along x: 9 × 10 shared of 110.
    expect(boxIoU(f32(0, 0, 10, 10), f32(1, 0, 10, 10), 0)).toBeCloseTo(90 / 110, 9);
    // Grown from 10 to 11 wide: 100 / 110; disjoint: 0; an empty box against itself: 1.
    expect(boxIoU(f32(7, 5, 5, 10, 10), f32(7, 5, 5, 11, 10), 1)).toBeCloseTo(100 / 110, 9);
    expect(boxIoU(f32(0, 0, 2, 2), f32(5, 5, 2, 2), 0)).toBe(0);
    expect(boxIoU(f32(0, 0, 0, 0), f32(0, 0, 0, 0), 0)).toBe(1);
    // Keypoints (3, 4) and (−2, 1) after a 20 × 40 box: the first moved by 0.5 (0.3, 0.4), 0.5 / 40.
    expect(keypointMoves(f32(0, 0, 20, 40, 3, 4, -2, 1), f32(0, 0, 20, 40, 3.3, 4.4, -2, 1), 0, 8)).toBeCloseTo(0.5 / 40, 6);
  });
});

describe('detections', () => {
  // Four anchors of (score logit, x, y, w, h, keypoint x, y): the first shows a face (p 0.95), the others nothing.
  const reference = batch([1, 4, 7], [
    logit(0.95), 2, -1, 40, 50, 5, 6,
    -12, 5, -7, 20, 20, 1, 1,
    -300000, 40, 3, 60, 10, 0, 0,
    -9, -2, 8, 30, 35, 4, 4,
  ]);

  it('judges every anchor\'s score as a probability, and the box and keypoints of each anchor shown, not the boxes nobody reads', () => {
    // The shown box moves by 0.2 and its keypoint by 0.3; the hidden ones by half their size, the huge logit by a third.
    const candidate = batch([1, 4, 7], [
      logit(0.951), 2.2, -1, 40, 50, 5.3, 6,
      -11.5, 2, -3, 10, 30, 0, 0,
      -200000, 20, 1, 30, 5, 3, 3,
      -9.2, -1, 4, 15, 20, 0, 9,
    ]);
    const r = compareOutputs([[reference]], [[candidate]], ['detections'], budget);
    expect(r.outputs[0]).toMatchObject({ kind: 'detections', detectionsShown: 1, withinBudget: true });
    expect(r.outputs[0].iou).toBeCloseTo((39.8 * 50) / (40.2 * 50), 5);
    expect(r.outputs[0].keypointMove).toBeCloseTo(0.3 / 50, 5);
    expect(r.outputs[0].scoreChange).toBeCloseTo(0.001, 6);
    // The same outputs judged as a regression are far over: the hidden boxes count.
    expect(compareOutputs([[reference]], [[candidate]], ['regression'], budget).withinBudget).toBe(false);
    // A hidden anchor that rises to a detection is over on its score, and its box is judged too.
    const falsePositive = batch([1, 4, 7], [...reference.values].map((v, i) => (i === 7 ? logit(0.5) : v)));
    const f = compareOutputs([[reference]], [[falsePositive]], ['detections'], budget);
    expect(f.outputs[0]).toMatchObject({ detectionsShown: 2, iou: 1, withinBudget: false });
    expect(f.outputs[0].scoreChange).toBeCloseTo(0.5 - 1 / (1 + Math.exp(12)), 6);
    expect(worstError(f)).toBeCloseTo(f.outputs[0].scoreChange!, 9);
    expect(f.drift).toBeCloseTo(f.outputs[0].scoreChange! / 0.02, 6);
    // A shown box shifted by 2 of 40: IoU 38/42 < 0.98, over.
    const shifted = batch([1, 4, 7], [...reference.values].map((v, i) => (i === 1 ? v + 2 : v)));
    const s = compareOutputs([[reference]], [[shifted]], ['detections'], budget);
    expect(s.outputs[0].iou).toBeCloseTo(38 / 42, 5);
    expect(s.withinBudget).toBe(false);
    expect(s.drift).toBeCloseTo((1 - 38 / 42) / 0.02, 4);
  });

  it('takes the scores of boxes output apart from the detection-scores output with as many records: logits, or class probabilities (their best)', () => {
    // BlazeFace: [1, 2, 1] logits beside [1, 2, 4] boxes, and a second scale of 1 anchor.
    const scores = batch([1, 2, 1], [logit(0.9), -8]);
    const boxes = batch([1, 2, 4], [0, 0, 10, 10, 3, 3, 20, 20]);
    const scores2 = batch([1, 1, 1], [-20]);
    const boxes2 = batch([1, 1, 4], [1, 2, 3, 4]);
    const kinds = ['detection-scores', 'detections', 'detection-scores', 'detections'] as const;
    expect(scoreSources([[scores, boxes, scores2, boxes2]], kinds)).toEqual([undefined, { output: 0, logits: true }, undefined, { output: 2, logits: true }]);
    const moved = [[batch([1, 2, 1], [logit(0.905), -8]), batch([1, 2, 4], [0, 0, 10, 10.1, 9, 9, 1, 1]), batch([1, 1, 1], [-15]), batch([1, 1, 4], [9, 9, 9, 9])]];
    const r = compareOutputs([[scores, boxes, scores2, boxes2]], moved, [...kinds], budget);
    // Anchor 0 shown: its box grew by 1% (IoU 100/101); anchor 1's box is not read.
    expect(r.outputs[1]).toMatchObject({ detectionsShown: 1, withinBudget: true });
    expect(r.outputs[1].iou).toBeCloseTo(100 / 101, 5);
    expect(r.outputs[0].scoreChange).toBeCloseTo(0.005, 4);
    // Nothing shown on the second scale: only its score is judged, as a probability (tiny).
    expect(r.outputs[3]).toMatchObject({ detectionsShown: 0, iou: 1, withinBudget: true });
    expect(r.outputs[2].scoreChange).toBeLessThan(1e-6);
    expect(r.withinBudget).toBe(true);
    // Class probabilities [1, 2, 3] (no logits): a record's score is its best class.
    const classes = batch([1, 2, 3], [0.1, 0.7, 0.2, 0.05, 0.1, 0.02]);
    const classBoxes = batch([1, 2, 4], new Array(8).fill(1));
    expect(scoreSources([[classes, classBoxes]], ['detection-scores', 'detections'])[1]).toEqual({ output: 0, logits: false });
    expect([...recordScores([classes, classBoxes], 1, { output: 0, logits: false })]).toEqual([Math.fround(0.7), Math.fround(0.1)]);
    expect(DETECTION_MIN_SCORE).toBe(0.3);
  });

  it('leaves out the anchors whose score, box or keypoints the original itself changes beyond the budget under one grey level of jitter', () => {
    const jittered = batch([1, 4, 7], [...reference.values].map((v, i) => (i === 7 ? logit(0.1) : v)));
    const marked = markUnstable([[reference]], [[jittered]], ['detections'], budget);
    expect([...marked[0][0].unstable!]).toEqual([0, 1, 0, 0]);
    // The candidate raises that anchor to 0.6 and moves its box: neither is judged.
    const candidate = batch([1, 4, 7], [...reference.values].map((v, i) => (i === 7 ? logit(0.6) : i === 8 ? 50 : v)));
    const r = compareOutputs(marked, [[candidate]], ['detections'], budget);
    expect(r.outputs[0]).toMatchObject({ unjudged: 1, detectionsShown: 1, iou: 1, scoreChange: 0, withinBudget: true });
    expect(compareOutputs([[reference]], [[candidate]], ['detections'], budget).withinBudget).toBe(false);
    // A shown detection whose box the original itself moves (IoU 38/42 under the jitter) is not judged either.
    const moved = batch([1, 4, 7], [...reference.values].map((v, i) => (i === 1 ? v + 2 : v)));
    expect([...markUnstable([[reference]], [[moved]], ['detections'], budget)[0][0].unstable!]).toEqual([1, 0, 0, 0]);
    // detection-scores: per value, as probabilities.
    const s = markUnstable([[batch([1, 2, 1], [0, -40])]], [[batch([1, 2, 1], [0.2, 40])]], ['detection-scores'], budget);
    expect([...s[0][0].unstable!]).toEqual([1, 1]);
  });

  it('refuses a detections output that is not records of a score and a box, or whose scores two outputs could hold', () => {
    const reference = [[batch([1, 5], [1, 2, 3, 4, 5]), batch([1, 4, 1], [0, 0, 0, 0])]];
    expect(() => outputKindsOf(reference, ['detections', undefined], '--output-kinds')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('output 0 of shape [1, 5] is not detections') }));
    // A score and three fields: no box.
    expect(() => outputKindsOf([[batch([1, 1, 4], [0, 0, 0, 0])]], ['detections'])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const twice = [[batch([1, 2, 1], [0, 0]), batch([1, 2, 1], [0, 0]), batch([1, 2, 4], new Array(8).fill(0))]];
    expect(() => outputKindsOf(twice, ['detection-scores', 'detection-scores', 'detections'])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('ambiguous') }));
    expect(outputKindsOf(twice, ['detection-scores', 'score', 'detections'])).toEqual(['detection-scores', 'score', 'detections']);
  });
});
