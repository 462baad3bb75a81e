/**
 * The training objective: which loss, on probabilities or on logits, and how labels look — decided
 * once from the options, the compile config and the model's head, with a `LOSS_HEAD_MISMATCH`
 * error instead of a silent guess. Losses and metrics are tfjs's own functions.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { checkGraph } from '../ops/check-graph.js';
import { LOSS_NAMES, type LossName, type MetricName } from './compile-config.js';
import { headOf } from './head.js';

/**
 * How labels are given: class indices (integers `[b]`, or `[b, ...positions]` for an output
 * `[...positions, classes]`: a tagger's tokens, a segmenter's pixels) or rows as wide as the output.
 */
export type LabelFormat = 'index' | 'dense';

/** A resolved objective. */
export interface Objective {
  readonly loss: LossName;
  /** `huber`'s delta: where the loss turns from quadratic to linear (1 unless said). */
  readonly huberDelta: number;
  /** True when the loss applies softmax/sigmoid itself (the head emits logits). */
  readonly fromLogits: boolean;
  readonly labels: LabelFormat;
  /** The model's output shape without the batch axis. */
  readonly outputShape: readonly number[];
  /** Width of the output's last axis (classes for classifiers). */
  readonly classes: number;
  /** The accuracy flavour `accuracy` means for this loss and output. */
  readonly accuracy: Exclude<MetricName, 'accuracy' | 'meanSquaredError' | 'meanAbsoluteError'>;
  /** Metrics reported besides loss and accuracy. */
  readonly metrics: readonly MetricName[];
}

/** What {@link resolveObjective} reads. */
export interface ObjectiveOptions {
  readonly loss?: LossName;
  /** `huber`'s delta (default 1, Keras'). */
  readonly huberDelta?: number;
  readonly fromLogits?: boolean;
  readonly metrics?: readonly MetricName[];
}

const CROSS_ENTROPY = new Set<LossName>(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy']);

/**
 * Decides the objective for `model`. Cross-entropy losses need the head to agree: a softmax or
 * sigmoid head outputs probabilities, so `fromLogits: true` is refused (softmax twice); a linear
 * head outputs logits, so it needs `fromLogits: true` said explicitly; any other head needs
 * `fromLogits` said either way. Regression losses take any head.
 */
export function resolveObjective(model: Model, options: ObjectiveOptions): Objective {
  const loss = options.loss;
  if (!loss || !LOSS_NAMES.includes(loss)) {
    throw new DcError('INVALID_OPTION', `loss ${loss === undefined ? 'is not given' : `"${String(loss)}" is not supported`} (supported: ${LOSS_NAMES.join(', ')})`, {
      option: 'loss',
      hint: 'Pass loss (as in model.compile), or load the model with loadModel() from a model.json saved after compile.',
    });
  }
  const outputShape = checkGraph(model, 'INVALID_MODEL').outputShape;
  const classes = outputShape[outputShape.length - 1] ?? 1;
  const head = headOf(model);
  let fromLogits = options.fromLogits ?? false;
  if (CROSS_ENTROPY.has(loss)) {
    const probabilities = loss === 'binaryCrossentropy' ? head.kind === 'sigmoid' : head.kind === 'softmax';
    const mismatch = (why: string, hint: string): never => {
      throw new DcError('LOSS_HEAD_MISMATCH', `model "${model.name}": ${loss} ${why} (its output node "${head.node}" has activation ${head.activation ?? `none (${head.kind})`})`, { tensor: head.node, option: 'fromLogits', hint });
    };
    if (probabilities && options.fromLogits === true) {
      mismatch('from logits would apply the head\'s activation a second time', `The head already outputs probabilities: drop fromLogits (or set it to false), or make the last layer linear.`);
    } else if (head.kind === 'linear' && options.fromLogits !== true) {
      mismatch(
        options.fromLogits === false ? 'on probabilities cannot train a linear head' : 'needs to know whether the outputs are logits',
        'The last layer is linear, so it outputs logits: pass fromLogits: true (Keras: from_logits=True), or give the last layer a softmax/sigmoid activation.',
      );
    } else if (!probabilities && head.kind !== 'linear' && options.fromLogits === undefined) {
      const wants = loss === 'binaryCrossentropy' ? 'sigmoid' : 'softmax';
      mismatch(`expects a ${wants} head or logits`, `Say which the model outputs: fromLogits: true for logits, false for probabilities (only if the last layer makes them).`);
    }
    fromLogits = !probabilities && (options.fromLogits ?? false);
  }
  const labels: LabelFormat = loss === 'sparseCategoricalCrossentropy' ? 'index' : 'dense';
  const accuracy =
    loss === 'sparseCategoricalCrossentropy' ? 'sparseCategoricalAccuracy' : loss === 'binaryCrossentropy' || (classes === 1 && !CROSS_ENTROPY.has(loss)) ? 'binaryAccuracy' : 'categoricalAccuracy';
  const huberDelta = options.huberDelta ?? 1;
  if (!(huberDelta > 0 && Number.isFinite(huberDelta))) throw new DcError('INVALID_OPTION', `huberDelta must be a positive number, got ${huberDelta}`, { option: 'huberDelta' });
  return { loss, huberDelta, fromLogits, labels, outputShape, classes, accuracy, metrics: options.metrics ?? [] };
}

/** Whether labels of `rank` axes (without the batch axis) are class indices for `categoricalHinge`, which otherwise takes one-hot rows. */
export function takesIndices(o: Objective, rank: number): boolean {
  return o.loss === 'categoricalHinge' && o.classes > 1 && rank === o.outputShape.length - 1;
}

/** Mean over every axis but the batch axis: `[b, ...]` → `[b]`. */
function perSample(tfjs: typeof tf, t: tf.Tensor): tf.Tensor1D {
  return (t.rank <= 1 ? t : tfjs.mean(t, Array.from({ length: t.rank - 1 }, (_, i) => i + 1))) as tf.Tensor1D;
}

/**
 * Labels as the output's layout: one-hot rows for index labels (one per position of a tagger or
 * segmenter; also `categoricalHinge`'s given as class indices, without the output's class axis),
 * else as given (reshaped to the output).
 */
function denseLabels(tfjs: typeof tf, o: Objective, y: tf.Tensor, out: tf.Tensor): tf.Tensor {
  if (o.labels === 'index' || takesIndices(o, y.rank - 1)) return tfjs.reshape(tfjs.oneHot(tfjs.cast(tfjs.reshape(y, [-1]), 'int32'), o.classes), out.shape);
  return y.shape.length === out.shape.length ? y : tfjs.reshape(y, out.shape);
}

/** Per-example loss `[b]` of outputs `out` against labels `y`. */
export function lossPerExample(tfjs: typeof tf, o: Objective, out: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  const t = denseLabels(tfjs, o, y, out);
  const none = tfjs.Reduction.NONE;
  switch (o.loss) {
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy':
      return perSample(tfjs, o.fromLogits ? tfjs.losses.softmaxCrossEntropy(t, out, undefined, 0, none) : tfjs.metrics.categoricalCrossentropy(t, out));
    case 'binaryCrossentropy':
      return perSample(tfjs, o.fromLogits ? tfjs.losses.sigmoidCrossEntropy(t, out, undefined, 0, none) : tfjs.metrics.binaryCrossentropy(t, out));
    case 'meanSquaredError':
      return perSample(tfjs, tfjs.metrics.meanSquaredError(t, out));
    case 'meanAbsoluteError':
      return perSample(tfjs, tfjs.metrics.meanAbsoluteError(t, out));
    default:
      return perSample(tfjs, regressionLoss(tfjs, o, t, out));
  }
}

/** tfjs-layers' fuzz factor (`epsilon()`), which its losses clip by. */
const EPSILON = 1e-7;

/**
 * Keras' labels for `hinge` and `squaredHinge`: a batch whose labels are all 0 or 1 is taken as
 * 0 → −1 and 1 → 1; any other batch (−1/1 labels) as given. tfjs-layers uses them as given, so a
 * model trained there on −1/1 labels trains the same, and one trained by Keras on 0/1 labels too.
 */
function signedLabels(tfjs: typeof tf, t: tf.Tensor): tf.Tensor {
  const binary = tfjs.cast(tfjs.all(tfjs.logicalOr(tfjs.equal(t, 0), tfjs.equal(t, 1))), 'float32');
  // binary ? 2t − 1 : t
  return tfjs.add(t, tfjs.mul(binary, tfjs.sub(t, 1)));
}

/**
 * The other losses of float targets, per element or per row of the last axis, with tfjs-layers'
 * formulas and clipping (Keras' for `huber`, which tfjs-layers lacks: tfjs-core's `huberLoss`).
 */
function regressionLoss(tfjs: typeof tf, o: Objective, t: tf.Tensor, out: tf.Tensor): tf.Tensor {
  switch (o.loss) {
    case 'huber':
      return tfjs.losses.huberLoss(t, out, undefined, o.huberDelta, tfjs.Reduction.NONE);
    case 'logcosh': {
      // log(cosh(d)) = d + softplus(−2d) − log 2, which overflows nowhere.
      const d = tfjs.sub(out, t);
      return tfjs.sub(tfjs.add(d, tfjs.softplus(tfjs.mul(-2, d))), Math.log(2));
    }
    case 'meanAbsolutePercentageError':
      return tfjs.mul(100, tfjs.abs(tfjs.div(tfjs.sub(t, out), tfjs.clipByValue(tfjs.abs(t), EPSILON, Number.MAX_VALUE))));
    case 'meanSquaredLogarithmicError': {
      const log1p = (x: tf.Tensor) => tfjs.log(tfjs.add(1, tfjs.clipByValue(x, EPSILON, Number.MAX_VALUE)));
      return tfjs.square(tfjs.sub(log1p(out), log1p(t)));
    }
    case 'poisson':
      return tfjs.sub(out, tfjs.mul(t, tfjs.log(tfjs.add(EPSILON, out))));
    case 'kullbackLeiblerDivergence':
      return tfjs.sum(tfjs.mul(t, tfjs.log(tfjs.div(tfjs.clipByValue(t, EPSILON, 1), tfjs.clipByValue(out, EPSILON, 1)))), -1);
    case 'cosineProximity': {
      const unit = (x: tf.Tensor) => tfjs.div(x, tfjs.sqrt(tfjs.maximum(tfjs.sum(tfjs.square(x), -1, true), EPSILON)));
      return tfjs.neg(tfjs.sum(tfjs.mul(unit(t), unit(out)), -1));
    }
    case 'hinge':
      return tfjs.relu(tfjs.sub(1, tfjs.mul(signedLabels(tfjs, t), out)));
    case 'squaredHinge':
      return tfjs.square(tfjs.relu(tfjs.sub(1, tfjs.mul(signedLabels(tfjs, t), out))));
    case 'categoricalHinge': {
      const right = tfjs.sum(tfjs.mul(t, out), -1);
      const bestWrong = tfjs.max(tfjs.mul(tfjs.sub(1, t), out), -1);
      return tfjs.relu(tfjs.add(1, tfjs.sub(bestWrong, right)));
    }
    default:
      throw new Error(`unreachable: ${o.loss} is computed by lossPerExample`);
  }
}

/** Per-example value `[b]` of `metric` (accuracy: 1 right, 0 wrong; binary: the share right). */
export function metricPerExample(tfjs: typeof tf, o: Objective, metric: MetricName, out: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  const t = denseLabels(tfjs, o, y, out);
  const m = metric === 'accuracy' ? o.accuracy : metric;
  switch (m) {
    case 'categoricalAccuracy':
    case 'sparseCategoricalAccuracy':
      return perSample(tfjs, tfjs.cast(tfjs.equal(tfjs.argMax(out, -1), tfjs.argMax(t, -1)), 'float32'));
    case 'binaryAccuracy': {
      // Logits and a hinge model's margins decide at 0, probabilities at 0.5; labels 1 are positive either way (−1/1 and 0/1).
      const predicted = o.fromLogits || o.loss === 'hinge' || o.loss === 'squaredHinge' ? tfjs.greater(out, 0) : tfjs.greater(out, 0.5);
      return perSample(tfjs, tfjs.cast(tfjs.equal(predicted, tfjs.greater(t, 0.5)), 'float32'));
    }
    case 'meanSquaredError':
      return perSample(tfjs, tfjs.metrics.meanSquaredError(t, out));
    case 'meanAbsoluteError':
      return perSample(tfjs, tfjs.metrics.meanAbsoluteError(t, out));
  }
}
