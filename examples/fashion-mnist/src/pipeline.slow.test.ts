/**
 * The examples' pipeline end to end on a bounded slice of real Fashion-MNIST (Debian's
 * dataset-fashion-mnist, installed by .ci/run): the ResNet-style example is trained on 1,400 images
 * (6 epochs, in an epoch order drawn from the seed, so the run is the same on every machine), saved as model.json, compressed from that file by `dc compress`, and the written file is run by
 * the sparse runtime on 500 test images. The full recipes (all 60,000 / 10,000 images) are CLI runs
 * whose figures are in the README.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProgram } from '@dc/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { trainExample } from './train-example.js';

const DATA = '/usr/share/datasets/fashion-mnist';
const work = mkdtempSync(join(tmpdir(), 'dc-fashion-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function dc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  await createProgram({ stdout: (t) => (stdout += `${t}\n`), stderr: (t) => (stderr += `${t}\n`) }, (c) => (code = c)).parseAsync(['node', 'dc', ...args]);
  return { code, stdout, stderr };
}

describe('fashion-mnist example (bounded slice)', () => {
  it('trains the ResNet-style model, saves model.json, dc compress writes a file whose error is measured by running it', async () => {
    const trained = await trainExample({ model: 'resnet', dataDir: DATA, outDir: join(work, 'resnet'), epochs: 6, learningRate: 0.002, polishEpochs: 0, batchSize: 32, seed: 1, validation: 100, trainLimit: 1500, testLimit: 500 });
    expect(trained.parameters).toBe(38_682);
    expect(trained.testError).toBeLessThan(30); // chance is 90%
    const out = join(work, 'resnet.dcm');
    const r = await dc('compress', trained.modelJson, '--data', DATA, '-o', out, '--train-limit', '1500', '--test-limit', '500', '--sparsity', '0.5', '--bits', '5', '--batch-size', '32', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.parameters).toBe(trained.parameters);
    expect(result.pipeline.stages.find((s: { name: string }) => s.name === 'dc:fold-batch-norm').metrics.folded).toHaveLength(8);
    expect(result.baselineTestError).toBeCloseTo(trained.testError, 1);
    const run = JSON.parse((await dc('run', out, '--data', DATA, '--limit', '500', '--json')).stdout);
    expect(result.testError).toBe(run.testError);
    expect(result.testError).toBeLessThan(result.baselineTestError + 10);
    expect(result.compressionRatio).toBeGreaterThan(5);
  });
});
