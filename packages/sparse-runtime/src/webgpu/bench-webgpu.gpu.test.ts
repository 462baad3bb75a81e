import { describe, expect, it } from 'vitest';
import { randomModel } from '../testing/random-model.js';
import { formatWebGpuBench, lenet5Sized, runWebGpuBench } from './bench-webgpu.js';
import { nodeGpu, provideNavigatorGpu } from './node-gpu.js';

const env = await nodeGpu();

describe('runWebGpuBench', () => {
  it.skipIf(env.reason !== undefined)(`reports samples/s at batch 1 and 1000 for a LeNet-300-100-sized model${env.reason ? ` (skipped: ${env.reason})` : ''}`, async () => {
    const r = await runWebGpuBench({ gpu: env.gpu, minMs: 300, compareTfjs: false });
    console.log(`webgpu (${r.adapter}) ${r.model}: ${r.results.map((x) => `batch ${x.batch}: ${x.samplesPerSecond.toFixed(0)} samples/s (${x.msPerBatch.toFixed(2)} ms/batch)`).join('; ')}; prepare ${r.prepareMs.toFixed(0)} ms`);
    expect(r.results.map((x) => x.batch)).toEqual([1, 1000]);
    expect(formatWebGpuBench(r).split('\n')).toHaveLength(5);
    expect(r.keptWeights).toBeGreaterThan(0.07 * 266_200);
    expect(r.keptWeights).toBeLessThan(0.09 * 266_200);
    for (const x of r.results) expect(x.samplesPerSecond).toBeGreaterThan(0);
  });

  it.skipIf(env.reason !== undefined)(`runs a LeNet-5-sized convnet${env.reason ? ` (skipped: ${env.reason})` : ''}`, async () => {
    const r = await runWebGpuBench({ gpu: env.gpu, model: lenet5Sized(), batches: [1, 100], minMs: 300, compareTfjs: false });
    console.log(`webgpu (${r.adapter}) ${r.model}: ${r.results.map((x) => `batch ${x.batch}: ${x.samplesPerSecond.toFixed(0)} samples/s (${x.msPerBatch.toFixed(2)} ms/batch)`).join('; ')}; prepare ${r.prepareMs.toFixed(0)} ms`);
    expect(r.keptWeights).toBeGreaterThan(0.07 * 430_500);
    expect(r.keptWeights).toBeLessThan(0.1 * 430_500);
  });

  it.skipIf(env.reason !== undefined)(`times tfjs-backend-webgpu's dense network side by side, on one device, computing the same outputs${env.reason ? ` (skipped: ${env.reason})` : ''}`, async () => {
    const r = await runWebGpuBench({ gpu: env.gpu, model: randomModel(1003, 'mlp'), batches: [1, 5], minMs: 50 });
    expect(r.tfjsWebGpuSkipped).toBeUndefined();
    expect(r.tfjsWebGpu!.map((x) => x.batch)).toEqual([1, 5]);
    for (const x of r.tfjsWebGpu!) {
      expect(x.maxRelativeError).toBeLessThanOrEqual(1e-5);
      expect(x.speedup).toBeCloseTo(x.tfjsWebGpuMs / x.webgpuMs, 10);
    }
    expect(formatWebGpuBench(r)).toContain('tfjs-backend-webgpu (dense)');
  });

  it.skipIf(env.reason !== undefined)(`compares with the tfjs it is given (a bundle cannot import tfjs by name)${env.reason ? ` (skipped: ${env.reason})` : ''}`, async () => {
    provideNavigatorGpu(env.gpu!);
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-webgpu');
    const asked: string[] = [];
    const given = { ...tf, setBackend: (name: string) => (asked.push(name), tf.setBackend(name)) } as typeof tf;
    const r = await runWebGpuBench({ gpu: env.gpu, tfjs: given, model: randomModel(1004, 'mlp'), batches: [3], minMs: 20 });
    expect(asked[0]).toBe('webgpu');
    expect(r.tfjsWebGpu!.map((x) => x.batch)).toEqual([3]);
    expect(r.tfjsWebGpu![0].maxRelativeError).toBeLessThanOrEqual(1e-5);
  });
});
