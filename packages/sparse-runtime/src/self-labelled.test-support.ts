/**
 * A tfjs model a user would bring, through Deep Compression on a task it can keep: labels the model
 * itself gives on seeded inputs in [-1, 1], pruned to half with a retraining epoch, batch norms
 * folded (statistics frozen while training), clustered to 5 bits with a fine-tuning epoch, Huffman-coded.
 */
import { createPipeline, foldBatchNorm, type Model, type PipelineResult, type Stage } from '@dc/core';
import { createTfjsTrainer, fromLayersModel } from '@dc/core/tfjs';
import { huffmanEncode } from '@dc/huffman';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import type * as tf from '@tensorflow/tfjs';
import { randomInput } from './testing/random-model.js';

/** What {@link compressSelfLabelled} returns: the converted model, the pipeline's result, and the inputs it was trained on. */
export interface SelfLabelled {
  readonly model: Model;
  readonly result: PipelineResult;
  /** The `n` training inputs, flat. */
  readonly x: Float32Array;
  readonly n: number;
}

/** Compresses `original` (an image model of `inputShape`) on 48 inputs drawn from `seed`, labelled by its own predictions. */
export async function compressSelfLabelled(tfjs: typeof tf, original: tf.LayersModel, inputShape: readonly [number, number, number], seed: number): Promise<SelfLabelled> {
  const model = fromLayersModel(original);
  const n = 48;
  const x = randomInput(seed, n * inputShape[0] * inputShape[1] * inputShape[2]).map((v) => 2 * v - 1);
  const xs = tfjs.tensor4d(x, [n, ...inputShape]);
  const ys = tfjs.tidy(() => tfjs.argMax(original.predict(xs) as tf.Tensor, -1).cast('int32'));
  try {
    const trainer = createTfjsTrainer({ tf: tfjs, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: 16, seed: 1, batchNorm: 'frozen' });
    const stages = [pruneLowMagnitude({ sparsity: 0.5, retrain: { epochs: 1, learningRate: 1e-3 } }), foldBatchNorm(), clusterWeights({ bits: 5, epochs: 1, learningRate: 1e-4 }), huffmanEncode()] as Stage[];
    const result = await createPipeline().useAll(stages).run(model, { trainer, seed: 1 });
    return { model, result, x, n };
  } finally {
    tfjs.dispose([xs, ys]);
  }
}
