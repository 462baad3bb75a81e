import { describe, expect, it } from 'vitest';
import { compareOutputs, markUnstable, reportWithin, worstError } from './compare-outputs.js';
import { budgetFor, columnError, COLUMN_NORM_FLOOR, detectOutputKind, emptySums, meetsBudget, outputKindsOf, samplesToResolve, unstableEntries, UNSTABLE_PROBABILITIES, UNSTABLE_TOP1 } from './fidelity.js';

const batch = (shape: number[], values: number[]) => ({ shape, values: Float32Array.from(values) });

describe('detectOutputKind', () => {
  it('reads softmax rows as a classifier, [n,h,w,1] in [0,1] as a mask, other values in [0,1] as scores, the rest as a regression', () => {
    expect(detectOutputKind(batch([2, 3], [0.2, 0.3, 0.5, 1, 0, 0]))).toBe('classifier');
    expect(detectOutputKind(batch([2, 3], [0.2, 0.3, 0.4, 1, 0, 0]))).toBe('score');
    expect(detectOutputKind(batch([1, 1], [0.7]))).toBe('score');
    expect(detectOutputKind(batch([1, 2], [0.7, -0.1]))).toBe('regression');
    expect(detectOutputKind(batch([1, 16, 16, 1], new Array(256).fill(0.25)))).toBe('mask');
    expect(detectOutputKind(batch([1, 16, 16, 1], new Array(256).fill(1.5)))).toBe('regression');
  });

  it('given every batch, needs the kind to hold on each', () => {
    expect(detectOutputKind([batch([1, 1], [0.0002]), batch([1, 1], [0.9])])).toBe('score');
    expect(detectOutputKind([batch([1, 1], [0.0002]), batch([1, 1], [1.3])])).toBe('regression');
    expect(detectOutputKind([batch([1, 2], [0.5, 0.5]), batch([1, 2], [0.5, 0.4])])).toBe('score');
  });

  it('outputKindsOf: the kinds given, the others detected over every batch; a list of the wrong length is INVALID_OPTION in the caller\'s words', () => {
    const reference = [[batch([1, 2], [0.5, 0.5]), batch([1, 1], [3])], [batch([1, 2], [0.9, 0.1]), batch([1, 1], [4])]];
    expect(outputKindsOf(reference)).toEqual(['classifier', 'regression']);
    expect(outputKindsOf(reference, [undefined, 'embedding'])).toEqual(['classifier', 'embedding']);
    expect(() => outputKindsOf(reference, ['score'], '--output-kinds')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('--output-kinds names 1 kinds but the model has 2 outputs') }));
    expect(outputKindsOf(reference, ['ignore', undefined])).toEqual(['ignore', 'regression']);
    expect(() => outputKindsOf(reference, ['ignore', 'ignore'], '--output-kinds')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('--output-kinds ignores every output') }));
  });
});

describe('compareOutputs', () => {
  it('pools relative L2 error, cosine, top-1 agreement and IoU over batches, judged by the budget', () => {
    const budget = budgetFor(0.02);
    expect(budget).toEqual({ maxRelativeError: 0.02, minTop1Agreement: 0.99, minIoU: 0.98, minCosine: 0.98, maxKeypointMove: 0.02, maxScoreChange: 0.02 });
    const reference = [
      [batch([1, 2], [3, 4]), batch([1, 2], [0.9, 0.1])],
      [batch([1, 2], [0, 0]), batch([1, 2], [0.4, 0.6])],
    ];
    const candidate = [
      [batch([1, 2], [3, 4.05]), batch([1, 2], [0.8, 0.2])],
      [batch([1, 2], [0, 0]), batch([1, 2], [0.6, 0.4])],
    ];
    const r = compareOutputs(reference, candidate, ['regression', 'classifier'], budget);
    // One vector per sample: pooled, 0.05 over ‖(3, 4)‖.
    expect(r.outputs[0].relativeError).toBeCloseTo(0.05 / 5, 6);
    expect(r.outputs[0].withinBudget).toBe(true);
    expect(r.outputs[1]).toMatchObject({ top1Agreement: 0.5, judgedSamples: 2, withinBudget: false });
    expect(r.outputs[1].scoreChange).toBeCloseTo(0.2, 6);
    expect(r.withinBudget).toBe(false);
    // Judged on 2 samples, far fewer than a 99% agreement resolves: the classifier's drift is its largest probability change over 0.02.
    expect(r.drift).toBeCloseTo(0.2 / 0.02, 5);
  });

  it('judges a report again against another budget (meetsBudget, reportWithin) as measuring under that budget would', () => {
    const kinds = ['regression', 'score', 'mask', 'embedding', 'classifier'] as const;
    const reference = [[batch([1, 2], [3, 4]), batch([1, 2], [0.2, 0.7]), batch([1, 4], [0.9, 0.9, 0.1, 0.6]), batch([1, 2], [1, 0]), batch([2, 2], [0.9, 0.1, 0.3, 0.7])]];
    const candidate = [[batch([1, 2], [3, 4.05]), batch([1, 2], [0.21, 0.7]), batch([1, 4], [0.9, 0.9, 0.1, 0.6]), batch([1, 2], [1, 0.15]), batch([2, 2], [0.89, 0.11, 0.31, 0.69])]];
    const loose = compareOutputs(reference, candidate, [...kinds], budgetFor(0.02));
    expect(loose.withinBudget).toBe(true);
    for (const d of [0.02, 0.012, 0.008, 0.005, 0.001]) {
      const measured = compareOutputs(reference, candidate, [...kinds], budgetFor(d));
      expect(loose.outputs.map((o) => meetsBudget(o, budgetFor(d)))).toEqual(measured.outputs.map((o) => o.withinBudget));
      expect(reportWithin(loose, budgetFor(d))).toBe(measured.withinBudget);
    }
    // Regression 0.01, score 0.01, embedding cosine 0.989, class probabilities 0.01 (2 samples, so judged): over a budget of 0.008, within 0.012.
    expect(compareOutputs(reference, candidate, [...kinds], budgetFor(0.008)).outputs.map((o) => o.withinBudget)).toEqual([false, false, true, false, false]);
  });

  it('holds a classifier judged on fewer samples than its top-1 agreement resolves to its probabilities too, as a score; from that many, to top-1 alone', () => {
    const budget = budgetFor(0.02);
    expect(samplesToResolve(budget)).toBe(100);
    expect(samplesToResolve(budgetFor(0.1))).toBe(20);
    // Every sample keeps its top class, and every probability moves 0.05.
    const samples = (n: number, p: number) => batch([n, 2], Array.from({ length: n }, () => [p, 1 - p]).flat());
    const few = compareOutputs([[samples(99, 0.7)]], [[samples(99, 0.75)]], ['classifier'], budget);
    expect(few.outputs[0]).toMatchObject({ top1Agreement: 1, judgedSamples: 99, withinBudget: false });
    expect(few.outputs[0].scoreChange).toBeCloseTo(0.05, 6);
    expect(few.drift).toBeCloseTo(0.05 / 0.02, 5);
    expect(worstError(few)).toBeCloseTo(0.05, 6);
    const enough = compareOutputs([[samples(100, 0.7)]], [[samples(100, 0.75)]], ['classifier'], budget);
    expect(enough.outputs[0]).toMatchObject({ top1Agreement: 1, judgedSamples: 100, withinBudget: true });
    expect(enough.drift).toBeCloseTo(enough.outputs[0].relativeError / 0.02, 12);
    // Samples whose top class the original changes under the jitter are not judged, so count no more towards 100;
    // one whose probabilities alone it moves beyond 0.02 counts, but its probabilities are not judged.
    const reference = markUnstable([[samples(100, 0.7)]], [[batch([100, 2], [0.3, 0.7, 0.65, 0.35, ...Array.from({ length: 98 }, () => [0.7, 0.3]).flat()])]], ['classifier'], budget);
    const marked = compareOutputs(reference, [[batch([100, 2], [0.75, 0.25, 0.75, 0.25, ...Array.from({ length: 98 }, () => [0.71, 0.29]).flat()])]], ['classifier'], budget);
    expect(marked.outputs[0]).toMatchObject({ top1Agreement: 1, judgedSamples: 99, unjudged: 1, withinBudget: true });
    expect(marked.outputs[0].scoreChange).toBeCloseTo(0.01, 6);
  });

  it('judges an embedding by its smallest per-sample cosine similarity', () => {
    const ref = [[batch([2, 2], [1, 0, 0, 1])]];
    const cand = [[batch([2, 2], [2, 0, 0.2, 1])]];
    const r = compareOutputs(ref, cand, ['embedding'], budgetFor(0.02));
    expect(r.outputs[0].minCosine).toBeCloseTo(1 / Math.sqrt(1.04), 6);
    expect(r.outputs[0].withinBudget).toBe(true);
    expect(r.outputs[0].relativeError).toBeGreaterThan(0.5);
    expect(r.drift).toBeCloseTo(r.outputs[0].relativeError / 0.2, 6);
  });

  it('counts mask IoU at 0.5, and a changed output size as an infinite error', () => {
    const ref = [[batch([1, 4], [0.9, 0.9, 0.1, 0.6])]];
    const cand = [[batch([1, 4], [0.9, 0.4, 0.1, 0.7])]];
    expect(compareOutputs(ref, cand, ['mask'], budgetFor(0.02)).outputs[0].iou).toBeCloseTo(2 / 3, 12);
    const resized = compareOutputs(ref, [[batch([1, 3], [0.9, 0.9, 0.1])]], ['regression'], budgetFor(0.02));
    expect(resized.outputs[0].relativeError).toBe(Infinity);
    expect(resized.withinBudget).toBe(false);
  });

  it('judges scores by their largest absolute change, however small they are', () => {
    // A presence flag near zero: a 150% relative error, a change of 0.0003.
    const ref = [[batch([1, 1], [0.0002])], [batch([1, 1], [0.6])]];
    const near = compareOutputs(ref, [[batch([1, 1], [0.0005])], [batch([1, 1], [0.61])]], ['score'], budgetFor(0.02));
    expect(near.outputs[0].scoreChange).toBeCloseTo(0.01, 6);
    expect(near.outputs[0].withinBudget).toBe(true);
    expect(near.drift).toBeCloseTo(0.5, 6);
    const far = compareOutputs(ref, [[batch([1, 1], [0.0002])], [batch([1, 1], [0.575])]], ['score'], budgetFor(0.02));
    expect(far.outputs[0].scoreChange).toBeCloseTo(0.025, 6);
    expect(far.outputs[0].relativeError).toBeCloseTo(0.025 / Math.sqrt(0.0002 ** 2 + 0.36), 6);
    expect(far.outputs[0].withinBudget).toBe(false);
  });

  it('judges keypoints by the largest move of one either model shows, whatever hidden ones do', () => {
    // Rows of (y, x, score): a shown keypoint moved by (0.006, 0.008), a hidden one jumped across
    // the image, one that was hidden now shows (score 0.25 → 0.31: judged, by its score and its move).
    const ref = [[batch([1, 1, 3, 3], [0.5, 0.5, 0.9, 0.1, 0.1, 0.05, 0.3, 0.3, 0.25])]];
    const cand = [[batch([1, 1, 3, 3], [0.506, 0.508, 0.9, 0.9, 0.9, 0.06, 0.3, 0.31, 0.31])]];
    const r = compareOutputs(ref, cand, ['keypoints'], budgetFor(0.02));
    expect(r.outputs[0].keypointsShown).toBe(2);
    expect(r.outputs[0].keypointMove).toBeCloseTo(0.06, 6); // the score change of the third
    expect(r.outputs[0].withinBudget).toBe(false);
    expect(r.outputs[0].relativeError).toBeGreaterThan(0.5); // the hidden jump, which the budget ignores
    expect(r.drift).toBeCloseTo(0.06 / 0.02, 6);
    const steady = compareOutputs(ref, [[batch([1, 1, 3, 3], [0.506, 0.508, 0.9, 0.9, 0.9, 0.06, 0.3, 0.31, 0.26])]], ['keypoints'], budgetFor(0.02));
    expect(steady.outputs[0].keypointsShown).toBe(1);
    expect(steady.outputs[0].keypointMove).toBeCloseTo(0.01, 6);
    expect(steady.withinBudget).toBe(true);
  });

  it('leaves out what the original itself changes under one grey level of jitter: keypoints, samples, scores, mask pixels', () => {
    const budget = budgetFor(0.02);
    // Keypoints: the first steady, the second jumps 0.3 on the jittered input, the third hidden in both.
    const kp = batch([1, 1, 3, 3], [0.5, 0.5, 0.9, 0.2, 0.2, 0.4, 0.1, 0.1, 0.1]);
    const kpJittered = batch([1, 1, 3, 3], [0.501, 0.5, 0.9, 0.5, 0.2, 0.42, 0.9, 0.9, 0.2]);
    expect([...unstableEntries(kp, kpJittered, 'keypoints', budget)!]).toEqual([0, 1, 0]);
    // Classifier: the second sample's top-1 flips (a near-tie): neither judged; a third's probabilities move 0.04: top-1 judged, probabilities not.
    const cls = batch([2, 2], [0.9, 0.1, 0.505, 0.495]);
    expect([...unstableEntries(cls, batch([2, 2], [0.89, 0.11, 0.495, 0.505]), 'classifier', budget)!]).toEqual([0, UNSTABLE_TOP1 | UNSTABLE_PROBABILITIES]);
    expect([...unstableEntries(batch([1, 2], [0.7, 0.3]), batch([1, 2], [0.66, 0.34]), 'classifier', budget)!]).toEqual([UNSTABLE_PROBABILITIES]);
    // Scores: per value beyond 0.02; mask: per pixel across 0.5.
    expect([...unstableEntries(batch([1, 3], [0.1, 0.5, 0.9]), batch([1, 3], [0.11, 0.56, 0.9]), 'score', budget)!]).toEqual([0, 1, 0]);
    expect([...unstableEntries(batch([1, 3], [0.49, 0.7, 0.2]), batch([1, 3], [0.51, 0.69, 0.2]), 'mask', budget)!]).toEqual([1, 0, 0]);
    // A continuous metric keeps every value; a changed size marks nothing.
    expect(unstableEntries(batch([1, 2], [3, 4]), batch([1, 2], [3.5, 4]), 'regression', budget)).toBeUndefined();
    expect(unstableEntries(batch([1, 2], [0.3, 0.4]), batch([1, 1], [0.3]), 'score', budget)).toBeUndefined();

    const reference = markUnstable([[kp, cls]], [[kpJittered, batch([2, 2], [0.89, 0.11, 0.495, 0.505])]], ['keypoints', 'classifier'], budget);
    // The candidate moves the unstable keypoint by 0.25 and flips the near-tie sample: neither is judged.
    const candidate = [[batch([1, 1, 3, 3], [0.505, 0.5, 0.9, 0.45, 0.2, 0.4, 0.1, 0.1, 0.1]), batch([2, 2], [0.9, 0.1, 0.49, 0.51])]];
    const r = compareOutputs(reference, candidate, ['keypoints', 'classifier'], budget);
    expect(r.outputs[0]).toMatchObject({ keypointsShown: 1, unjudged: 1, withinBudget: true });
    expect(r.outputs[0].keypointMove).toBeCloseTo(0.005, 6);
    expect(r.outputs[1]).toMatchObject({ top1Agreement: 1, unjudged: 1, withinBudget: true });
    // Judged on the unmarked reference, both are over.
    const strict = compareOutputs([[kp, cls]], candidate, ['keypoints', 'classifier'], budget);
    expect(strict.outputs.map((o) => o.withinBudget)).toEqual([false, false]);
    expect(strict.outputs[1].top1Agreement).toBe(0.5);
    expect(strict.outputs[0].unjudged).toBeUndefined();
    // A score output: the unstable value's change is not the largest change any more.
    const scores = markUnstable([[batch([1, 3], [0.1, 0.5, 0.9])]], [[batch([1, 3], [0.11, 0.56, 0.9])]], ['score'], budget);
    const s = compareOutputs(scores, [[batch([1, 3], [0.115, 0.4, 0.9])]], ['score'], budget);
    expect(s.outputs[0].scoreChange).toBeCloseTo(0.015, 6);
    expect(s.outputs[0]).toMatchObject({ unjudged: 1, withinBudget: true });
  });

  it('reports an ignored output but neither judges it nor counts it in the drift', () => {
    // A detector's raw scores (judged) and its detections after non-max suppression, whose order
    // flips when two near-equal scores swap, and whose count changed on the second batch.
    const ref = [
      [batch([1, 3], [0.5, 0.49, 0.1]), batch([1, 2, 2], [1, 1, 2, 2])],
      [batch([1, 3], [0.2, 0.3, 0.4]), batch([1, 1, 2], [3, 3])],
    ];
    const cand = [
      [batch([1, 3], [0.49, 0.5, 0.1]), batch([1, 2, 2], [2, 2, 1, 1])],
      [batch([1, 3], [0.2, 0.3, 0.4]), batch([1, 2, 2], [3, 3, 5, 5])],
    ];
    const r = compareOutputs(ref, cand, ['score', 'ignore'], budgetFor(0.02));
    expect(r.outputs[1]).toMatchObject({ kind: 'ignore', relativeError: Infinity, withinBudget: true });
    expect(r.outputs[0].scoreChange).toBeCloseTo(0.01, 6);
    expect(r.withinBudget).toBe(true);
    expect(r.drift).toBeCloseTo(0.01 / 0.02, 5);
    expect(worstError(r)).toBeCloseTo(0.01, 6);
  });

  it('judges a regression of several records per sample by its worst field, so huge values in one cannot hide errors in the others', () => {
    // Rows of (score logit, coordinate, unused coordinate): one anchor's logit of -300,000 holds
    // nearly all the energy; the coordinates moved by 10%; the near-zero third column moved by
    // 0.001, judged against a tenth of the median column's norm rather than its own.
    const ref = [[batch([1, 3, 3], [-300000, 10, 0.0001, -5, 20, 0, 3, 30, 0.0002])]];
    const cand = [[batch([1, 3, 3], [-300000, 11, 0.0011, -5, 22, 0, 3, 33, 0.0002])]];
    const r = compareOutputs(ref, cand, ['regression'], budgetFor(0.02));
    const pooled = Math.sqrt((1 + 1e-6 + 4 + 9) / (300000 ** 2 + 25 + 9 + 100 + 400 + 900 + 1e-8 + 4e-8));
    expect(pooled).toBeLessThan(1e-4); // what the pooled error would have passed
    expect(r.outputs[0].relativeError).toBeCloseTo(Math.sqrt(14 / 1400), 9); // the coordinates' column
    expect(r.outputs[0].withinBudget).toBe(false);
    // The same values as one vector per sample ([1, 1, 9]) are judged pooled.
    const flat = compareOutputs([[batch([1, 1, 9], [...ref[0][0].values])]], [[batch([1, 1, 9], [...cand[0][0].values])]], ['regression'], budgetFor(0.02));
    expect(flat.outputs[0].relativeError).toBeCloseTo(pooled, 9);
    expect(columnError({ ...emptySums(), columnErrorSquares: Float64Array.of(0, 0, 1e-6), columnReferenceSquares: Float64Array.of(9e10, 1400, 5e-8) })).toBeCloseTo(1e-3 / (COLUMN_NORM_FLOOR * Math.sqrt(1400)), 9);
  });
});
