/**
 * Keras' `UnitNormalization` — each row of the given axes divided by its L2 norm, what metric
 * learning and embedding models end with (Keras' similarity-search example) — which tfjs lacks. A
 * tfjs layer of that class computes it (`x · rsqrt(max(Σ x², 1e-12))`, TensorFlow's `l2_normalize`,
 * which Keras 2 calls; Keras 3 differs only for rows of norm below 1e-6): registered for loading
 * ({@link registerUnitNormalization}) and built for the IR's `unitNorm` node by `toLayersModel`.
 */
import type * as tf from '@tensorflow/tfjs';
import { UNIT_NORM_EPSILON } from '../ops/unit-norm.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras'. */
export const UNIT_NORMALIZATION_CLASS = 'UnitNormalization';

interface UnitNormalizationArgs {
  readonly name?: string;
  /** The axes whose rows are normalised, counted with the batch as 0 (negative: from the end); default -1. */
  readonly axis?: number | number[];
}

const unitNormalizationClass = perTfjs((tfjs): new (args: UnitNormalizationArgs) => tf.layers.Layer => {
  class UnitNormalization extends tfjs.layers.Layer {
    static className = UNIT_NORMALIZATION_CLASS;
    private readonly axis: number | number[];
    constructor(args: UnitNormalizationArgs) {
      super(args);
      this.axis = args.axis ?? -1;
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tfjs.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return tfjs.mul(x, tfjs.rsqrt(tfjs.maximum(tfjs.sum(tfjs.square(x), this.axis, true), UNIT_NORM_EPSILON)));
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), axis: this.axis };
    }
  }
  return UnitNormalization as unknown as new (args: UnitNormalizationArgs) => tf.layers.Layer;
});

/** Registers `UnitNormalization` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerUnitNormalization(tfjs: typeof tf): void {
  registerClasses(tfjs, unitNormalizationClass(tfjs));
}

/** A `UnitNormalization` layer (Keras'; see the module). */
export function unitNormalization(tfjs: typeof tf, args: UnitNormalizationArgs): tf.layers.Layer {
  return new (unitNormalizationClass(tfjs))(args);
}

