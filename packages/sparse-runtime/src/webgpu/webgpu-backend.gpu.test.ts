import * as tf from '@tensorflow/tfjs';
import { afterAll, describe } from 'vitest';
import { describeConformance } from '../testing/conformance.js';
import { createWebGpuBackend, type WebGpuBackend } from './index.js';
import { nodeGpu } from './node-gpu.js';

// Dawn (the `webgpu` package) on SwiftShader; nodeGpu() sets VK_ICD_FILENAMES before Dawn starts.
const env = await nodeGpu();
const noGpu = env.reason;
let shared: WebGpuBackend | undefined;
// The reference runs on tfjs cpu; choose it up front (tf.getBackend() is undefined before the first op here).
await tf.setBackend('cpu');

afterAll(() => shared?.dispose());

describe.skipIf(noGpu !== undefined)(`webgpu backend in Node${noGpu ? ` (skipped: ${noGpu})` : ''}`, () => {
  describeConformance({
    backendName: 'webgpu',
    createBackend: async () => (shared = await createWebGpuBackend({ gpu: env.gpu })),
  });
});
