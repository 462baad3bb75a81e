import * as tf from '@tensorflow/tfjs';
import { createRandom, type CompressedModel } from '@dc/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../model/load.js';
import { maxRelativeError, referencePredict } from '../testing/reference.js';
import { createWebGpuBackend, type WebGpuBackend } from './index.js';
import { nodeGpu } from './node-gpu.js';
import { gpuGraphOf } from './gpu-graph.js';
import { withRandomParams } from '@dc/core/testing';
import { compressModel } from '../testing/compress-model.js';
import { expectedRows, tokenTableModel } from '../testing/token-table.js';
import { ACTIVATION_BLOCK, ACTIVATION_BLOCKS, activationsModel, wideMergesModel } from './testing/op-models.js';

// What is particular to the WebGPU programs, beside the conformance suite's op cases (run by
// webgpu-backend.gpu.test.ts): Dawn + SwiftShader against the tfjs-cpu dense reference.
const env = await nodeGpu();
let shared: WebGpuBackend | undefined;
const backend = async () => (shared ??= await createWebGpuBackend({ gpu: env.gpu }));
await tf.setBackend('cpu');
afterAll(() => shared?.dispose());

/** Inputs uniform in [-scale, scale]. */
function inputs(seed: number, n: number, scale: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: n }, () => (2 * r.next() - 1) * scale);
}

async function run(cm: CompressedModel, batch: number, scale: number): Promise<{ actual: Float32Array; expected: Float32Array }> {
  const model = await loadCompressedModel(cm);
  const prepared = await (await backend()).prepare(model);
  try {
    const x = inputs(batch * 7 + 1, batch * model.inputSize, scale);
    return { actual: await prepared.run(x, batch), expected: await referencePredict(tf, cm, x, batch) };
  } finally {
    prepared.dispose();
  }
}

/** The worst relative error of each `width`-value block over all samples, relative to that block's largest value. */
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

describe.skipIf(env.reason !== undefined)(`webgpu programs in Node${env.reason ? ` (skipped: ${env.reason})` : ''}`, () => {
  it('computes every activation as tfjs does, each within 1e-5 of its own largest value, on inputs up to ±40', async () => {
    const names = ACTIVATION_BLOCKS.map((c) => JSON.stringify(c));
    for (const scale of [3, 40]) {
      const { actual, expected } = await run(activationsModel(), 5, scale);
      const errors = perBlock(actual, expected, 5, ACTIVATION_BLOCK);
      expect(errors.length).toBe(names.length);
      expect(names.map((n, i) => `${n}: ${errors[i]}`).filter((_, i) => !(errors[i] <= 1e-5)), `scale ${scale}`).toEqual([]);
    }
  });

  it('folds merges of 8 and 9 inputs over several programs, in place where the plan says so, within 1e-5', async () => {
    const cm = wideMergesModel();
    const plan = (await loadCompressedModel(cm)).plan;
    // The plan runs some of these merges over an input's buffer; the GPU reads it through the output binding.
    const inPlace = plan.steps.filter((s) => plan.inPlace[s.index] >= 0 && s.inputs.length > 2).map((s) => s.name);
    expect(inPlace.length).toBeGreaterThan(0);
    const graph = gpuGraphOf(plan);
    expect(graph.nodes.filter((n) => n.steps.length > 1).map((n) => n.name.split('_')[0]).sort()).toEqual(['add9', 'avg8', 'max9']);
    for (const batch of [1, 3, 17]) {
      const { actual, expected } = await run(cm, batch, 2);
      expect(maxRelativeError(actual, expected, batch), `batch ${batch}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('reads embedding rows of a table in every layout, zeros for ids outside it (what tfjs cannot be asked: it refuses them)', async () => {
    const ids = Float32Array.of(0, 4.9, -0.5, 2, 5, -1, Number.NaN, 3, 1e9, -1e9, 1.25, 4, 1, 1, 0, 7);
    for (const layout of ['dense', 'dense-coded', 'sparse', 'sparse-coded'] as const) {
      const prepared = await (await backend()).prepare(await loadCompressedModel(tokenTableModel(layout)));
      try {
        expect(Array.from(await prepared.run(ids, 4)), layout).toEqual(Array.from(expectedRows(ids)));
      } finally {
        prepared.dispose();
      }
    }
  });

  it('runs recurrent layers wider than a workgroup (threads owning 2 and 3 units; a bidirectional one, two passes into one output) as tfjs does, within 1e-5', async () => {
    const layers = [
      { name: 'lstm', config: { kind: 'recurrent', cell: 'lstm', units: 70, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: true, merge: 'concat' } },
      { name: 'gru', config: { kind: 'recurrent', cell: 'gru', units: 150, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false } },
    ] as const;
    const cm = compressModel(withRandomParams({ name: 'wide-recurrent', inputShape: [5, 3], layers: [...layers] }, 3), { density: 0.5, bits: 6 });
    for (const batch of [1, 6]) {
      const { actual, expected } = await run(cm, batch, 1);
      expect(maxRelativeError(actual, expected, batch), `batch ${batch}`).toBeLessThanOrEqual(1e-5);
    }
  });
});
