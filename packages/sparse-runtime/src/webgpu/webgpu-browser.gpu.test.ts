import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeConformance } from '../testing/conformance.js';
import { browserWebGpuBackend } from './testing/browser-backend.js';
import { chromiumMissing, openChromiumPage, type ChromiumPage } from './testing/chromium-page.js';

// Headless Chromium (Debian's /usr/bin/chromium, SwiftShader adapter) on a vite-built page served on 127.0.0.1.
const missing = chromiumMissing();
let harness: Promise<ChromiumPage> | undefined;
const open = () => (harness ??= openChromiumPage());
// The reference runs on tfjs cpu; choose it up front.
await tf.setBackend('cpu');

afterAll(async () => {
  await (await harness)?.close();
});

describe.skipIf(missing !== undefined)(`webgpu backend in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('the page gets a WebGPU adapter', async () => {
    const { page } = await open();
    const adapter = await page.evaluate(() => (window as unknown as { dcPage: { adapter(): Promise<string> } }).dcPage.adapter());
    expect(adapter).not.toMatch(/^unavailable/);
  });

  describeConformance({ backendName: 'webgpu', createBackend: async () => browserWebGpuBackend((await open()).page) });
});
