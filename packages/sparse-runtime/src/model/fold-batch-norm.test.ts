import { createRandom, densify, type CompressedTensor } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { randomKernel, type KernelLayout } from '../testing/random-model.js';
import { batchNormScale, foldBatchNorm, scaleKernel } from './fold-batch-norm.js';
import { planModel } from './plan.js';
import { GraphBuilder } from '../testing/graph-builder.js';
import { compressModel } from '../testing/compress-model.js';
import { withRandomParams } from '@dc/core/testing';

const LAYOUTS: KernelLayout[] = ['sparse-coded', 'dense-coded', 'sparse', 'dense'];

describe('scaleKernel', () => {
  it('scales each output channel in float64, rounds once, keeps pruned zeros, for every layout', () => {
    const r = createRandom(5);
    for (const layout of LAYOUTS) {
      for (const [shape, channels] of [[[3, 3, 2, 5], 5], [[2, 2, 3, 2], 6], [[40, 7], 7]] as const) {
        const t = randomKernel(r, { shape, density: 0.4, bits: 3, layout });
        const s = Float64Array.from({ length: channels }, () => 0.3 + r.next());
        const folded = scaleKernel(t, s);
        const before = densify(t);
        const expected = Float32Array.from(before, (v, p) => v * s[p % channels]);
        expect(densify(folded)).toEqual(expected);
        if (layout !== 'dense') expect(folded.layout).not.toBe('dense');
      }
    }
  });

  it('keeps codes with one codebook per channel when that table is small, per-weight values when not', () => {
    const r = createRandom(6);
    const small = randomKernel(r, { shape: [3, 3, 8, 4], density: 0.5, bits: 2, layout: 'sparse-coded' });
    const perChannel = scaleKernel(small, Float64Array.from([1, 2, 3, 4]));
    expect(perChannel).toMatchObject({ layout: 'sparse-coded', codebook: expect.any(Float32Array) });
    expect((perChannel as Extract<CompressedTensor, { layout: 'sparse-coded' }>).codebook).toHaveLength(4 * 4);
    const wide = randomKernel(r, { shape: [3, 3, 2, 64], density: 0.1, bits: 8, layout: 'sparse-coded' });
    expect(scaleKernel(wide, new Float64Array(64).fill(2)).layout).toBe('sparse');
  });
});

describe('foldBatchNorm', () => {
  it('folds the bias as ((bias − mean) · s + beta) in float64, rounded once', () => {
    const kernel: CompressedTensor = { layout: 'dense', shape: [1, 2], values: Float32Array.from([1, 1]) };
    const bn = { gamma: Float32Array.from([2, 0.5]), beta: Float32Array.from([0.1, -0.2]), movingMean: Float32Array.from([0.3, 0.7]), movingVariance: Float32Array.from([4, 0.25]) };
    const out = foldBatchNorm({ kernel, bias: Float32Array.from([1, 2]) }, bn, { kind: 'batchNorm', epsilon: 0, center: true, scale: true });
    const s = batchNormScale(bn.gamma, bn.movingVariance, 0);
    expect([...s]).toEqual([1, 1]);
    expect(out.bias).toEqual(Float32Array.from([(1 - 0.3) * 1 + 0.1, (2 - 0.7) * 1 - 0.2].map(Math.fround)));
  });

  it('folds only a batch norm right after a linear dense/conv/depthwise read by nothing else', () => {
    const g = new GraphBuilder([5, 5, 2]);
    const bn = { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true } as const;
    const conv = (activation: 'linear' | 'relu') => ({ kind: 'conv2d', filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same', activation, useBias: true }) as const;
    const a = g.add('bn', bn, [g.add('conv', conv('linear'), ['input'])]); // folds
    const b = g.add('bn', bn, [g.add('conv', conv('relu'), [a])]); // nonlinear: stays
    const shared = g.add('conv', conv('linear'), [b]);
    const c = g.add('bn', bn, [shared]); // two readers: stays
    const sum = g.add('add', { kind: 'add' }, [c, shared]);
    g.add('bn', bn, [sum]); // after a merge: stays
    const plan = planModel(compressModel(withRandomParams({ name: 'folds', inputShape: [5, 5, 2], layers: g.layers })));
    expect(plan.steps.map((s) => s.nodes.join('+'))).toEqual(['conv_0+bn_1', 'conv_2', 'bn_3', 'conv_4', 'bn_5', 'add_6', 'bn_7']);
  });
});
