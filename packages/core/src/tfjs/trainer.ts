import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import type { ImageSet } from '../mnist/dataset.js';
import { createRandom } from '../random.js';
import type { EpochResult, Evaluation, FineTuneOptions, OptimizerName, TrainingService } from '../training/index.js';
import { crossEntropy, makeBatch, shuffledIndices } from './batches.js';
import { toLayersModel } from './convert-to.js';
import { variablesByKey } from './variables.js';
import { readLayerWeights } from './weight-names.js';

/** Options of {@link createTfjsTrainer}. */
export interface TfjsTrainerOptions {
  /** The tfjs namespace, with its backend already set (see `selectTrainingBackend`). */
  tf: typeof tf;
  /** Training examples. */
  train: ImageSet;
  /** Held-out examples for `evaluate` (the test set in the demo). */
  evaluation: ImageSet;
  /** Default 128. */
  batchSize?: number;
  /** Default `adam`. */
  optimizer?: OptimizerName;
  /** Seed of the shuffling order; default 0. */
  seed?: number;
  /** Number of classes; default 10. */
  classes?: number;
}

/**
 * A {@link TrainingService} on TensorFlow.js. Each step runs `optimizer.computeGradients`, passes
 * the gradients through `transformGradients`, applies them with `optimizer.applyGradients`, then
 * calls `constrainWeights` with the variables, so hooks see and shape every single step.
 * The model must end in a softmax (loss: categorical cross-entropy).
 */
export function createTfjsTrainer(options: TfjsTrainerOptions): TrainingService {
  const { tf: tfjs, train, evaluation } = options;
  const classes = options.classes ?? 10;
  const root = createRandom(options.seed ?? 0);
  let runs = 0;

  async function fineTune(model: Model, ft: FineTuneOptions) {
    const lm = toLayersModel(model, tfjs);
    let optimizer: tf.Optimizer | undefined;
    try {
      const vars = variablesByKey(lm);
      const frozen = new Set(ft.frozen ?? []);
      const trainable = Object.entries(vars).filter(([key]) => !frozen.has(key));
      const nameToKey = new Map(trainable.map(([key, v]) => [v.name, key]));
      const opt = (optimizer = makeOptimizer(tfjs, ft.optimizer ?? options.optimizer ?? 'adam', ft.learningRate));
      const batchSize = ft.batchSize ?? options.batchSize ?? 128;
      const batches = Math.ceil(train.count / batchSize);
      const random = root.fork(`fineTune:${runs++}`);
      const epochs: EpochResult[] = [];
      for (let epoch = 0; epoch < ft.epochs; epoch++) {
        const t0 = performance.now();
        const order = shuffledIndices(train.count, random);
        let lossSum = 0;
        for (let b = 0; b < batches; b++) {
          if (ft.signal?.aborted) throw new DcError('ABORTED', `training aborted in epoch ${epoch + 1}`, { cause: ft.signal.reason });
          const loss = tfjs.tidy(() => {
            const { x, y } = makeBatch(tfjs, train, order.subarray(b * batchSize, (b + 1) * batchSize), model.inputShape, classes);
            const { value, grads } = opt.computeGradients(
              () => crossEntropy(tfjs, lm.apply(x, { training: true }) as tf.Tensor, y),
              trainable.map(([, v]) => v),
            );
            let byKey: Record<string, tf.Tensor> = {};
            for (const [name, g] of Object.entries(grads)) byKey[nameToKey.get(name)!] = g;
            if (ft.transformGradients) byKey = ft.transformGradients(byKey, tfjs);
            opt.applyGradients(Object.fromEntries(Object.entries(byKey).map(([key, g]) => [vars[key].name, g])));
            ft.constrainWeights?.(vars, tfjs);
            return value.dataSync()[0];
          });
          lossSum += loss;
          ft.onProgress?.({ epoch: epoch + 1, epochs: ft.epochs, batch: b + 1, batches, loss });
        }
        const result = { epoch: epoch + 1, loss: lossSum / batches, seconds: (performance.now() - t0) / 1000 };
        epochs.push(result);
        ft.onEpochEnd?.(result);
      }
      return { model: readLayerWeights(lm, model), epochs };
    } finally {
      optimizer?.dispose();
      lm.dispose();
    }
  }

  async function evaluate(model: Model): Promise<Evaluation> {
    const lm = toLayersModel(model, tfjs);
    try {
      return evaluateLayersModel(tfjs, lm, evaluation, model.inputShape, classes);
    } finally {
      lm.dispose();
    }
  }

  return { backend: tfjs.getBackend(), fineTune, evaluate };
}

/** Accuracy and mean cross-entropy of a tfjs model on a labelled set, in batches of 1,000. */
export function evaluateLayersModel(tfjs: typeof tf, lm: tf.LayersModel, set: ImageSet, inputShape: readonly number[], classes = 10): Evaluation {
  let correct = 0;
  let lossSum = 0;
  const step = 1000;
  for (let start = 0; start < set.count; start += step) {
    const idx = Array.from({ length: Math.min(step, set.count - start) }, (_, i) => start + i);
    const [hits, loss] = tfjs.tidy(() => {
      const { x, y } = makeBatch(tfjs, set, idx, inputShape, classes);
      const p = lm.predict(x) as tf.Tensor;
      const hit = tfjs.sum(tfjs.cast(tfjs.equal(tfjs.argMax(p, -1), tfjs.argMax(y, -1)), 'float32'));
      return [hit.dataSync()[0], crossEntropy(tfjs, p, y).dataSync()[0] * idx.length];
    });
    correct += hits;
    lossSum += loss;
  }
  return { accuracy: correct / set.count, loss: lossSum / set.count, examples: set.count };
}

function makeOptimizer(tfjs: typeof tf, name: OptimizerName, lr: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tfjs.train.sgd(lr);
    case 'momentum':
      return tfjs.train.momentum(lr, 0.9);
    case 'adam':
      return tfjs.train.adam(lr);
  }
}
