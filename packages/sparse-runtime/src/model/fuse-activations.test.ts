import { withRandomParams } from '@dc/core/testing';
import type { LayerConfig } from '@dc/core';
import { describe, expect, it } from 'vitest';
import { executeGraph } from '../cpu/graph-executor.js';
import { CPU_KERNELS } from '../cpu/kernel-map.js';
import { prepareContext } from '../cpu/prepare-context.js';
import type { CpuBatchKernel } from '../cpu/kernel-options.js';
import { compressModel } from '../testing/compress-model.js';
import { GraphBuilder } from '../testing/graph-builder.js';
import { opCases } from '../testing/op-cases.js';
import { randomGraph } from '../testing/random-graph.js';
import { randomInput } from '../testing/random-model.js';
import { planModel, type PlanOptions } from './plan.js';

const same = { kernelSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const };
const conv = (activation: 'linear' | 'relu' = 'linear'): LayerConfig => ({ kind: 'conv2d', filters: 4, ...same, activation, useBias: true });
const bn: LayerConfig = { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true };
const act = (activation: 'relu6' | 'swish' | 'softmax' | 'sigmoid'): LayerConfig => ({ kind: 'activation', activation });
const head: LayerConfig = { kind: 'globalAvgPool2d' };

/** A compressed model of the layers `build` adds to a 6×6×2 input. */
function model(build: (g: GraphBuilder) => void) {
  const g = new GraphBuilder([6, 6, 2]);
  build(g);
  return compressModel(withRandomParams({ name: 'fusion', inputShape: g.inputShape, layers: g.layers }, 5), { density: 0.6, bits: 4 });
}

const nodesOf = (cm: ReturnType<typeof model>, options?: PlanOptions) => planModel(cm, options).steps.map((s) => s.nodes.join('+'));

describe('activation fusion', () => {
  it('fuses an activation into the conv before it, through a folded batch norm, taking its parameters', () => {
    const cm = model((g) => g.add('gap', head, [g.add('act', act('swish'), [g.add('bn', bn, [g.add('conv', conv(), ['input'])])])]));
    const plan = planModel(cm);
    expect(plan.steps.map((s) => s.nodes.join('+'))).toEqual(['conv_0+bn_1+act_2', 'gap_3']);
    expect(plan.steps[0].activation).toEqual({ activation: 'swish', alpha: 1, maxValue: Infinity, axis: -1, theta: 1 });
    expect(nodesOf(cm, { fuseActivations: false })).toEqual(['conv_0+bn_1', 'act_2', 'gap_3']);
    // A batch norm left as its own step has no activation to take one: the activation stays.
    expect(nodesOf(cm, { foldBatchNorm: false })).toEqual(['conv_0', 'bn_1', 'act_2', 'gap_3']);
  });

  it('leaves an activation after a conv with its own, after a value with another reader, and softmax', () => {
    const own = model((g) => g.add('gap', head, [g.add('act', act('relu6'), [g.add('conv', conv('relu'), ['input'])])]));
    expect(nodesOf(own)).toEqual(['conv_0', 'act_1', 'gap_2']);
    const shared = model((g) => {
      const c = g.add('conv', conv(), ['input']);
      g.add('gap', head, [g.add('sum', { kind: 'add' }, [g.add('act', act('relu6'), [c]), c])]);
    });
    expect(nodesOf(shared)).toEqual(['conv_0', 'act_1', 'sum_2', 'gap_3']);
    const softmax = model((g) => g.add('gap', head, [g.add('act', act('softmax'), [g.add('conv', conv(), ['input'])])]));
    expect(nodesOf(softmax)).toEqual(['conv_0', 'act_1', 'gap_2']);
  });

  it('fuses an activation into the element-wise merge before it (a residual add → relu), not into a concatenation', () => {
    const residual = model((g) => {
      const skip = g.add('conv', conv(), ['input']);
      const d = g.add('conv2', conv(), [g.add('act', act('relu6'), [g.add('bn', bn, [g.add('conv1', conv(), [skip])])])]);
      g.add('gap', head, [g.add('out', act('sigmoid'), [g.add('sum', { kind: 'add' }, [d, skip])])]);
    });
    const plan = planModel(residual);
    expect(plan.steps.map((s) => s.nodes.join('+'))).toEqual(['conv_0', 'conv1_1+bn_2+act_3', 'conv2_4', 'sum_5+out_6', 'gap_7']);
    expect(plan.steps[3].activation).toMatchObject({ activation: 'sigmoid' });
    const cat = model((g) => g.add('gap', head, [g.add('act', act('relu6'), [g.add('cat', { kind: 'concatenate', axis: -1 }, ['input', g.add('conv', conv(), ['input'])])])]));
    expect(nodesOf(cat)).toEqual(['conv_0', 'cat_1', 'act_2', 'gap_3']);
  });

  it('fuses the last node: its producer\'s step becomes the last', () => {
    const last = model((g) => g.add('act', act('sigmoid'), [g.add('conv', conv(), [g.add('max', { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, ['input'])])]));
    const plan = planModel(last);
    expect(plan.steps.map((s) => s.nodes.join('+'))).toEqual(['max_0', 'conv_1+act_2']);
    expect(plan.outputShape).toEqual([3, 3, 4]);
  });

  it('gives outputs bit for bit those of the unfused plan, in fewer steps, on every op case and random graph', () => {
    // The relu family clamped in the WASM kernels: a 3×3 and a 1×1 convolution and a dense layer.
    const clamps = model((g) => {
      const relu = (maxValue: number): LayerConfig => ({ kind: 'activation', activation: 'relu', maxValue });
      const conv3 = g.add('flat', { kind: 'flatten' }, [g.add('act', act('relu6'), [g.add('conv', conv(), ['input'])])]);
      const conv1 = g.add('flat', { kind: 'flatten' }, [g.add('act', relu(0.05), [g.add('pw', { kind: 'conv2d', filters: 3, kernelSize: [1, 1], strides: [1, 1], padding: 'same', activation: 'linear', useBias: true }, ['input'])])]);
      const dense = g.add('act', relu(0.3), [g.add('dense', { kind: 'dense', units: 7, activation: 'linear', useBias: true }, [g.add('flat', { kind: 'flatten' }, ['input'])])]);
      g.add('cat', { kind: 'concatenate', axis: -1 }, [conv3, conv1, dense]);
    });
    expect(nodesOf(clamps).filter((n) => n.includes('+'))).toEqual(['conv_0+act_1', 'pw_3+act_4', 'dense_7+act_8']);
    // Merges: a two-input add with the relu family (clamped in the add's loop), the others after it.
    const merges = model((g) => {
      const relu = (maxValue: number): LayerConfig => ({ kind: 'activation', activation: 'relu', maxValue });
      const a = g.add('a', conv(), ['input']);
      const b = g.add('b', conv(), ['input']);
      const c = g.add('c', conv(), ['input']);
      const sums = [
        g.add('r', { kind: 'activation', activation: 'relu' }, [g.add('add', { kind: 'add' }, [a, b])]),
        g.add('r6', act('relu6'), [g.add('add2', { kind: 'add' }, [b, c])]),
        g.add('rm', relu(0.05), [g.add('add3', { kind: 'add' }, [a, c])]),
        g.add('r3', relu(0.2), [g.add('add4', { kind: 'add' }, [a, b, c])]),
        g.add('sg', act('sigmoid'), [g.add('sub', { kind: 'subtract' }, [a, c])]),
        g.add('sw', act('swish'), [g.add('avg', { kind: 'average' }, [a, b, c])]),
        g.add('mx', relu(0.1), [g.add('max', { kind: 'maximum' }, [b, c])]),
      ];
      g.add('gap', head, [g.add('cat', { kind: 'concatenate', axis: -1 }, sums)]);
    });
    expect(nodesOf(merges).filter((n) => n.includes('+'))).toEqual(['add_3+r_4', 'add2_5+r6_6', 'add3_7+rm_8', 'add4_9+r3_10', 'sub_11+sg_12', 'avg_13+sw_14', 'max_15+mx_16']);
    const models = [clamps, merges, ...opCases().map((c) => c.model()), ...Array.from({ length: 16 }, (_, i) => randomGraph(3000 + i))];
    let fusedSteps = 0;
    for (const cm of models) {
      const fused = planModel(cm);
      const unfused = planModel(cm, { fuseActivations: false });
      fusedSteps += unfused.steps.length - fused.steps.length;
      for (const batchKernel of ['wasm', 'tiled'] satisfies CpuBatchKernel[]) {
        const run = (plan: typeof fused, x: Float32Array, batch: number) => {
          const ctx = prepareContext(plan, { batchKernel, wasmMinBatch: 1 });
          const y = executeGraph(plan, plan.steps.map((s) => CPU_KERNELS[s.kind](s, ctx)), x, batch);
          return new Uint32Array(y.buffer, y.byteOffset, y.length);
        };
        // 1 sample: a merge's 144 outputs clamped in JavaScript; 3: one tile (and in WASM); 40: tiles of 16 and a partial one.
        for (const batch of [1, 3, 40]) {
          const x = randomInput(11, batch * fused.inputSize);
          expect(run(fused, x, batch), `${cm.name} (${batchKernel}, batch ${batch})`).toEqual(run(unfused, x, batch));
        }
      }
    }
    expect(fusedSteps).toBeGreaterThan(10);
  });
});
