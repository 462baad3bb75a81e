import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import type { ImageSet } from '../mnist/dataset.js';
import { createRandom } from '../random.js';
import type { EpochResult, Evaluation, FineTuneOptions, OptimizerName, TrainingService } from '../training/index.js';
import { augmentationFor, type ImageAugmentation } from './augment.js';
import type { BatchNormMode } from './batch-norm-mode.js';
import { crossEntropy, makeBatch } from './batches.js';
import { refuseUnsupportedLoss, type CompileConfig, type LossName, type MetricName } from './compile-config.js';
import { toLayersModel } from './convert-to.js';
import { startGradientWorkers, type GradientWorkers } from './data-parallel/gradient-workers.js';
import { trainingThreads } from './data-parallel/training-threads.js';
import { checkFineTuneOptions, checkTrainerOptions } from './trainer-options.js';
import { firstNonFiniteVariable, trainingDiverged } from './divergence.js';
import { lossPerExample, metricPerExample, resolveObjective, type Objective } from './objective.js';
import { batchSource, splitValidation, type TrainingData } from './training-data.js';
import { trainingLayersModel } from './training-model.js';
import { irKeyOf, stackedView, variablesByKey } from './variables.js';
import { createAdamOptimizer } from './wasm-kernels/fused-adam.js';
import { readLayerWeights } from './weight-names.js';

/** Options of {@link createTfjsTrainer}. */
export interface TfjsTrainerOptions {
  /** The tfjs namespace, with its backend already set (see `selectTrainingBackend`). */
  tf: typeof tf;
  /** Training data: `{ xs, ys }` tensors, a `tf.data.Dataset` of batches, an (async) iterable of batches or a function returning one per epoch, or an `ImageSet`. */
  train: TrainingData;
  /** Held-out data for `evaluate` (the per-stage accuracy); same forms as `train`. */
  validation?: TrainingData;
  /** The last fraction of `train` (tensors or an ImageSet) held out for `evaluate`, as Keras's `validationSplit`. */
  validationSplit?: number;
  /** @deprecated The same as {@link TfjsTrainerOptions.validation}. */
  evaluation?: TrainingData;
  /**
   * What `model.compile` said: `loadModel()` returns it as `compile`. `loss`, `fromLogits` and
   * `metrics` given here override it; its `huberDelta` sets `huber`'s delta; a loss it names that
   * the trainer lacks (`unsupportedLoss`) is refused unless `loss` is given.
   */
  compile?: CompileConfig;
  /** The loss. Default: `compile.loss`; for an `ImageSet`, `sparseCategoricalCrossentropy`; else required. */
  loss?: LossName;
  /**
   * Whether the model outputs logits. Default: `compile.fromLogits`, else decided by the head — a
   * softmax/sigmoid head outputs probabilities; a linear head needs `true` said explicitly. A
   * cross-entropy loss that disagrees with the head is `LOSS_HEAD_MISMATCH`, never a guess.
   */
  fromLogits?: boolean;
  /** Metrics `evaluate` reports in `metrics` besides accuracy and loss. Default: `compile.metrics`. */
  metrics?: readonly MetricName[];
  /** Default 128. */
  batchSize?: number;
  /** Default `adam`. */
  optimizer?: OptimizerName;
  /** Seed of the shuffling order; default 0. */
  seed?: number;
  /** Number of classes; checked against the model's output width (which is the default). */
  classes?: number;
  /**
   * Batch normalisation while fine-tuning: `update` (default) normalises with batch statistics
   * and updates the moving mean and variance, as Keras's training mode; `frozen` uses and keeps
   * the moving statistics (gamma and beta still train unless listed in `frozen`).
   */
  batchNorm?: BatchNormMode;
  /**
   * Threads per training step (default 1). With more, each fine-tuning run starts `threads − 1`
   * worker threads with their own copy of the model, and every batch is shared among them by
   * rows (data-parallel; the gradients are summed, the optimizer and the hooks run here as
   * before). `'auto'`: one per CPU core where each step gives every weight enough work to pay
   * for the exchange (batch size × the model's weight reuse ≥ 170: convnets such as LeNet-5), else
   * 1 (dense networks such as LeNet-300-100 train slower on more threads). Node only, and only
   * on the `wasm` and `cpu` tfjs backends (tfjs-node already uses every core); elsewhere it is 1. Results agree with one thread to
   * float32 rounding (the gradients add up in another order), not bit for bit: for figures that
   * must not depend on the machine, keep 1.
   */
  threads?: number | 'auto';
  /**
   * Data augmentation of the training images (an `ImageSet`, or `{ xs, ys }` tensors with xs
   * `[n, height, width]` or `[n, height, width, channels]`), e.g. `{ translate: 2 }`: each
   * image shifted by a random integer offset in [-2, 2] on each axis every time it is drawn, zero
   * fill. Drawn from the trainer's seed (the same seed gives the same batches), applied as batches
   * are assembled (data-parallel workers get the augmented rows), never to `validation` or
   * `evaluate`. Bad values and other data forms are `INVALID_OPTION`.
   */
  augment?: ImageAugmentation;
}

const EVAL_BATCH = 500;

function isImageSet(d: unknown): d is ImageSet {
  return typeof d === 'object' && d !== null && 'images' in d && 'labels' in d;
}

/**
 * A {@link TrainingService} on TensorFlow.js that trains on the user's data with the user's loss.
 * Each step runs `optimizer.computeGradients` of the mean loss, passes the gradients through
 * `transformGradients`, applies them with `optimizer.applyGradients`, then calls
 * `constrainWeights` with the variables, so hooks see and shape every single step. Options are
 * checked when the trainer is made and each fine-tune starts (`INVALID_OPTION`: unknown keys, wrong
 * types and ranges; `trainer-options.ts`). Data are checked
 * against the model (`DATA_MISMATCH`: input shape, label layout and range) before the first step.
 */
export function createTfjsTrainer(options: TfjsTrainerOptions): TrainingService {
  checkTrainerOptions(options);
  const { tf: tfjs } = options;
  let train = options.train;
  let validation = options.validation ?? options.evaluation;
  if (options.validationSplit !== undefined) {
    if (validation) throw new DcError('INVALID_OPTION', 'give validation or validationSplit, not both', { option: 'validationSplit' });
    ({ train, validation } = splitValidation(train, options.validationSplit));
  }
  if (!validation) {
    throw new DcError('INVALID_OPTION', 'the trainer needs held-out data for evaluate(): pass validation or validationSplit', { option: 'validation' });
  }
  const heldOut = validation;
  const augment = options.augment === undefined ? undefined : augmentationFor(options.augment, train);
  if (options.loss === undefined) refuseUnsupportedLoss(options.compile, 'Pass loss to createTfjsTrainer (one of those), or compile the model with one and save it again.');
  const loss = options.loss ?? options.compile?.loss ?? (isImageSet(train) ? 'sparseCategoricalCrossentropy' : undefined);
  const objectiveOf = (model: Model): Objective => {
    const o = resolveObjective(model, { loss, huberDelta: options.compile?.huberDelta, fromLogits: options.fromLogits ?? options.compile?.fromLogits, metrics: options.metrics ?? options.compile?.metrics });
    if (options.classes !== undefined && options.classes !== o.classes) {
      throw new DcError('DATA_MISMATCH', `classes is ${options.classes}, but model "${model.name}" has ${o.classes} outputs`, { option: 'classes' });
    }
    return o;
  };
  const root = createRandom(options.seed ?? 0);
  let runs = 0;

  async function fineTune(model: Model, ft: FineTuneOptions) {
    checkFineTuneOptions(ft);
    const objective = objectiveOf(model);
    const source = batchSource(tfjs, train, model.inputShape, objective, 'training data', augment);
    const lm = trainingLayersModel(tfjs, model, options.batchNorm ?? 'update');
    let optimizer: tf.Optimizer | undefined;
    let workers: GradientWorkers | undefined;
    let view: ReturnType<typeof stackedView> | undefined;
    try {
      const vars = variablesByKey(lm);
      // The hooks see parameters as the IR holds them (a Bidirectional layer's passes stacked).
      view = stackedView(tfjs, vars);
      const hooks = view;
      const frozen = new Set(ft.frozen ?? []);
      const trainable = Object.entries(vars).filter(([key]) => !frozen.has(irKeyOf(key)));
      const nameToKey = new Map(trainable.map(([key, v]) => [v.name, key]));
      const opt = (optimizer = makeOptimizer(tfjs, ft.optimizer ?? options.optimizer ?? 'adam', ft.learningRate));
      const batchSize = ft.batchSize ?? options.batchSize ?? 128;
      let batches = source.examples === undefined ? undefined : Math.ceil(source.examples / batchSize);
      const random = root.fork(`fineTune:${runs++}`);
      const threads = await trainingThreads(tfjs, options.threads ?? 1, { model, batchSize });
      const trainableVars = trainable.map(([, v]) => v);
      // The mean loss of some rows, times their share of the batch (data-parallel: shares add up to 1).
      const gradientsOf = (xs: tf.Tensor, ys: tf.Tensor, share: number) =>
        opt.computeGradients(() => {
          const mean = tfjs.mean(lossPerExample(tfjs, objective, lm.apply(xs, { training: true }) as tf.Tensor, ys)) as tf.Scalar;
          return share === 1 ? mean : (tfjs.mul(mean, share) as tf.Scalar);
        }, trainableVars);
      const epochs: EpochResult[] = [];
      for (let epoch = 0; epoch < ft.epochs; epoch++) {
        const t0 = performance.now();
        let lossSum = 0;
        let b = 0;
        for await (const { xs, ys } of source.epoch(batchSize, random)) {
          try {
            if (ft.signal?.aborted) throw new DcError('ABORTED', `training aborted in epoch ${epoch + 1}`, { cause: ft.signal.reason });
            if (threads > 1 && !workers) {
              const batchNorm = options.batchNorm ?? 'update';
              workers = await startGradientWorkers({ tf: tfjs, model, objective, batchNorm, vars, trainable: trainable.map(([key]) => key), xs, ys, batchSize, workers: threads - 1 });
            }
            const value = tfjs.tidy(() => {
              const { value: total, grads } = workers ? workers.computeGradients(xs, ys, gradientsOf) : gradientsOf(xs, ys, 1);
              let byKey: Record<string, tf.Tensor> = {};
              for (const [name, g] of Object.entries(grads)) byKey[nameToKey.get(name)!] = g;
              if (ft.transformGradients) byKey = hooks.split(ft.transformGradients(hooks.join(byKey), tfjs));
              opt.applyGradients(Object.fromEntries(Object.entries(byKey).map(([key, g]) => [vars[key].name, g])));
              if (ft.constrainWeights) {
                hooks.pull();
                ft.constrainWeights(hooks.vars, tfjs);
                hooks.push();
              }
              return total.dataSync()[0];
            });
            lossSum += value;
            b++;
            ft.onProgress?.({ epoch: epoch + 1, epochs: ft.epochs, batch: b, batches: batches ?? b, loss: value });
          } finally {
            tfjs.dispose([xs, ys]);
          }
        }
        batches = b;
        const diverged = firstNonFiniteVariable(tfjs, trainable);
        if (diverged !== undefined) throw trainingDiverged(epoch + 1, irKeyOf(diverged), ft.learningRate);
        const result = { epoch: epoch + 1, loss: lossSum / b, seconds: (performance.now() - t0) / 1000 };
        epochs.push(result);
        ft.onEpochEnd?.(result);
      }
      return { model: readLayerWeights(lm, model), epochs };
    } finally {
      workers?.dispose();
      view?.dispose();
      optimizer?.dispose();
      lm.dispose();
    }
  }

  async function evaluate(model: Model): Promise<Evaluation> {
    const objective = objectiveOf(model);
    const source = batchSource(tfjs, heldOut, model.inputShape, objective, 'validation data');
    const lm = toLayersModel(model, tfjs);
    const names = objective.metrics;
    try {
      let examples = 0;
      let lossSum = 0;
      let correct = 0;
      const sums = names.map(() => 0);
      for await (const { xs, ys } of source.epoch(EVAL_BATCH)) {
        try {
          const values = tfjs.tidy(() => {
            const out = lm.predict(xs) as tf.Tensor;
            const parts = [lossPerExample(tfjs, objective, out, ys), metricPerExample(tfjs, objective, 'accuracy', out, ys), ...names.map((m) => metricPerExample(tfjs, objective, m, out, ys))];
            return Array.from(tfjs.stack(parts.map((p) => tfjs.sum(p))).dataSync());
          });
          lossSum += values[0];
          correct += values[1];
          names.forEach((_, i) => (sums[i] += values[2 + i]));
          examples += xs.shape[0];
        } finally {
          tfjs.dispose([xs, ys]);
        }
      }
      const metrics = Object.fromEntries(names.map((m, i) => [m, sums[i] / examples]));
      return { accuracy: correct / examples, loss: lossSum / examples, examples, ...(names.length > 0 ? { metrics } : {}) };
    } finally {
      lm.dispose();
    }
  }

  return { backend: tfjs.getBackend(), fineTune, evaluate };
}

/**
 * Accuracy and mean cross-entropy of a tfjs model with a softmax head on a labelled image set, in
 * batches of 1,000. (The trainer's `evaluate` handles any head and loss; this is for tfjs models
 * at hand.)
 */
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
      // Fused into one kernel per variable where the backend has it (wasm with our kernels).
      return createAdamOptimizer(tfjs, lr);
  }
}
