/**
 * tfjs-layers has no `Subtract` merge layer (Keras has), so the IR's `subtract` node becomes this
 * small layer: the first input minus the second, differentiable for retraining. It is registered
 * for (de)serialisation only when a caller asks ({@link registerSubtractLayer}), never at import.
 */
import type * as tf from '@tensorflow/tfjs';

/** The class name it serialises under: Keras's. */
export const SUBTRACT_CLASS_NAME = 'Subtract';

const classes = new WeakMap<object, typeof tf.layers.Layer>();

function subtractClass(tfjs: typeof tf): typeof tf.layers.Layer {
  let cls = classes.get(tfjs);
  if (!cls) {
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
    cls = Subtract;
    classes.set(tfjs, cls);
  }
  return cls;
}

/** A `Subtract` layer named `name`. */
export function makeSubtractLayer(tfjs: typeof tf, name: string): tf.layers.Layer {
  const Subtract = subtractClass(tfjs) as unknown as new (args: { name: string }) => tf.layers.Layer;
  return new Subtract({ name });
}

/** Registers `Subtract` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerSubtractLayer(tfjs: typeof tf): void {
  tfjs.serialization.registerClass(subtractClass(tfjs) as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
