import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeContainer } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { describeConformance } from '../testing/conformance.js';
import { encodeModelFile } from '../testing/encode-file.js';
import { randomInput, randomModel } from '../testing/random-model.js';
import { maxRelativeError, referencePredict } from '../testing/reference.js';
import { benchInPage, browserWebGpuBackend, pageAdapter, prepareInPage } from './testing/browser-backend.js';
import { chromiumMissing, openChromiumPage, type ChromiumPage } from './testing/chromium-page.js';
import type { ThroughputResult } from './bench-loop.js';
import { lenet300100Sized, lenet5Sized } from './bench-webgpu.js';

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
    const adapter = await pageAdapter(page);
    console.log(`Chromium WebGPU adapter: ${adapter}`);
    expect(adapter).not.toMatch(/^unavailable/);
  });

  it('loads a Huffman-coded .dcm file over http and matches the cpu backend and the dense reference within 1e-5', async () => {
    const { page, serve } = await open();
    const bytes = encodeModelFile(randomModel(2003, 'conv'));
    serve('/model.dcm', bytes);
    const decoded = decodeContainer(bytes, { decoders: [huffmanDecoder] });
    // A real file of the pipeline's kind: Huffman-coded streams, a convolution, pooling or not.
    expect(() => decodeContainer(bytes)).toThrow(/UNKNOWN_ENCODING/);
    expect(decoded.layers.some((l) => l.config.kind === 'conv2d')).toBe(true);
    const gpu = await prepareInPage(page, '/model.dcm', 'webgpu');
    const cpu = await prepareInPage(page, '/model.dcm', 'cpu');
    const inputSize = decoded.inputShape.reduce((a, b) => a * b, 1);
    for (const batch of [1, 7, 40]) {
      const input = randomInput(batch, batch * inputSize);
      const [onGpu, onCpu] = [await gpu.run(input, batch), await cpu.run(input, batch)];
      const reference = await referencePredict(tf, decoded, input, batch);
      expect(onGpu.length).toBe(reference.length);
      expect(maxRelativeError(onGpu, onCpu, batch), `batch ${batch} vs cpu`).toBeLessThanOrEqual(1e-5);
      expect(maxRelativeError(onGpu, reference, batch), `batch ${batch} vs reference`).toBeLessThanOrEqual(1e-5);
    }
    gpu.dispose();
    cpu.dispose();
  });

  it('reports throughput in Chromium for LeNet-300-100-sized (batch 1, 1000) and LeNet-5-sized (batch 1, 100) models', async () => {
    const { page } = await open();
    const show = (name: string, rs: readonly ThroughputResult[]) =>
      console.log(`webgpu in Chromium, ${name}: ${rs.map((r) => `batch ${r.batch}: ${r.samplesPerSecond.toFixed(0)} samples/s (${r.msPerBatch.toFixed(2)} ms/batch)`).join('; ')}`);
    const mlp = await benchInPage(page, lenet300100Sized(), [1, 1000], 500);
    show('lenet-300-100-sized', mlp);
    const conv = await benchInPage(page, lenet5Sized(), [1, 100], 500);
    show('lenet-5-sized', conv);
    expect([...mlp, ...conv].map((r) => r.batch)).toEqual([1, 1000, 1, 100]);
    for (const r of [...mlp, ...conv]) expect(r.samplesPerSecond).toBeGreaterThan(0);
  });

  describeConformance({ backendName: 'webgpu', createBackend: async () => browserWebGpuBackend((await open()).page) });
});
