/**
 * tfjs-layers has no `Subtract` merge layer (Keras has), so the IR's `subtract` node becomes this
 * small layer: the first input minus the second, differentiable for retraining. It is registered
 * for (de)serialisation only when a caller asks ({@link registerSubtractLayer}), never at import.
 */
import type * as tf from '@tensorflow/tfjs';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras's. */
export const SUBTRACT_CLASS_NAME = 'Subtract';

const subtractClass = perTfjs((tfjs): typeof tf.layers.Layer => {
  class Subtract extends tfjs.layers.Layer {
    static className = SUBTRACT_CLASS_NAME;
    override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
      return (shapes as tf.Shape[])[0];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const [a, b] = inputs as tf.Tensor[];
      return tfjs.sub(a, b);
    }
  }
  return Subtract;
});

/** A `Subtract` layer named `name`. */
export function makeSubtractLayer(tfjs: typeof tf, name: string): tf.layers.Layer {
  const Subtract = subtractClass(tfjs) as unknown as new (args: { name: string }) => tf.layers.Layer;
  return new Subtract({ name });
}

/** Registers `Subtract` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerSubtractLayer(tfjs: typeof tf): void {
  registerClasses(tfjs, subtractClass(tfjs));
}
