import { tinyGraphModel } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { compressModel } from '../testing/compress-model.js';
import { planModel } from './plan.js';

describe('planModel', () => {
  const cm = compressModel(tinyGraphModel(3));

  it('resolves a graph into steps with explicit value ids, folding the batch norm into its conv', () => {
    const plan = planModel(cm, { fuseActivations: false });
    expect(plan.steps.map((s) => s.nodes.join('+'))).toEqual(['stem+bn', 'relu6', 'dw', 'pw', 'sum', 'down', 'proj', 'cat', 'gap', 'head']);
    expect(plan.steps.map((s) => s.inputs)).toEqual([[0], [1], [2], [3], [2, 4], [5], [5], [6, 7], [8], [9]]);
    expect(plan.isChain).toBe(false);
    expect(plan.steps[0].params.bias).toBeInstanceOf(Float32Array);
    expect(plan.steps[5].window).toMatchObject({ input: [10, 10, 4], output: [5, 5, 8], pads: { top: 0, bottom: 1, left: 0, right: 1 } });
    expect(plan.steps[1].activation).toEqual({ activation: 'relu6', alpha: 1, maxValue: Infinity, axis: -1, theta: 1 });
    expect(plan.outputShape).toEqual([5]);
  });

  it('fuses the activation after the folded batch norm into the conv\'s step', () => {
    const plan = planModel(cm);
    expect(plan.steps.map((s) => s.nodes.join('+'))).toEqual(['stem+bn+relu6', 'dw', 'pw', 'sum', 'down', 'proj', 'cat', 'gap', 'head']);
    expect(plan.steps.map((s) => s.inputs)).toEqual([[0], [1], [2], [1, 3], [4], [4], [5, 6], [7], [8]]);
    expect(plan.steps[0].activation).toEqual({ activation: 'relu6', alpha: 1, maxValue: Infinity, axis: -1, theta: 1 });
  });

  it('schedules buffers: releases after the last reader, in-place element-wise steps, peak bytes per sample', () => {
    const plan = planModel(cm, { fuseActivations: false });
    expect(plan.releases).toEqual([[0], [1], [], [3], [2, 4], [], [5], [6, 7], [8], [9]]);
    // relu6 overwrites the folded stem's output; sum overwrites relu6's (= stem's) buffer.
    expect(plan.inPlace).toEqual([-1, 0, -1, -1, 0, -1, -1, -1, -1, -1]);
    expect(plan.bufferOf.slice(0, 6)).toEqual([0, 1, 1, 3, 4, 1]);
    // Peak while pw runs: stem/relu6 (400) + dw (400) + pw (400) floats.
    expect(plan.peakActivationBytes).toBe(1200 * 4);
  });

  it('keeps the batch norm as its own step with foldBatchNorm: false', () => {
    const plan = planModel(cm, { foldBatchNorm: false });
    expect(plan.steps.map((s) => s.kind).slice(0, 3)).toEqual(['conv2d', 'batchNorm', 'activation']);
    expect(plan.steps[1].params.gamma).toHaveLength(4);
    expect(plan.inPlace.slice(0, 3)).toEqual([-1, 0, 0]);
  });
});
