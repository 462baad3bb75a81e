import { describe, expect, it } from 'vitest';
import { budgetFor, compareOutputs } from '@dc/allocate';
import { describeFidelity } from './commands/compress-calibrated.js';
import { bitLevels, finiteNumbers, inputShape, openFraction, outputKinds, perLayer } from './flags.js';

describe('--input-scale / --input-offset', () => {
  it('take one finite number, or a comma-separated list (one per channel), and name the flag when a value is not a number', () => {
    const parse = finiteNumbers('--input-scale');
    expect(parse('0.5')).toBe(0.5);
    expect(parse('-2.1179, -2.0357,-1.8044')).toEqual([-2.1179, -2.0357, -1.8044]);
    for (const bad of ['x', '1,,2', '1,', 'Infinity', '']) expect(() => parse(bad)).toThrow(`--input-scale must be a number or a comma-separated list of numbers (one per channel), got "${bad}"`);
  });
});

describe('--sparsity / --bits', () => {
  it('take one number or layer=number entries, and say which values they take when one is not', () => {
    const bits = perLayer('--bits', (n) => Number.isInteger(n) && n >= 1 && n <= 8, 'a whole number from 1 to 8');
    expect(bits('5')).toEqual({ '*': 5 });
    expect(bits('*=5, logits=6')).toEqual({ '*': 5, logits: 6 });
    for (const bad of ['9', 'conv=9', 'conv=', '=4', 'x']) expect(() => bits(bad)).toThrow(`--bits: bad entry "${bad}" (one number, or layer=number entries; each a whole number from 1 to 8)`);
    expect(() => perLayer('--sparsity', (n) => n >= 0 && n < 1)('1')).toThrow('--sparsity: bad entry "1" (one number, or layer=number entries)');
  });
});

describe('--max-output-drift', () => {
  it('takes a number between 0 and 1, and says so when given another', () => {
    const parse = openFraction('--max-output-drift');
    expect(parse('0.02')).toBe(0.02);
    for (const bad of ['0', '1', '5', '-0.1', 'x', '']) expect(() => parse(bad)).toThrow(`--max-output-drift must be a number between 0 and 1 (exclusive; 0.02 is 2%), got "${bad}"`);
  });
});

describe('--output-kinds', () => {
  it('takes every kind the planner judges, and names them when one is wrong', () => {
    expect(outputKinds('keypoints, classifier, score, ignore')).toEqual(['keypoints', 'classifier', 'score', 'ignore']);
    expect(outputKinds('detection-scores,detections')).toEqual(['detection-scores', 'detections']);
    expect(outputKinds('nms-scores,nms-boxes,ignore')).toEqual(['nms-scores', 'nms-boxes', 'ignore']);
    expect(() => outputKinds('pose')).toThrow('--output-kinds takes classifier, regression, mask, score, embedding, keypoints, detections, detection-scores, nms-boxes, nms-scores, nms-classes, ignore (comma-separated), got "pose"');
  });

  it('a detections output is described by its smallest box IoU, keypoint move and score change over the detections shown', () => {
    // One anchor (score logit, x, y, w, h, keypoint x, y) shown at p 0.9; its box grows from 10 to 10.1 wide.
    const logit = Math.log(0.9 / 0.1);
    const out = (w: number) => [[{ shape: [1, 1, 7], values: Float32Array.from([logit, 0, 0, w, 10, 2, 2]) }]];
    const report = compareOutputs(out(10), out(10.1), ['detections'], budgetFor(0.02));
    expect(describeFidelity(report)).toBe('output 0 (detections): smallest box IoU 99.01%, largest keypoint move 0.00% of its box (1 shown), largest score change 0.0000 — within budget');
  });

  it('an ignored output is described as not judged, with its relative error', () => {
    const out = (values: number[]) => [[{ shape: [1, 2], values: Float32Array.from(values) }, { shape: [1, 1], values: Float32Array.from(values.slice(0, 1)) }]];
    const report = compareOutputs(out([0.5, 0.5]), out([0.51, 0.5]), ['score', 'ignore'], budgetFor(0.02));
    expect(describeFidelity(report)).toBe('output 0 (score): largest score change 0.0100; output 1 (ignore): not judged (relative error 2.00%) — within budget');
  });

  it('a keypoints output is described by its largest shown move', () => {
    const out = (values: number[]) => [[{ shape: [1, 1, 2, 3], values: Float32Array.from(values) }]];
    const report = compareOutputs(out([0.5, 0.5, 0.9, 0.1, 0.1, 0.1]), out([0.5, 0.53, 0.9, 0.9, 0.9, 0.1]), ['keypoints'], budgetFor(0.02));
    expect(describeFidelity(report)).toBe('output 0 (keypoints): largest keypoint move 3.00% (1 shown) — OVER budget');
  });

  it('a classifier is described by its top-1 agreement, the samples it is judged on and its largest probability change (judged too, on so few)', () => {
    const out = (values: number[]) => [[{ shape: [2, 2], values: Float32Array.from(values) }]];
    const report = compareOutputs(out([0.9, 0.1, 0.3, 0.7]), out([0.86, 0.14, 0.31, 0.69]), ['classifier'], budgetFor(0.02));
    expect(describeFidelity(report)).toBe('output 0 (classifier): top-1 agreement 100.00% of 2 judged sample(s), largest probability change 0.0400 — OVER budget');
  });

  it('a score output is described by its largest change', () => {
    const out = (values: number[]) => [[{ shape: [1, 2], values: Float32Array.from(values) }]];
    const report = compareOutputs(out([0.0002, 0.7]), out([0.0005, 0.69]), ['score'], budgetFor(0.02));
    expect(describeFidelity(report)).toBe('output 0 (score): largest score change 0.0100 — within budget');
  });
});

describe('--bit-levels', () => {
  it('takes distinct bit widths from 1 to 8 and names the flag when one is not', () => {
    expect(bitLevels('4, 5,6')).toEqual([4, 5, 6]);
    for (const bad of ['0,4', '9', '4,4', '3.5', '4,,5', 'four']) expect(() => bitLevels(bad)).toThrow(/--bit-levels takes distinct whole numbers of bits from 1 to 8/);
  });
});

describe('--input-shape', () => {
  it('takes positive whole numbers, comma-separated, and names the flag when one is not', () => {
    expect([inputShape('100'), inputShape('64, 64,3')]).toEqual([[100], [64, 64, 3]]);
    for (const bad of ['0', '64,,3', '-1', '2.5', 'n', '']) expect(() => inputShape(bad)).toThrow(/--input-shape takes positive whole numbers/);
  });
});
