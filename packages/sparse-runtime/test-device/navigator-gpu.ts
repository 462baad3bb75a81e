/**
 * Gives Node a `navigator.gpu` (Dawn, on the driver `VK_ICD_FILENAMES` names) before anything else
 * of the bundled device check runs: tfjs-backend-webgpu registers its backend when its module is
 * evaluated, and only where `navigator.gpu` exists then. `main.ts` imports this first.
 */
import { nodeGpu, provideNavigatorGpu } from '../src/webgpu/node-gpu.js';

const found = await nodeGpu();
if (!found.gpu) throw new Error(`no WebGPU in Node: ${found.reason}`);
provideNavigatorGpu(found.gpu);

/** The `GPU` that `navigator.gpu` now is. */
export const gpu: GPU = found.gpu;
