/**
 * Keras' `Normalization` preprocessing layer — `(x − mean) / max(sqrt(variance), 1e-7)`, its mean
 * and variance adapted to the training data (`layer.adapt(x)`) — which models of tabular data
 * start with (Keras' regression tutorial) and tfjs-layers lacks. For loading, a tfjs layer of that
 * class computes it ({@link registerNormalizationLayer}); in the IR it is a `batchNorm` node with
 * `fixed` statistics and epsilon 0, its variance raised to 1e-14 where below, which computes the
 * same (`sqrt(max(v, 1e-14)) = max(sqrt(v), 1e-7)`).
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { BatchNormConfig, Layer, Tensor } from '../ir/model.js';
import { perChannelValues } from './channel-values.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras's. */
export const NORMALIZATION_CLASS_NAME = 'Normalization';

/** Keras' epsilon: a standard deviation below it divides as it. */
const EPSILON = 1e-7;

interface NormalizationArgs {
  readonly name?: string;
  readonly axis?: number | number[] | null;
  readonly mean?: number | number[] | null;
  readonly variance?: number | number[] | null;
  readonly invert?: boolean;
}

/** The axes Keras normalises per entry of (`null` and `[]`: one mean and variance for all). */
function axesOf(axis: NormalizationArgs['axis']): number[] {
  return axis === null || axis === undefined ? [] : Array.isArray(axis) ? axis : [axis];
}

const normalizationClass = perTfjs((tfjs): new (args: NormalizationArgs) => tf.layers.Layer => {
  class Normalization extends tfjs.layers.Layer {
    static className = NORMALIZATION_CLASS_NAME;
    private readonly args: NormalizationArgs;
    private stats?: { mean: tf.LayerVariable; variance: tf.LayerVariable };
    constructor(args: NormalizationArgs) {
      super(args);
      this.args = args;
    }
    override build(inputShape: tf.Shape | tf.Shape[]): void {
      // Adapted statistics are weights (mean, variance, count); given ones are in the config.
      if (this.args.mean == null) {
        const shape = axesOf(this.args.axis).length === 0 ? [] : [(inputShape as tf.Shape).at(-1)!];
        const constant = (value: number) => tfjs.initializers.constant({ value });
        this.stats = { mean: this.addWeight('mean', shape, 'float32', constant(0), undefined, false), variance: this.addWeight('variance', shape, 'float32', constant(1), undefined, false) };
        this.addWeight('count', [], 'int32', constant(0), undefined, false);
      }
      this.built = true;
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tfjs.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const mean = this.stats ? this.stats.mean.read() : tfjs.tensor(this.args.mean as number | number[]);
        const variance = this.stats ? this.stats.variance.read() : tfjs.tensor(this.args.variance as number | number[]);
        const deviation = tfjs.maximum(tfjs.sqrt(variance), EPSILON);
        return this.args.invert ? tfjs.add(mean, tfjs.mul(x, deviation)) : tfjs.div(tfjs.sub(x, mean), deviation);
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { axis = -1, mean = null, variance = null, invert = false } = this.args;
      return { ...super.getConfig(), axis, mean, variance, invert };
    }
  }
  return Normalization as unknown as new (args: NormalizationArgs) => tf.layers.Layer;
});

/** Registers `Normalization` with tfjs's serialisation, so `tf.loadLayersModel` can read models that start with it. */
export function registerNormalizationLayer(tfjs: typeof tf): void {
  registerClasses(tfjs, normalizationClass(tfjs));
}

function refuse(name: string, why: string): never {
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (Normalization): ${why}`, {
    tensor: name,
    hint: 'Normalise over the last axis (Keras\' default, axis=-1) or over everything (axis=None); de-normalise targets (invert=True) outside the model.',
  });
}

/** `values` (one, or one per channel) as `channels` values; `UNSUPPORTED_LAYER` for another count. */
function perChannel(name: string, what: string, values: ArrayLike<number>, channels: number): Float32Array {
  return perChannelValues(values, channels) ?? refuse(name, `${what} has ${values.length} values for ${channels} channels`);
}

/**
 * The node config of a `Normalization` layer named `name` (its tfjs `config`): `UNSUPPORTED_LAYER`
 * for `invert`, for several axes and for one counted from the end other than the last;
 * {@link normalizationNode} checks an axis counted from the front against the input's rank.
 */
export function normalizationConfig(name: string, config: Record<string, unknown>): BatchNormConfig {
  if (config.invert === true) refuse(name, 'invert (de-normalisation) is not supported');
  const axes = axesOf(config.axis as NormalizationArgs['axis']);
  if (axes.length > 1 || (axes.length === 1 && (axes[0] === 0 || axes[0] < -1))) refuse(name, `axis [${axes.join(', ')}]: only the last axis, or none, is supported`);
  return { kind: 'batchNorm', epsilon: 0, center: false, scale: false, fixed: true };
}

/**
 * The `batchNorm` node of a `Normalization` layer named `name` (its tfjs `config`, its weights by
 * name, its input's shape without the batch axis): its mean and variance per last-axis channel,
 * adapted (weights `mean`, `variance`) or given in the config. `UNSUPPORTED_LAYER` where
 * {@link normalizationConfig} refuses, and for an axis from the front that is not the last.
 */
export function normalizationNode(name: string, inputs: readonly string[], config: Record<string, unknown>, weights: ReadonlyMap<string, Tensor>, input: readonly number[]): Layer {
  const node = normalizationConfig(name, config);
  const axes = axesOf(config.axis as NormalizationArgs['axis']);
  if (axes.length === 1 && axes[0] !== -1 && axes[0] !== input.length) refuse(name, `axis [${axes.join(', ')}]: only the last axis, or none, is supported`);
  const channels = input.at(-1) ?? 1;
  const given = (field: 'mean' | 'variance') => {
    const v = config[field];
    return v == null ? undefined : Array.isArray(v) ? (v as number[]).flat(Infinity as 1) : [v as number];
  };
  const mean = perChannel(name, 'mean', given('mean') ?? weights.get('mean')?.values ?? [0], channels);
  const variance = perChannel(name, 'variance', given('variance') ?? weights.get('variance')?.values ?? [1], channels);
  const floor = EPSILON * EPSILON;
  return {
    name,
    config: node,
    inputs: [...inputs],
    params: { movingMean: { shape: [channels], values: mean }, movingVariance: { shape: [channels], values: variance.map((v) => Math.max(v, floor)) } },
  };
}
