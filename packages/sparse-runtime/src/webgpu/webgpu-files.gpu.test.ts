import * as tf from '@tensorflow/tfjs';
import { afterAll, describe } from 'vitest';
import { conformanceFiles, describeFileConformance } from '../testing/file-conformance.js';
import { browserWebGpuBackend } from './testing/browser-backend.js';
import { chromiumMissing, openChromiumPage, type ChromiumPage } from './testing/chromium-page.js';

// Real compressed LeNet files on the MNIST test set, run by the WebGPU backend in headless Chromium
// (skipped, saying why, until the demo has written the files). The tfjs-cpu dense reference of
// LeNet-5 costs minutes per 10,000 images here, so LeNet-5 is checked on the first 2,000.
const missing = chromiumMissing();
let page: Promise<ChromiumPage> | undefined;
const webgpu = { name: 'webgpu', create: async () => browserWebGpuBackend((await (page ??= openChromiumPage())).page) };
const [lenet300, lenet5] = conformanceFiles();
await tf.setBackend('cpu');

afterAll(async () => {
  await (await page)?.close();
});

describe.skipIf(missing !== undefined)(`webgpu in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  describeFileConformance({ backends: [webgpu], files: [lenet300] });
  describeFileConformance({ backends: [webgpu], files: [lenet5], limit: 2000 });
});
