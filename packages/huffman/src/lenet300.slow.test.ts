/**
 * The measured figure of the Huffman issue on real MNIST: LeNet-300-100 pruned (dc:prune, the
 * paper's 8/9/26% kept) and clustered to 5 bits (dc:cluster), written by dc:huffman to a real
 * file (writeFileAtomic), read back, decoded and re-evaluated on the 10,000 test images. Compares
 * the file size, ratio and Huffman saving with the paper (27 KB, 40x, 20-30%).
 *
 * Run: `npx vitest run --project slow packages/huffman/src/lenet300.slow.test.ts`. Knobs (env):
 * DC_BASELINE_CACHE (a baseline saved by @dc/prune's or @dc/quantize's slow test, same format;
 * trained here for DC_BASELINE_EPOCHS = 10 when missing), DC_PRUNE_EPOCHS (2), DC_CLUSTER_EPOCHS (1),
 * DC_OUT_FILE (where to write the .dcm; default a temp folder), DC_RESULT_FILE (JSON figures).
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline, decodeContainer, toDenseModel } from '@dc/core';
import { loadMnist } from '@dc/core/mnist';
import { lenet300100, readParamCache, writeParamCache } from '@dc/core/testing';
import { writeFileAtomic } from '@dc/core/node';
import { createTfjsTrainer } from '@dc/core/tfjs';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { huffmanDecoder } from './decode/index.js';
import { huffmanEncode } from './stage/huffman-encode.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const BASELINE_EPOCHS = env('DC_BASELINE_EPOCHS', 10);
const PRUNE_EPOCHS = env('DC_PRUNE_EPOCHS', 2);
const CLUSTER_EPOCHS = env('DC_CLUSTER_EPOCHS', 1);

describe('LeNet-300-100 on real MNIST: the written .dcm file', () => {
  it('is about 40x smaller than float32, decodes to the same model, and keeps its accuracy', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const mnist = await loadMnist();
    const trainer = createTfjsTrainer({ tf, train: mnist.train, evaluation: mnist.test, batchSize: 128, optimizer: 'adam', seed: 1 });
    const log = (m: string) => console.log(`[huffman slow] ${m}`);

    let baseline = readParamCache(process.env.DC_BASELINE_CACHE, lenet300100(tf))?.model;
    if (!baseline) {
      baseline = (await trainer.fineTune(lenet300100(tf), { epochs: BASELINE_EPOCHS, learningRate: 1e-3 })).model;
      writeParamCache(process.env.DC_BASELINE_CACHE, baseline, { epochs: BASELINE_EPOCHS });
    }
    const t0 = performance.now();
    const { model, artifacts, report } = await createPipeline()
      .use(pruneLowMagnitude({ sparsity: { ip1: 0.92, ip2: 0.91, ip3: 0.74 }, retrain: { epochs: PRUNE_EPOCHS, learningRate: 1e-4 } }))
      .use(clusterWeights({ bits: 5, epochs: CLUSTER_EPOCHS }))
      .use(huffmanEncode())
      .run(baseline, { trainer, seed: 1 });
    const file = artifacts['encode/file']!;
    const out = process.env.DC_OUT_FILE ?? join(await mkdtemp(join(tmpdir(), 'dc-huffman-')), 'lenet-300-100.dcm');
    await writeFileAtomic(out, file.bytes);
    const bytes = new Uint8Array(await readFile(out));
    const decoded = decodeContainer(bytes, { decoders: [huffmanDecoder] });
    const fileAccuracy = (await trainer.evaluate(toDenseModel(decoded))).accuracy;
    const modelAccuracy = (await trainer.evaluate(model)).accuracy;
    const metrics = report.stages[2].metrics as Record<string, unknown> & { ratio: number; fileBytes: number; fixedFileBytes: number; codingSaving: number };
    const result = {
      file: out,
      bytes: bytes.length,
      ratio: metrics.ratio,
      fixedWidthBytes: metrics.fixedFileBytes,
      huffmanSaving: metrics.codingSaving,
      baselineErrorPercent: 100 * (1 - report.baselineAccuracy!),
      stageErrorPercent: report.stages.map((s) => [s.name, 100 * (1 - s.accuracy!)]),
      fileErrorPercent: 100 * (1 - fileAccuracy),
      seconds: (performance.now() - t0) / 1000,
      total: metrics.total,
      layers: metrics.layers,
      streams: metrics.streams,
      paper: { bytes: 27 * 1024, ratio: 40, huffmanSaving: '20-30%', errorPercent: 1.58 },
    };
    log(JSON.stringify(result, null, 2));
    if (process.env.DC_RESULT_FILE) writeFileSync(process.env.DC_RESULT_FILE, JSON.stringify(result, null, 2));

    expect(bytes.length).toBe(metrics.fileBytes);
    expect(fileAccuracy).toBe(modelAccuracy);
    expect(metrics.ratio).toBeGreaterThan(35);
    expect(metrics.codingSaving).toBeGreaterThan(0.1);
  });
});
