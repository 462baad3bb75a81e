/**
 * Trains an example network on Fashion-MNIST as a tfjs user does (`model.compile` + `model.fit`,
 * Adam, sparse categorical cross-entropy) on the fastest backend that loads (tfjs-wasm here, with
 * the project's training kernels), then saves it as `model.json` + `weights.bin` with
 * @dc/core/tfjs's `fileHandler`.
 */
import { join } from 'node:path';
import type { Scalar } from '@tensorflow/tfjs';
import { createRandom } from '@dc/core';
import { loadMnist, sliceSet, type ImageSet } from '@dc/core/mnist';
import { fileHandler, selectTrainingBackend, shuffledIndices } from '@dc/core/tfjs';
import { buildExample, type ExampleName } from './models.js';

/** Options of {@link trainExample}. */
export interface TrainExampleOptions {
  readonly model: ExampleName;
  /** Folder of Fashion-MNIST's IDX files (gzipped accepted). */
  readonly dataDir: string;
  /** Folder the model.json and weights.bin are written to. */
  readonly outDir: string;
  readonly epochs: number;
  readonly learningRate: number;
  /** Epochs at a tenth of the learning rate after `epochs`. */
  readonly polishEpochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** The last N training images, held out for the per-epoch validation accuracy. */
  readonly validation: number;
  /** Train on the first N training images only (before the validation hold-out). */
  readonly trainLimit?: number;
  /** Measure on the first N test images only (default: all 10,000). */
  readonly testLimit?: number;
  readonly log?: (line: string) => void;
}

/** What {@link trainExample} measured. */
export interface TrainExampleResult {
  readonly modelJson: string;
  readonly parameters: number;
  readonly trainImages: number;
  readonly validationAccuracy: number;
  /** Test error in percent, on `testImages` test images, by tfjs on the trained model (`model.evaluate`). */
  readonly testError: number;
  readonly testImages: number;
  readonly trainingBackend: string;
}

/** Trains the example `options.model` and saves it; see the module comment. */
export async function trainExample(o: TrainExampleOptions): Promise<TrainExampleResult> {
  const log = o.log ?? (() => {});
  const { tf, backend } = await selectTrainingBackend({ replaceSlowWasmKernels: true });
  log(`training backend: ${backend}`);
  const data = await loadMnist({ dir: o.dataDir });
  const all = o.trainLimit ? sliceSet(data.train, o.trainLimit) : data.train;
  const testSet = o.testLimit ? sliceSet(data.test, o.testLimit) : data.test;
  const px = all.height * all.width;
  const part = (from: number, to: number): ImageSet => ({ ...all, count: to - from, images: all.images.subarray(from * px, to * px), labels: all.labels.subarray(from, to) });
  const train = part(0, all.count - o.validation);
  const validation = part(all.count - o.validation, all.count);

  const tensors = (set: ImageSet) =>
    // ImageSet pixels are already scaled to [0, 1] (the raw bytes × 1/255 that dc compress records).
    ({ xs: tf.tensor4d(set.images, [set.count, 28, 28, 1], 'float32'), ys: tf.tensor1d(Float32Array.from(set.labels)) });
  const [t, v, test] = [tensors(train), tensors(validation), tensors(testSet)];
  const lm = buildExample(tf, o.model, o.seed);
  // tfjs's `fit` shuffles with Math.random, which no seed reaches: each epoch is fitted alone on a
  // copy of the training set permuted from `seed`, so a run is the same on every machine.
  const random = createRandom(o.seed).fork('epoch order');
  let validationAccuracy = 0;
  for (const [epochs, learningRate] of [[o.epochs, o.learningRate], [o.polishEpochs, o.learningRate / 10]] as const) {
    if (epochs === 0) continue;
    lm.compile({ optimizer: tf.train.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = tf.tensor1d(Int32Array.from(shuffledIndices(train.count, random)), 'int32');
      const [xs, ys] = [tf.gather(t.xs, order), tf.gather(t.ys, order)];
      const history = await lm.fit(xs, ys, { epochs: 1, batchSize: o.batchSize, shuffle: false, validationData: [v.xs, v.ys], verbose: 0 });
      tf.dispose([order, xs, ys]);
      const loss = history.history.loss[0] as number;
      validationAccuracy = history.history.val_acc[0] as number;
      log(`epoch ${epoch + 1}/${epochs} at lr ${learningRate}: loss ${loss.toFixed(4)}, validation accuracy ${(100 * validationAccuracy).toFixed(2)}%`);
    }
  }
  const [, accuracy] = (lm.evaluate(test.xs, test.ys, { batchSize: 500 }) as Scalar[]).map((x) => x.dataSync()[0]);
  await lm.save(fileHandler(o.outDir));
  const parameters = lm.countParams();
  tf.dispose([t, v, test]);
  lm.dispose();
  const testError = (Math.round((1 - accuracy) * testSet.count) / testSet.count) * 100;
  return {
    modelJson: join(o.outDir, 'model.json'),
    parameters,
    trainImages: train.count,
    validationAccuracy,
    testError,
    testImages: testSet.count,
    trainingBackend: backend,
  };
}
