// The shipped LeNet files on all 10,000 MNIST test images, on the cpu backend and on tfjs-wasm,
// both against one dense reference per file (tfjs cpu, the costly part, computed once).
import * as tf from '@tensorflow/tfjs';
import { createCpuBackend } from './cpu/index.js';
import { describeFileConformance } from './testing/file-conformance.js';
import { createTfjsBackend } from './tfjs/index.js';

describeFileConformance({
  backends: [
    { name: 'cpu', create: () => createCpuBackend() },
    { name: 'tfjs-wasm', create: () => createTfjsBackend({ tf, tfBackend: 'wasm' }) },
  ],
});
