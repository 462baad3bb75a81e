import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../ir/model.js';
import { validateModel } from '../ops/validate-model.js';
import { encodeFile } from '../encode-file/encode-file.js';
import { float32Bytes } from '../ir/params.js';
import { createPipeline } from '../pipeline/pipeline.js';
import { tinyGraphModel } from '../testing/fixtures.js';
import { withRandomParams } from '../testing/random-params.js';
import { runStageContract } from '../testing/stage-contract.js';
import { toLayersModel } from '../tfjs/convert-to.js';
import { foldBatchNormModel } from './fold.js';
import { foldBatchNorm } from './stage.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Predictions of the IR model on tfjs cpu for a fixed random batch. */
function predict(model: Model, batch = 4): Float32Array {
  const lm = toLayersModel(model, tf);
  const x = tf.randomUniform([batch, ...model.inputShape], -1, 1, 'float32', 5);
  const y = (lm.predict(x) as tf.Tensor).dataSync() as Float32Array;
  x.dispose();
  lm.dispose();
  return y;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Every case a folder meets: dense, depthwise ×2 and conv with BN; BN after ReLU, on a shared output, on the input. */
const cases = withRandomParams(
  {
    name: 'bn-cases',
    inputShape: [7, 7, 2],
    layers: [
      { name: 'bn_in', config: { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true } },
      { name: 'dw', config: { kind: 'depthwiseConv2d', kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: 2, activation: 'linear', useBias: false } },
      { name: 'bn_dw', config: { kind: 'batchNorm', epsilon: 1e-3, center: false, scale: true } },
      { name: 'conv', config: { kind: 'conv2d', filters: 5, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'relu', useBias: true } },
      { name: 'bn_after_relu', config: { kind: 'batchNorm', epsilon: 1e-5, center: true, scale: false } },
      { name: 'branch', config: { kind: 'conv2d', filters: 5, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'linear', useBias: true } },
      { name: 'bn_shared', config: { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true } },
      { name: 'sum', config: { kind: 'add' }, inputs: ['bn_shared', 'branch'] },
      { name: 'gap', config: { kind: 'globalAvgPool2d' } },
      { name: 'fc', config: { kind: 'dense', units: 6, activation: 'linear', useBias: true } },
      { name: 'bn_fc', config: { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true } },
    ],
  },
  3,
);

describe('foldBatchNormModel', () => {
  it('folds BN into a linear conv, depthwise (multiplier 2) and dense before it; keeps the rest; same predictions', () => {
    const { model, folded, kept } = foldBatchNormModel(cases);
    expect(folded).toEqual([['bn_dw', 'dw'], ['bn_fc', 'fc']]);
    expect(kept.map((k) => k.node)).toEqual(['bn_in', 'bn_after_relu', 'bn_shared']);
    expect(kept[0].reason).toMatch(/model input/);
    expect(kept[1].reason).toMatch(/applies relu/);
    expect(kept[2].reason).toMatch(/also feeds other nodes/);
    validateModel(model);
    expect(model.layers.map((l) => l.name)).toEqual(['bn_in', 'dw', 'conv', 'bn_after_relu', 'branch', 'bn_shared', 'sum', 'gap', 'fc']);
    expect(model.layers.find((l) => l.name === 'conv')!.inputs).toEqual(['dw']);
    expect(model.layers.at(-1)!.params.bias!.shape).toEqual([6]);
    expect(maxDiff(predict(model), predict(cases))).toBeLessThan(1e-5);
  });

  it('computes in float64 and keeps zero weights exactly +0 (masks stay true)', () => {
    const fc = cases.layers.find((l) => l.name === 'fc')!;
    const kernel = Float32Array.from(fc.params.kernel!.values, (v, i) => (i % 3 === 0 ? 0 : v));
    const pruned: Model = { ...cases, layers: cases.layers.map((l) => (l === fc ? { ...l, params: { ...l.params, kernel: { shape: fc.params.kernel!.shape, values: kernel } } } : l)) };
    const bn = cases.layers.find((l) => l.name === 'bn_fc')!.params;
    const out = foldBatchNormModel(pruned).model.layers.find((l) => l.name === 'fc')!.params;
    for (let i = 0; i < kernel.length; i++) {
      const c = i % 6;
      const s = bn.gamma!.values[c] / Math.sqrt(bn.movingVariance!.values[c] + 1e-3);
      if (i % 3 === 0) expect(Object.is(out.kernel!.values[i], 0)).toBe(true);
      else expect(out.kernel!.values[i]).toBe(Math.fround(kernel[i] * s));
    }
    const c = 2;
    const s = bn.gamma!.values[c] / Math.sqrt(bn.movingVariance!.values[c] + 1e-3);
    expect(out.bias!.values[c]).toBe(Math.fround((fc.params.bias!.values[c] - bn.movingMean!.values[c]) * s + bn.beta!.values[c]));
  });

  it('folds the graph fixture (conv without bias → BN → ReLU6 ... residual add) with the same predictions', () => {
    const graph = tinyGraphModel(2);
    const { model, folded } = foldBatchNormModel(graph);
    expect(folded).toEqual([['bn', 'stem']]);
    expect(model.layers.find((l) => l.name === 'sum')!.inputs).toEqual(['relu6', 'pw']);
    expect(model.layers.find((l) => l.name === 'stem')!.config).toMatchObject({ useBias: true });
    expect(maxDiff(predict(model), predict(graph))).toBeLessThan(1e-6);
  });

  it('leaves a BN with a zero scale unfolded (folding would make new zeros)', () => {
    const zeroGamma: Model = {
      ...cases,
      layers: cases.layers.map((l) => (l.name === 'bn_fc' ? { ...l, params: { ...l.params, gamma: { shape: [6], values: Float32Array.of(1, 1, 0, 1, 1, 1) } } } : l)),
    };
    expect(foldBatchNormModel(zeroGamma).kept.map((k) => k.node)).toContain('bn_fc');
  });
});

describe('foldBatchNorm stage', () => {
  runStageContract('dc:fold-batch-norm', () => foldBatchNorm(), () => ({ model: tinyGraphModel(4) }), { structural: true });

  it('reports what it folded and kept, and refuses unknown options', async () => {
    const { report, model } = await createPipeline().use(foldBatchNorm()).run(cases);
    expect(report.stages[0].metrics).toMatchObject({ folded: [['bn_dw', 'dw'], ['bn_fc', 'fc']], kept: [{ node: 'bn_in' }, { node: 'bn_after_relu' }, { node: 'bn_shared' }] });
    expect(model.layers).toHaveLength(cases.layers.length - 2);
    expect(() => foldBatchNorm({ layers: ['x'] } as never)).toThrow(/INVALID_OPTION/);
  });

  it('leaves the written file\'s ratio measured against the model before folding', async () => {
    const { report, artifacts } = await createPipeline().use(foldBatchNorm()).use(encodeFile()).run(cases);
    const fileBytes = artifacts['encode/file']!.bytes.length;
    expect(report.originalBytes).toBe(float32Bytes(cases));
    expect(float32Bytes(cases)).toBeGreaterThan(float32Bytes(foldBatchNormModel(cases).model));
    expect(report.stages[1].metrics.ratio).toBeCloseTo(float32Bytes(cases) / fileBytes, 2);
  });
});
