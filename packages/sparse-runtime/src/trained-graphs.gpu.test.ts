/**
 * The ResNet-style and MobileNet-style example topologies trained a little on real MNIST (one
 * epoch on 4,000 images, batch-norm statistics then re-estimated), then prune 50% + retrain →
 * (fold batch norms) → cluster to 5 bits (+ centroid fine-tuning) → Huffman → a `.dcm` file
 * written atomically, which every runtime backend (cpu with 1 and 2 threads, tfjs-wasm, webgpu in
 * Node/Dawn) runs on real test images with the predicted classes of the in-memory compressed
 * model's dense reconstruction (core's `toLayersModel` on tfjs cpu), outputs within 1e-5 relative.
 *
 * In the `gpu` project because of webgpu; it trains on tfjs-wasm with core's training kernels,
 * about 2.5 minutes of CPU in all. DC_TRAINED_GRAPHS_CHECK (env) sets how many test images every
 * backend runs (default 100: webgpu on SwiftShader takes about 10 s per 100 ResNet-style images).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline, foldBatchNorm, type Model, type Stage } from '@dc/core';
import { loadMnist, sliceSet, type ImageDataset, type ImageSet } from '@dc/core/mnist';
import { writeFileAtomic } from '@dc/core/node';
import { withRandomParams, type TopologySpec } from '@dc/core/testing';
import { createTfjsTrainer, selectTrainingBackend } from '@dc/core/tfjs';
import { huffmanEncode } from '@dc/huffman';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeBackend } from './backend.js';
import { reestimateBatchNorms } from './batch-norm-statistics.test-support.js';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import type { LoadedModel } from './model/loaded-model.js';
import { createSession } from './session.js';
import { mobilenetStyleTopology, resnetStyleTopology } from './testing/example-topologies.js';
import { maxRelativeError, referencePredict } from './testing/reference.js';
import { createTfjsBackend } from './tfjs/index.js';
import { createWebGpuBackend, type WebGpuBackend } from './webgpu/index.js';
import { nodeGpu } from './webgpu/node-gpu.js';

/** Test images for the accuracies, and how many of them every backend runs. */
const TEST = 1000;
const CHECK = Number(process.env.DC_TRAINED_GRAPHS_CHECK ?? 100);

const gpu = await nodeGpu();
let webgpu: WebGpuBackend | undefined;
let dir = '';
let mnist: ImageDataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dc-trained-graphs-'));
  mnist = await loadMnist();
});
afterAll(async () => {
  webgpu?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Keras's starting batch norms (gamma 1, beta 0, mean 0, variance 1); kernels and biases from `withRandomParams`. */
function untrained(spec: TopologySpec, seed: number): Model {
  const start = { gamma: 1, beta: 0, movingMean: 0, movingVariance: 1 } as const;
  const model = withRandomParams(spec, seed);
  const reset = (param: string, values: Float32Array) => new Float32Array(values.length).fill(start[param as keyof typeof start]);
  return {
    ...model,
    layers: model.layers.map((l) =>
      l.config.kind === 'batchNorm' ? { ...l, params: Object.fromEntries(Object.entries(l.params).map(([p, t]) => [p, { shape: t.shape, values: reset(p, t.values) }])) } : l,
    ),
  };
}

function argmax(out: Float32Array, classes: number): Uint8Array {
  const best = new Uint8Array(out.length / classes);
  for (let s = 0; s < best.length; s++) for (let j = 1; j < classes; j++) if (out[s * classes + j] > out[s * classes + best[s]]) best[s] = j;
  return best;
}

const accuracy = (classes: Uint8Array, labels: Uint8Array) => classes.reduce((hits, c, i) => hits + (c === labels[i] ? 1 : 0), 0) / classes.length;

interface Example {
  readonly topology: () => TopologySpec;
  /** Training images (the first of the training set), one epoch. */
  readonly train: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Epochs of centroid fine-tuning (on 1,000 images; none for the ResNet-style model, whose epoch costs 3× the MobileNet-style one's). */
  readonly clusterEpochs: number;
  /** Fold the batch norms in the pipeline (as `dc compress` does), or leave them in the file for the runtime to fold. */
  readonly fold: boolean;
  /**
   * Lower bounds of the test accuracy before and after compression (measured 0.872 / 0.872 and
   * 0.904 / 0.903). Both fine-tune the centroids one epoch: the ResNet-style model clustered
   * without it lost 0.8 pp in one run and 3.8 pp in another after the training kernels changed
   * the order of float sums (k-means alone depends on where training ended).
   */
  readonly baseline: number;
  readonly compressed: number;
}

const examples: readonly Example[] = [
  { topology: resnetStyleTopology, train: 4000, batchSize: 16, learningRate: 5e-3, clusterEpochs: 1, fold: true, baseline: 0.85, compressed: 0.83 },
  { topology: mobilenetStyleTopology, train: 4000, batchSize: 32, learningRate: 5e-3, clusterEpochs: 1, fold: false, baseline: 0.9, compressed: 0.86 },
];

/** What one example's training and compression produced, for the tests that check it. */
interface Compressed {
  readonly baselineAccuracy: number;
  readonly compressedAccuracy: number;
  /** The in-memory compressed model (the pipeline's output, a dense IR model). */
  readonly model: Model;
  readonly bytes: Uint8Array;
}

/** Trains `ex` on tfjs-wasm (core's training kernels), then prune + retrain → (fold) → cluster (+ fine-tune) → Huffman. */
async function trainAndCompress(ex: Example, test: ImageSet, log: (m: string) => void): Promise<Compressed> {
  const selected = await selectTrainingBackend({ prefer: ['wasm'], replaceSlowWasmKernels: true });
  expect(selected.backend).toBe('wasm');
  try {
    const trainer = createTfjsTrainer({ tf: selected.tf, train: sliceSet(mnist.train, ex.train), validation: test, batchSize: ex.batchSize, seed: 1 });
    const { model: trained } = await trainer.fineTune(untrained(ex.topology(), 7), { epochs: 1, learningRate: ex.learningRate });
    const baseline = reestimateBatchNorms(selected.tf, trained, mnist.train.images, 500);
    log('trained');
    // Retraining after pruning and centroid fine-tuning on the first 1,000 training images, keeping the estimated batch-norm statistics.
    const tuner = createTfjsTrainer({ tf: selected.tf, train: sliceSet(mnist.train, 1000), validation: test, batchSize: 32, seed: 2, batchNorm: 'frozen' });
    const stages: Stage[] = [pruneLowMagnitude({ sparsity: 0.5, retrain: { epochs: 1, learningRate: 1e-3 } }) as Stage];
    if (ex.fold) stages.push(foldBatchNorm() as Stage);
    stages.push(clusterWeights({ bits: 5, epochs: ex.clusterEpochs, learningRate: 1e-4 }) as Stage, huffmanEncode() as Stage);
    const { report, model, artifacts } = await createPipeline().useAll(stages).run(baseline, { trainer: tuner, seed: 1 });
    log(`pipeline: baseline ${report.baselineAccuracy}, ${JSON.stringify(report.stages.map((s) => [s.name, s.accuracy, Math.round(s.seconds)]))}`);
    return { baselineAccuracy: report.baselineAccuracy!, compressedAccuracy: report.stages.at(-1)!.accuracy!, model, bytes: artifacts['encode/file']!.bytes };
  } finally {
    selected.restore();
  }
}

const backends: readonly { name: string; skip?: string; create: () => Promise<RuntimeBackend> | RuntimeBackend }[] = [
  { name: 'cpu', create: () => createCpuBackend() },
  { name: 'cpu, 2 threads', create: () => createCpuBackend({ threads: 2, threadSplit: 'always' }) },
  { name: 'tfjs-wasm', create: () => createTfjsBackend({ tf, tfBackend: 'wasm' }) },
  { name: 'webgpu in Node (Dawn)', skip: gpu.reason, create: async () => (webgpu ??= await createWebGpuBackend({ gpu: gpu.gpu })) },
];

for (const ex of examples) {
  const name = ex.topology().name;
  describe(`${name}, trained on ${ex.train} MNIST images: pruned, ${ex.fold ? 'batch norms folded, ' : ''}clustered, Huffman-coded, written, run by every backend`, () => {
    const t0 = performance.now();
    const log = (m: string) => console.log(`[${name}] ${((performance.now() - t0) / 1000).toFixed(1)} s: ${m}`);
    let run: Compressed & { loaded: LoadedModel; x: Float32Array; n: number; reference: Float32Array; expected: Uint8Array; labels: Uint8Array };

    beforeAll(async () => {
      const test = sliceSet(mnist.test, TEST);
      const c = await trainAndCompress(ex, test, log);
      const path = join(dir, `${name}.dcm`);
      await writeFileAtomic(path, c.bytes);
      const loaded = await loadCompressedModel(path);
      const n = Math.min(CHECK, TEST);
      const x = test.images.subarray(0, n * loaded.inputSize);
      const reference = await referencePredict(tf, c.model, x, n);
      run = { ...c, loaded, x, n, reference, expected: argmax(reference, loaded.outputSize), labels: test.labels.subarray(0, n) };
      log(`file ${c.bytes.length} bytes; reference accuracy ${accuracy(run.expected, run.labels)} on ${n}`);
    }, 900_000);

    it(`test accuracy on ${TEST} images: at least ${ex.baseline} trained, ${ex.compressed} compressed`, () => {
      expect(run.baselineAccuracy).toBeGreaterThanOrEqual(ex.baseline);
      expect(run.compressedAccuracy).toBeGreaterThanOrEqual(ex.compressed);
    });

    it(`the file ${ex.fold ? 'holds no batch norm (folded)' : 'keeps the batch norms (the runtime folds them)'}`, () => {
      expect(run.loaded.compressed.layers.some((l) => l.config.kind === 'batchNorm')).toBe(!ex.fold);
    });

    for (const b of backends) {
      it.skipIf(b.skip !== undefined)(`${b.name}: the file predicts the in-memory model's classes, outputs within 1e-5${b.skip ? ` (skipped: ${b.skip})` : ''}`, async () => {
        const session = await createSession(run.loaded, { backend: await b.create() });
        try {
          const out = await session.predict(run.x, run.n);
          const error = maxRelativeError(out, run.reference, run.n);
          log(`${b.name}: max relative error ${error.toExponential(2)}`);
          expect(argmax(out, run.loaded.outputSize)).toEqual(run.expected);
          expect(error).toBeLessThanOrEqual(1e-5);
        } finally {
          session.dispose();
        }
      });
    }
  });
}
