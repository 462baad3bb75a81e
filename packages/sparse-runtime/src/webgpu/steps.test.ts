import { describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../model/load.js';
import { randomModel } from '../testing/random-model.js';
import { paddedBatch, quadsPerThread, dispatchFor, MAX_GROUPS_PER_DIM, WORKGROUP_SIZE } from './shaders/common.js';
import { stepsOf, threadsOf, uniformsOf } from './steps.js';

describe('GPU steps', () => {
  it('plans a convnet: fused activations, a softmax pass after a softmax layer, nothing for flatten', async () => {
    const model = await loadCompressedModel({
      name: 'tiny', inputShape: [5, 5, 1], stages: [],
      layers: [
        { name: 'c', config: { kind: 'conv2d', filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', useBias: false } },
        { name: 'p', config: { kind: 'maxPool2d', poolSize: [2, 2], strides: [1, 1], padding: 'valid' } },
        { name: 'f', config: { kind: 'flatten' } },
        { name: 'd', config: { kind: 'dense', units: 3, activation: 'softmax', useBias: true } },
      ],
      tensors: new Map([
        ['c/kernel', { layout: 'dense', shape: [3, 3, 1, 2], values: new Float32Array(18).fill(1) }],
        ['d/kernel', { layout: 'dense', shape: [8, 3], values: new Float32Array(24).fill(0.5) }],
        ['d/bias', { layout: 'dense', shape: [3], values: new Float32Array(3) }],
      ]),
    });
    const steps = model.plan.flatMap(stepsOf);
    expect(steps.map((s) => s.layer)).toEqual(['c', 'p', 'd', 'd']);
    expect(steps.map((s) => s.items)).toEqual([3 * 3 * 2, 2 * 2 * 2, 3, 1]);
    expect(steps[0].shader(4)).toContain('max(v, 0.0)');
    expect(steps[3].shader(1)).toContain('exp(');
    // conv: SAME padding of 5 with kernel 3, stride 2 → 3 outputs, 1 pixel of padding before.
    const conv = uniformsOf(steps[0], 4, 1, 640);
    expect([...conv.slice(0, 13)]).toEqual([18 * 4, 640, 4, 5, 5, 1, 3, 3, 2, 2, 2, 1, 1]);
    expect([...(steps[0].arrays[4] as Uint32Array)].slice(0, 4)).toEqual([0, 1 << 8, 2 << 8, 1]);
    // a bias-less conv binds zeros
    expect([...(steps[0].arrays[3] as Float32Array)]).toEqual([0, 0]);
  });

  it('pads the batch to vec4 lanes and blocks of 16 samples', () => {
    expect([1, 4, 5, 16, 17, 257, 1000].map(paddedBatch)).toEqual([4, 4, 16, 16, 32, 272, 1008]);
    expect([4, 16, 1008].map(quadsPerThread)).toEqual([1, 4, 4]);
  });

  it('spreads more than 65,535 workgroups over a second dispatch dimension', () => {
    const threads = (MAX_GROUPS_PER_DIM + 10) * WORKGROUP_SIZE;
    const g = dispatchFor(threads);
    expect(g.x).toBe(MAX_GROUPS_PER_DIM);
    expect(g.y).toBe(2);
    expect(g.x * g.y * WORKGROUP_SIZE).toBeGreaterThanOrEqual(threads);
    expect(g.rowStride).toBe(MAX_GROUPS_PER_DIM * WORKGROUP_SIZE);
  });

  it('gives every random model step a value for each uniform field', async () => {
    for (let seed = 0; seed < 6; seed++) {
      const model = await loadCompressedModel(randomModel(seed, seed % 2 ? 'conv' : 'mlp'));
      for (const step of model.plan.flatMap(stepsOf)) {
        const u = uniformsOf(step, 8, 4, 64);
        expect(u[0]).toBe(threadsOf(step, 8, 4));
        for (const f of step.fields.slice(3)) expect(step.fixed[f], `${step.layer}.${f}`).toBeTypeOf('number');
      }
    }
  });
});
