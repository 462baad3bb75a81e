import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../model/load.js';
import { randomInput, randomModel } from '../testing/random-model.js';
import { maxRelativeError, referencePredict } from '../testing/reference.js';
import { createWebGpuBackend } from './index.js';
import { nodeGpu, provideNavigatorGpu } from './node-gpu.js';

// tfjs-backend-webgpu registers itself only when navigator.gpu exists at import: set it first.
const env = await nodeGpu();
if (env.gpu) provideNavigatorGpu(env.gpu);
await import('@tensorflow/tfjs-backend-webgpu');

describe.skipIf(env.reason !== undefined)(`sharing @tensorflow/tfjs-backend-webgpu's device${env.reason ? ` (skipped: ${env.reason})` : ''}`, () => {
  it('runs on the tfjs device, matches the reference, and leaves tfjs working on it', async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const backend = await createWebGpuBackend({ device });
    expect(backend.device).toBe(device);
    const cm = randomModel(2004, 'conv');
    const model = await loadCompressedModel(cm);
    const prepared = await backend.prepare(model);
    const input = randomInput(9, 33 * model.inputSize);
    const out = await prepared.run(input, 33);
    expect(maxRelativeError(out, await referencePredict(tf, cm, input, 33), 33)).toBeLessThanOrEqual(1e-5);
    prepared.dispose();
    backend.dispose();
    // The device is tfjs's: still alive, and tfjs still computes on it.
    expect(tf.getBackend()).toBe('webgpu');
    const y = await tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).data();
    expect([...y]).toEqual([19, 22, 43, 50]);
  });
});
