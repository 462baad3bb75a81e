import { OP_KINDS, type CompressedModel } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { conformanceCases } from '../../testing/cases.js';
import { randomModel } from '../../testing/random-model.js';
import { planModel } from '../../model/plan.js';
import { gpuGraphOf } from '../gpu-graph.js';
import { paddedBatch, quadsPerThread, dispatchFor, MAX_GROUPS_PER_DIM, WORKGROUP_SIZE } from '../shaders/common.js';
import { threadsOf, uniformsOf } from './gpu-step.js';
import { convTaps, isBounded, tapWords } from './kernel-steps.js';
import { GPU_OPS } from './node-steps.js';
import { concatSteps, mergeSteps, permuteSources } from './op-steps.js';

const dense = (shape: number[], fill = 1) => ({ layout: 'dense' as const, shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });

describe('GPU steps', () => {
  it('has a step builder for every op of core\'s table', () => {
    expect(Object.keys(GPU_OPS).sort()).toEqual([...OP_KINDS].sort());
  });

  it('plans a convnet: fused activations, a softmax pass in place after a softmax layer, nothing for flatten', () => {
    const graph = gpuGraphOf(planModel({
      name: 'tiny', inputShape: [5, 5, 1], stages: [],
      layers: [
        { name: 'c', config: { kind: 'conv2d', filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', useBias: false } },
        { name: 'p', config: { kind: 'maxPool2d', poolSize: [2, 2], strides: [1, 1], padding: 'valid' } },
        { name: 'f', config: { kind: 'flatten' } },
        { name: 'd', config: { kind: 'dense', units: 3, activation: 'softmax', useBias: true } },
      ],
      tensors: new Map([['c/kernel', dense([3, 3, 1, 2])], ['d/kernel', dense([8, 3], 0.5)], ['d/bias', dense([3], 0)]]),
    }));
    const steps = graph.nodes.flatMap((n) => n.steps);
    expect(steps.map((s) => s.layer)).toEqual(['c', 'p', 'd', 'd']);
    expect(graph.nodes.map((n) => n.steps.length)).toEqual([1, 1, 0, 2]);
    expect(steps.map((s) => s.items)).toEqual([3 * 3 * 2, 2 * 2 * 2, 3, 1]);
    expect(steps.map((s) => s.inputs)).toEqual([[0], [0], [0], []]);
    expect(steps[0].shader(4)).toContain('max(v, 0.0)');
    expect(steps[3].shader(1)).toContain('exp(');
    // conv: SAME padding of 5 with kernel 3, stride 2 → 3 outputs, 1 pixel of padding before.
    const conv = uniformsOf(steps[0], 4, 1, 640);
    expect([...conv.slice(0, 14)]).toEqual([18 * 4, 640, 4, 5, 5, 1, 3, 3, 2, 2, 2, 1, 1, 1]);
    // a padded window: (dy | dx << 16, flat offset) per row; a bias-less conv binds zeros
    expect([...(steps[0].arrays[4] as Uint32Array)].slice(0, 8)).toEqual([0, 0, 1 << 16, 1, 2 << 16, 2, 1, 5]);
    expect([...(steps[0].arrays[3] as Float32Array)]).toEqual([0, 0]);
    // flatten shares the pool's buffer of the pooled image; the softmax runs on the dense output's buffer
    expect(graph.buffers.bufferOf[3]).toBe(graph.buffers.bufferOf[2]);
  });

  it('dilates taps and packs depthwise kernels by output channel c·m + j', () => {
    const g = { input: [9, 9, 3] as const, output: [5, 5, 6] as const, kernelSize: [3, 2] as const, strides: [1, 1] as const, dilation: [2, 3] as const, pads: { top: 0, left: 0, bottom: 0, right: 0 } };
    expect([...tapWords('dw', g)]).toEqual([0, 3 << 16, 2, 2 | (3 << 16), 4, 4 | (3 << 16)]);
    // unpadded: one flat offset (dy·inW + dx)·cin + ci per row
    expect(isBounded(g)).toBe(false);
    expect([...convTaps('c', g, false, false)].slice(0, 7)).toEqual([0, 1, 2, 9, 10, 11, 2 * 9 * 3]);
    expect([...convTaps('dw', g, true, false)]).toEqual([0, 9, 2 * 9 * 3, 2 * 9 * 3 + 9, 4 * 9 * 3, 4 * 9 * 3 + 9]);
    expect(convTaps('c', g, false, true).length).toBe(3 * 2 * 3 * 2);
    expect(isBounded({ ...g, output: [6, 6, 6] })).toBe(true);
    expect(() => tapWords('big', { ...g, kernelSize: [3, 3], dilation: [40_000, 1] })).toThrow(/UNSUPPORTED_LAYER|65536/);
    // kernel [1, 1, 2, 3] (multiplier 3): weight (ci, j) → column ci·3 + j
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const graph = gpuGraphOf(planModel({
      name: 'dw', inputShape: [2, 2, 2], stages: [],
      layers: [{ name: 'dw', config: { kind: 'depthwiseConv2d', kernelSize: [1, 1], strides: [1, 1], padding: 'valid', depthMultiplier: 3, activation: 'linear', useBias: false } }],
      tensors: new Map([['dw/kernel', { layout: 'dense', shape: [1, 1, 2, 3], values }]]),
    }));
    const [step] = graph.nodes[0].steps;
    expect([...(step.arrays[0] as Uint32Array)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(step.fixed.multiplier).toBe(3);
    expect(step.items).toBe(2 * 2 * 6);
  });

  it('builds permute sources, concatenation slices and merges of more inputs than one pass binds', () => {
    // [2, 3] permuted (2, 1): output [3, 2], element (i, j) reads input (j, i)
    expect([...permuteSources([2, 3], [2, 1])]).toEqual([0, 3, 1, 4, 2, 5]);
    expect([...permuteSources([2, 1, 3], [3, 1, 2])]).toEqual([0, 3, 1, 4, 2, 5]);
    const cat = concatSteps('cat', [[4, 4, 2], [4, 4, 3]], 2);
    expect(cat.map((s) => [s.inputs, s.fixed.inner, s.fixed.outInner, s.fixed.offset, s.items])).toEqual([[[0], 2, 5, 0, 32], [[1], 3, 5, 2, 48]]);
    const rows = concatSteps('cat0', [[2, 3], [5, 3]], 0);
    expect(rows.map((s) => [s.fixed.inner, s.fixed.outInner, s.fixed.offset])).toEqual([[6, 21, 0], [15, 21, 6]]);
    const avg = mergeSteps('avg', 'average', 9, 10);
    expect(avg.map((s) => s.inputs)).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8]]);
    expect(avg[0].shader(1)).not.toContain('acc * ');
    expect(avg[1].shader(1)).toContain('var acc = y[t]');
    expect(avg[1].shader(1)).toContain(`acc * ${Math.fround(1 / 9)}`);
    expect(mergeSteps('sub', 'subtract', 2, 4)[0].shader(1)).toContain('acc = acc - x1[t]');
    // in place over input 1 of a subtraction: the second operand is read through y
    const over = mergeSteps('sub', 'subtract', 2, 4, [false, true]);
    expect(over[0].inputs).toEqual([0]);
    expect(over[0].shader(1)).toContain('var acc = x0[t];\n  acc = acc - y[t];');
    // in place over input 8 of 9: it moves into the first pass (the buffer holds it only until then)
    const late = mergeSteps('add', 'add', 9, 4, [false, false, false, false, false, false, false, false, true]);
    expect(late.map((s) => s.inputs)).toEqual([[0, 1, 2, 3, 4, 5], [6, 7]]);
    expect(late[0].shader(1)).toContain('acc = acc + y[t];\n  y[t] = acc;');
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

  it('gives every random model step a value for each uniform field', () => {
    for (let seed = 0; seed < 6; seed++) {
      const cm: CompressedModel = randomModel(seed, seed % 2 ? 'conv' : 'mlp');
      for (const step of gpuGraphOf(planModel(cm)).nodes.flatMap((n) => n.steps)) {
        const u = uniformsOf(step, 8, 4, 64);
        expect(u[0]).toBe(threadsOf(step, 8, 4));
        for (const f of step.fields.slice(3)) expect(step.fixed[f], `${step.layer}.${f}`).toBeTypeOf('number');
      }
    }
  });

  it('never binds a step\'s output buffer as one of its inputs, on every conformance graph (views, in-place steps, folded batch norms)', () => {
    let inPlace = 0;
    for (const c of conformanceCases(2, 12)) {
      const plan = planModel(c.model());
      const graph = gpuGraphOf(plan);
      const device = graph.buffers.bufferOf;
      graph.nodes.forEach((node, i) => {
        for (const step of node.steps) {
          for (const k of step.inputs) expect(device[node.inputs[k]], `${c.name}: ${node.name} binds its output buffer as input ${k}`).not.toBe(device[i + 1]);
        }
        if (plan.inPlace[i] >= 0) inPlace++;
      });
    }
    expect(inPlace).toBeGreaterThan(10);
  });
});
