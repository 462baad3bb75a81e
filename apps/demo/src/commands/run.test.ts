import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContainer } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { describe, expect, it } from 'vitest';
import { loadData } from '../data.js';
import { presetSettings } from '../presets.js';
import { countErrors } from '../steps/evaluate-file.js';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import { runCommand } from './run.js';

describe('the demo pipeline on a slice of real MNIST', () => {
  it('trains, compresses, writes the .dcm, reloads it through the sparse runtime and reports', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dc-demo-'));
    const settings = presetSettings('lenet-300-100', 'quick');
    settings.baseline.epochs = 2;
    settings.prune = { rounds: 1, retrainEpochs: 1, retrainLearningRate: 1e-3, polishEpochs: 0 };
    settings.baseline.polishEpochs = 0;
    settings.cluster.epochs = 1;
    const slice = { trainLimit: 3000, testLimit: 500 };
    const { result, table } = await runCommand({ model: 'lenet-300-100', preset: 'quick', settings, seed: 3, outDir, fromScratch: true, bench: false, threads: 1, ...slice });

    // The file on disk is the file reported, and it decodes.
    expect(statSync(result.file).size).toBe(result.fileBytes);
    const bytes = new Uint8Array(readFileSync(result.file));
    expect(decodeContainer(bytes, { decoders: [huffmanDecoder, ransDecoder] }).tensors.size).toBe(6);
    expect(result.originalBytes).toBe(266610 * 4);
    expect(result.compressionRatio).toBeCloseTo(result.originalBytes / result.fileBytes, 10);
    expect(result.compressionRatio).toBeGreaterThan(20);

    // testError is what the written file scores when run independently here.
    const data = await loadData(slice);
    const session = await createSession(await loadCompressedModel(result.file), { backend: createCpuBackend() });
    expect(result.testError).toBe((await countErrors(session, data.test, 100)) / 500);
    expect(result.testExamples).toBe(500);
    expect(result.testError).toBeLessThan(0.3);
    expect(result.baselineSource).toBe('trained');

    // Reports.
    const report = JSON.parse(readFileSync(result.reports.json, 'utf8'));
    expect(report.fileBytes).toBe(result.fileBytes);
    const html = readFileSync(result.reports.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Nonzero weights per layer');
    expect(html).toContain('trained in this run: 2 + 0 epochs on 3,000 images');
    expect(result.baseline).toEqual({ source: 'trained', trainedOn: 3000, epochs: 2, learningRate: 1e-3, batchSize: 128, polishEpochs: 0, testError: result.baselineTestError });
    expect(table).toMatch(/ip1\s+235,200/);
    expect(existsSync(join(outDir, 'lenet-300-100.dcm'))).toBe(true);
  });

  it('allocates automatically for a target ratio on a validation split, landing within 5%, and reports why', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dc-demo-'));
    const settings = presetSettings('lenet-300-100', 'max');
    settings.allocate = { targetRatio: 50, validation: 500, bitLevels: [3, 4, 5] };
    settings.prune = { rounds: 1, retrainEpochs: 1, retrainLearningRate: 1e-3, polishEpochs: 0, splicing: true };
    settings.cluster.epochs = 0;
    settings.baseline = { ...settings.baseline, epochs: 2, polishEpochs: 1 }; // max trains its own (shifted images), on 1,500 here
    const { result } = await runCommand({ model: 'lenet-300-100', preset: 'max', settings, seed: 3, outDir, bench: false, threads: 1, trainLimit: 2000, testLimit: 500 });
    expect(Math.abs(result.compressionRatio - 50) / 50).toBeLessThan(0.05);
    const allocation = result.allocation as { sparsity: Record<string, number>; bits: Record<string, number>; reasons: string[]; candidateBytes: number };
    expect(Object.keys(allocation.sparsity)).toEqual(['ip1', 'ip2', 'ip3']);
    expect(allocation.reasons[0]).toContain('size target 21,329 B');
    // The run pruned to exactly the allocation (one tensor row per layer in the prune stage's metrics).
    const prune = result.pipeline.stages[0].metrics as { layers: { tensor: string; kept: number; params: number }[] };
    for (const row of prune.layers) expect(row.kept).toBe(Math.round((1 - allocation.sparsity[row.tensor.split('/')[0]]) * row.params));
    // Decisions saw the last 500 training images; the test set (500 here) only reports.
    expect(result.validation!.examples).toBe(500);
    expect(result.testExamples).toBe(500);
    // Its baseline never saw the validation images: trained here on the other 1,500, shifted.
    expect(result.baseline).toMatchObject({ source: 'trained', trainedOn: 1500, epochs: 2, polishEpochs: 1, augment: { translate: 2 }, validationError: result.validation!.baselineError });
  }, 300_000);
});
