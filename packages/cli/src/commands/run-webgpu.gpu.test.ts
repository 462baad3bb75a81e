/**
 * `dc run --backend webgpu` in Node: Dawn from the `webgpu` package, here on SwiftShader's
 * software Vulkan driver (chosen by VK_ICD_FILENAMES, as a user would choose a driver; without it
 * the machine's own drivers are used). A layer-graph file runs on dc's WGSL kernels, a GraphModel
 * file on tfjs-backend-webgpu; both give what the cpu backend gives.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readIdxSplit } from '@dc/core/mnist';
import { SWIFTSHADER_ICD } from '@dc/sparse-runtime/webgpu/node';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { compressedGraphFixture, dcJson } from '../run-dc.test-support.js';
import { MNIST_DIR } from './mnist-fixture.test-support.js';

const root = new URL('../../../../', import.meta.url).pathname;
const reason = existsSync(SWIFTSHADER_ICD) ? undefined : `no Vulkan driver to run WebGPU on: ${SWIFTSHADER_ICD} is missing (apt-get install chromium libvulkan1)`;
// Set before Dawn starts (the first dc run with --backend webgpu in this process).
if (!reason) process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;

describe.skipIf(reason !== undefined)(`dc run --backend webgpu in Node${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it("runs a layer-graph file on dc's WebGPU kernels: the same predictions as the cpu backend", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-webgpu-'));
    const { images, labels } = await readIdxSplit(MNIST_DIR, 't10k');
    writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(Float32Array.from(images.data.subarray(0, 300 * 784), (v) => v / 255), [300, 28, 28, 1])));
    writeFileSync(join(dir, 'y.npy'), Buffer.from(dump(Int32Array.from(labels.data.subarray(0, 300)), [300])));
    const file = join(root, 'apps/demo/compressed/lenet-5.dcm');
    const args = ['run', file, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy')];
    const [gpu, cpu] = [(await dcJson(...args, '--backend', 'webgpu')).result, (await dcJson(...args)).result];
    expect(gpu).toMatchObject({ backend: 'webgpu', samples: 300 });
    expect(cpu).toMatchObject({ backend: 'cpu', samples: 300 });
    expect(gpu.predicted).toEqual(cpu.predicted);
    expect(gpu.testError).toBe(cpu.testError);
  });

  it('runs a GraphModel file on tfjs-backend-webgpu: the outputs of the cpu backend, within float rounding', async () => {
    const out = await compressedGraphFixture('fixture.dcm');
    const x = join(dirname(out), 'x.npy');
    writeFileSync(x, Buffer.from(dump(Float32Array.from({ length: 3 * 8 * 8 * 3 }, (_, i) => (i % 7) / 7), [3, 8, 8, 3])));
    const [gpu, cpu] = [(await dcJson('run', out, '--data', x, '--backend', 'webgpu')).result, (await dcJson('run', out, '--data', x)).result];
    expect(gpu).toMatchObject({ backend: 'webgpu', samples: 3 });
    expect(gpu.outputs[0].shape).toEqual(cpu.outputs[0].shape);
    for (const stat of ['min', 'max', 'mean', 'std'] as const) expect(gpu.outputs[0][stat]).toBeCloseTo(cpu.outputs[0][stat], 5);
  });
});
