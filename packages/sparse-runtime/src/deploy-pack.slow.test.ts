/**
 * A deployment-only install: scripts/pack-check.sh builds and packs @dc/core, @dc/huffman, @dc/rans
 * and @dc/sparse-runtime, npm-installs only those four tarballs (no TensorFlow.js) into an empty
 * folder, type-checks a small program there with `tsc --strict` and `skipLibCheck: false`, and
 * runs it (scripts/deploy-check): the shipped LeNet-300-100 file on the cpu backend, on the first
 * 200 MNIST test images. Its outputs must equal the workspace runtime's, bit for bit, and be
 * right on the digits. In the slow project because it runs three builds (about a minute).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '@dc/core/mnist';
import { afterAll, describe, expect, it } from 'vitest';
import { runPackCheck } from '../../../scripts/run-pack-check.mjs';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';

const app = fileURLToPath(new URL('../scripts/deploy-check', import.meta.url));
const file = fileURLToPath(new URL('../../../apps/demo/compressed/lenet-300-100.dcm', import.meta.url));
const COUNT = 200;
const work = mkdtempSync(join(tmpdir(), 'dc-deploy-sample-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('deployment-only install (core + huffman + rans + sparse-runtime, no tfjs)', () => {
  it('type-checks with skipLibCheck off and runs the shipped file on real digits as the workspace does', async () => {
    const { test } = await loadMnist();
    const images = test.images.slice(0, COUNT * 784);
    const labels = test.labels.slice(0, COUNT);
    const sample = join(work, 'mnist-test-200');
    writeFileSync(`${sample}.f32`, new Uint8Array(images.buffer));
    writeFileSync(`${sample}.labels`, labels);

    const out = runPackCheck(app, ['packages/core', 'packages/huffman', 'packages/rans', 'packages/sparse-runtime'], { SAMPLE: sample });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { fileBytes: number; tensors: number; trainerBackend: string; outputShape: number[]; outputs: number[]; predictions: number[]; damagedCode: string };

    const session = await createSession(await loadCompressedModel(file), { backend: createCpuBackend() });
    const expected = await session.predict(images, COUNT);
    session.dispose();
    expect(result.fileBytes).toBe(readFileSync(file).length);
    expect(result.tensors).toBe(6);
    expect(result.trainerBackend).toBe('none');
    expect(result.outputShape).toEqual([10]);
    expect(result.outputs).toEqual(Array.from(expected));
    const right = result.predictions.filter((p, i) => p === labels[i]).length;
    // The shipped file errs on 1.68% of all 10,000 test digits.
    expect(right).toBeGreaterThanOrEqual(194);
    expect(result.damagedCode).toBe('CHECKSUM_MISMATCH');
  });
});
