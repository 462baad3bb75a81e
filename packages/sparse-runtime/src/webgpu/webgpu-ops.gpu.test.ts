import * as tf from '@tensorflow/tfjs';
import { checkGraph, createRandom, sizeOfShape, toDenseModel, type CompressedModel } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../model/loaded-model.js';
import { maxRelativeError } from '../testing/reference.js';
import { createWebGpuBackend, type WebGpuBackend } from './index.js';
import { nodeGpu } from './node-gpu.js';
import { activationNodes, activationsModel, compressedGraph, dilatedDepthwiseModel, fusedActivationsModel, mergeModel, spatialModel, undilated } from './testing/op-models.js';

// Every op and activation of core's table on Dawn + SwiftShader, against the dense reconstruction
// run by tfjs layers on tfjs cpu (core's toLayersModel).
const env = await nodeGpu();
let shared: WebGpuBackend | undefined;
const backend = async () => (shared ??= await createWebGpuBackend({ gpu: env.gpu }));
await tf.setBackend('cpu');
afterAll(() => shared?.dispose());

function loaded(cm: CompressedModel): LoadedModel {
  const g = checkGraph(cm, 'INVALID_MODEL');
  const inputSize = sizeOfShape(g.inputShape);
  const outputSize = sizeOfShape(g.outputShape);
  return { compressed: cm, plan: [], inputShape: g.inputShape, outputShape: g.outputShape, inputSize, outputSize, loadMs: 0 } as unknown as LoadedModel;
}

function reference(cm: CompressedModel, input: Float32Array, batch: number): Float32Array {
  const model = toLayersModel(toDenseModel(cm), tf);
  try {
    return tf.tidy(() => (model.predict(tf.tensor(input, [batch, ...cm.inputShape])) as tf.Tensor).dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

/** Inputs uniform in [-scale, scale]. */
function inputs(seed: number, n: number, scale: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: n }, () => (2 * r.next() - 1) * scale);
}

/** Runs `cm` on the GPU and `referenceModel` (default `cm`) on tfjs, on the same inputs. */
async function run(cm: CompressedModel, batch: number, scale = 2, referenceModel = cm): Promise<{ actual: Float32Array; expected: Float32Array }> {
  const model = loaded(cm);
  const prepared = await (await backend()).prepare(model);
  try {
    const x = inputs(batch * 7 + 1, batch * model.inputSize, scale);
    return { actual: await prepared.run(x, batch), expected: reference(referenceModel, x, batch) };
  } finally {
    prepared.dispose();
  }
}

/** The worst relative error of each `width`-value block of every sample (one activation each), relative to that block's largest value. */
function perBlock(actual: Float32Array, expected: Float32Array, batch: number, width: number): number[] {
  const per = expected.length / batch;
  const worst = new Array<number>(per / width).fill(0);
  for (let s = 0; s < batch; s++) {
    for (let j = 0; j < worst.length; j++) {
      const at = s * per + j * width;
      worst[j] = Math.max(worst[j], maxRelativeError(actual.subarray(at, at + width), expected.subarray(at, at + width), 1));
    }
  }
  return worst;
}

describe.skipIf(env.reason !== undefined)(`webgpu ops in Node${env.reason ? ` (skipped: ${env.reason})` : ''}`, () => {
  it('computes every activation as tfjs does (each within 1e-5 of its own largest value), inputs up to ±40', async () => {
    const names = activationNodes().map((n) => n.name);
    for (const scale of [3, 40]) {
      const { actual, expected } = await run(activationsModel(), 5, scale);
      const errors = perBlock(actual, expected, 5, 24);
      const bad = names.map((n, i) => `${n}: ${errors[i]}`).filter((_, i) => !(errors[i] <= 1e-5));
      expect(bad, `scale ${scale}`).toEqual([]);
    }
  });

  for (const make of [fusedActivationsModel, spatialModel, mergeModel]) {
    it(`runs the ${make().name} graph at batches 1, 3 and 17 within 1e-5`, async () => {
      for (const batch of [1, 3, 17]) {
        const { actual, expected } = await run(make(), batch);
        expect(maxRelativeError(actual, expected, batch), `batch ${batch}`).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('runs dilated depthwise convolutions as the same kernels spelled out with zeros between taps', async () => {
    const cm = dilatedDepthwiseModel();
    for (const batch of [1, 6]) {
      const { actual, expected } = await run(cm, batch, 2, undilated(cm));
      expect(maxRelativeError(actual, expected, batch), `batch ${batch}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('takes softmax along a middle axis (checked against permute → softmax → permute back)', async () => {
    const along = compressedGraph('softmax-axis', [3, 4, 2], [{ name: 's', config: { kind: 'activation', activation: 'softmax', axis: 2 } }]);
    const permuted = compressedGraph('softmax-permuted', [3, 4, 2], [
      { name: 'p', config: { kind: 'permute', dims: [1, 3, 2] } },
      { name: 's', config: { kind: 'activation', activation: 'softmax' } },
      { name: 'back', config: { kind: 'permute', dims: [1, 3, 2] } },
    ]);
    const x = inputs(3, 6 * 24, 4);
    const prepared = await (await backend()).prepare(loaded(along));
    const actual = await prepared.run(x, 6);
    prepared.dispose();
    expect(maxRelativeError(actual, reference(permuted, x, 6), 6)).toBeLessThanOrEqual(1e-5);
  });
});
