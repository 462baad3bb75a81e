import { describe, expect, it } from 'vitest';
import { compareOutputs } from './compare-outputs.js';
import { budgetFor, type OutputBatch } from './fidelity.js';
import { budgetVerdict, budgetWords } from './fidelity-words.js';

const softmax = (rows: number[][]): OutputBatch => ({ shape: [rows.length, rows[0].length], values: Float32Array.from(rows.flat()) });

describe('budgetVerdict', () => {
  it('names what is over budget when the worst error alone looks within it: a near-tie that changes its top class', () => {
    // Sample 1's top two classes lie 0.01 apart; a change of 0.015 (under the 0.02 allowed) swaps them.
    const reference = [[softmax([[0.9, 0.05, 0.05], [0.495, 0.485, 0.02]]), { shape: [2, 1], values: Float32Array.of(3, 4) }]];
    const candidate = [[softmax([[0.9, 0.05, 0.05], [0.48, 0.5, 0.02]]), { shape: [2, 1], values: Float32Array.of(3, 4) }]];
    const report = compareOutputs(reference, candidate, ['classifier', 'regression'], budgetFor(0.02));
    expect(report.outputs[0].scoreChange).toBeCloseTo(0.015, 6);
    expect(budgetVerdict(report)).toBe('over budget (output 0 (classifier): top-1 agreement 50.00% of 2 judged sample(s), largest probability change 0.0150)');
    expect(budgetVerdict(compareOutputs(reference, reference, ['classifier', 'regression'], budgetFor(0.02)))).toBe('within budget');
  });
});

describe('budgetWords', () => {
  it('names only the terms that judge the given kinds, each once', () => {
    const b = budgetFor(0.02);
    expect(budgetWords(['classifier'], b)).toBe('top-1 agreement ≥ 0.99');
    expect(budgetWords(['detections', 'detection-scores', 'ignore'], b)).toBe('score changes ≤ 0.02, box IoU ≥ 0.98, keypoint moves ≤ 0.02 of the box');
    expect(budgetWords(['regression', 'mask', 'regression', 'keypoints'], b)).toBe('relative error ≤ 0.02, mask IoU ≥ 0.98, keypoint moves ≤ 0.02');
    expect(budgetWords(['ignore'], b)).toBe('nothing judged');
  });
});
