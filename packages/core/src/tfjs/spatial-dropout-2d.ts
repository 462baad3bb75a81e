/**
 * Keras' `SpatialDropout2D` — dropout of whole feature maps, common in image CNNs and U-Nets —
 * which tfjs lacks (it has the 1-D one), so such a model.json does not load in tfjs. For loading, a
 * tfjs layer of that class computes it ({@link registerSpatialDropout2d}: the identity at inference,
 * each sample's channels dropped whole in training); in the IR it is a `dropout` whose mask is
 * shared along height and width (`sharedAxes` `[1, 2]`: tfjs's `noiseShape` `[batch, 1, 1, C]`),
 * which retraining and `dc export` build as tfjs's own `Dropout`.
 */
import type * as tf from '@tensorflow/tfjs';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras'. */
export const SPATIAL_DROPOUT_2D_CLASS = 'SpatialDropout2D';

const spatialDropoutClass = perTfjs((tfjs): new (args: tf.serialization.ConfigDict) => tf.layers.Layer => {
  class SpatialDropout2D extends tfjs.layers.Layer {
    static className = SPATIAL_DROPOUT_2D_CLASS;
    private readonly rate: number;
    private readonly options: tf.serialization.ConfigDict;
    constructor(args: tf.serialization.ConfigDict) {
      super(args);
      this.options = args;
      this.rate = Number(args.rate);
    }
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      if (kwargs.training !== true || !(this.rate > 0)) return x;
      const [batch, , , channels] = x.shape;
      return tfjs.tidy(() => tfjs.dropout(x, this.rate, [batch, 1, 1, channels]));
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { rate, dataFormat = 'channelsLast', seed = null } = this.options;
      return { ...super.getConfig(), rate, dataFormat, seed };
    }
  }
  return SpatialDropout2D as unknown as new (args: tf.serialization.ConfigDict) => tf.layers.Layer;
});

/** Registers `SpatialDropout2D` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerSpatialDropout2d(tfjs: typeof tf): void {
  registerClasses(tfjs, spatialDropoutClass(tfjs));
}

/** A `SpatialDropout2D` layer (Keras'; see the module), e.g. to build in tfjs a model a Keras one mirrors. */
export function spatialDropout2d(tfjs: typeof tf, args: tf.serialization.ConfigDict): tf.layers.Layer {
  return new (spatialDropoutClass(tfjs))(args);
}
