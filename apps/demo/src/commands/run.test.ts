import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContainer } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
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
    const { result, table } = await runCommand({ model: 'lenet-300-100', preset: 'quick', settings, seed: 3, outDir, fromScratch: true, bench: false, ...slice });

    // The file on disk is the file reported, and it decodes.
    expect(statSync(result.file).size).toBe(result.fileBytes);
    const bytes = new Uint8Array(readFileSync(result.file));
    expect(decodeContainer(bytes, { decoders: [huffmanDecoder] }).tensors.size).toBe(6);
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
    expect(table).toMatch(/ip1\s+235,200/);
    expect(existsSync(join(outDir, 'lenet-300-100.dcm'))).toBe(true);
  });
});
