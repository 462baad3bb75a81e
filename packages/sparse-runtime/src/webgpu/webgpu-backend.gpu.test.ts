import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../model/load.js';
import { describeConformance } from '../testing/conformance.js';
import { randomInput, randomModel } from '../testing/random-model.js';
import { maxRelativeError, referencePredict } from '../testing/reference.js';
import { createWebGpuBackend, type WebGpuBackend } from './index.js';
import { nodeGpu } from './node-gpu.js';

// Dawn (the `webgpu` package) on SwiftShader; nodeGpu() sets VK_ICD_FILENAMES before Dawn starts.
const env = await nodeGpu();
const noGpu = env.reason;
let shared: WebGpuBackend | undefined;
const backend = async () => (shared ??= await createWebGpuBackend({ gpu: env.gpu }));
// The reference runs on tfjs cpu; choose it up front (tf.getBackend() is undefined before the first op here).
await tf.setBackend('cpu');

afterAll(() => shared?.dispose());

describe.skipIf(noGpu !== undefined)(`webgpu backend in Node${noGpu ? ` (skipped: ${noGpu})` : ''}`, () => {
  describeConformance({ backendName: 'webgpu', createBackend: backend });

  it('splits a batch into chunks (maxChunk) with the same results, and leaves the input untouched', async () => {
    const cm = randomModel(2001, 'conv');
    const model = await loadCompressedModel(cm);
    const chunked = await createWebGpuBackend({ device: (await backend()).device, maxChunk: 16 });
    const [whole, parts] = [await (await backend()).prepare(model), await chunked.prepare(model)];
    const input = randomInput(5, 40 * model.inputSize);
    const copy = input.slice();
    const a = await whole.run(input, 40);
    const b = await parts.run(input, 40);
    expect(input).toEqual(copy);
    expect(maxRelativeError(b, a, 40)).toBeLessThanOrEqual(1e-6);
    expect(maxRelativeError(a, await referencePredict(tf, cm, input, 40), 40)).toBeLessThanOrEqual(1e-5);
    whole.dispose();
    parts.dispose();
  });

  it('queues concurrent runs of one prepared model (they share its buffers)', async () => {
    const cm = randomModel(1003, 'mlp');
    const model = await loadCompressedModel(cm);
    const prepared = await (await backend()).prepare(model);
    const inputs = [3, 70, 1, 17].map((n, i) => ({ n, x: randomInput(100 + i, n * model.inputSize) }));
    const together = await Promise.all(inputs.map(({ n, x }) => prepared.run(x, n)));
    for (const [i, { n, x }] of inputs.entries()) {
      expect(maxRelativeError(together[i], await referencePredict(tf, cm, x, n), n), `batch ${n}`).toBeLessThanOrEqual(1e-5);
    }
    prepared.dispose();
    await expect(prepared.run(inputs[0].x, 3)).rejects.toThrow(/dispose/);
  });

  it('fails with BACKEND_UNAVAILABLE saying the device was lost once it is destroyed', async () => {
    const own = await createWebGpuBackend({ gpu: env.gpu });
    const model = await loadCompressedModel(randomModel(1004, 'mlp'));
    const prepared = await own.prepare(model);
    const x = randomInput(1, model.inputSize);
    expect((await prepared.run(x, 1)).length).toBe(model.outputSize);
    own.dispose();
    await expect(prepared.run(x, 1)).rejects.toThrow(/BACKEND_UNAVAILABLE.*device was lost \(destroyed/);
  });
});
