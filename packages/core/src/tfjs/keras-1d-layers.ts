/**
 * Keras' 1-D layers that tfjs lacks and that move steps only: `UpSampling1D` (each step repeated
 * `size` times: 1-D U-Nets and decoders of signals), `ZeroPadding1D` and `Cropping1D` (steps added
 * or removed at the ends). A model.json with one does not load in tfjs; {@link registerKeras1dLayers}
 * registers tfjs layers of those classes that compute them, for loading. In the IR each is its
 * 2-D op on a one-row image between reshapes (one-d-layers.ts), so retraining and `dc export` use
 * tfjs's own layers.
 */
import type * as tf from '@tensorflow/tfjs';
import { single } from './one-d-layers.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** A padding or cropping as Keras writes it (one number for both ends, or `[before, after]`), as `[before, after]`. */
export function stepPair(v: unknown, fallback: number): [number, number] {
  if (Array.isArray(v)) return [Number(v[0] ?? fallback), Number(v[1] ?? v[0] ?? fallback)];
  return typeof v === 'number' ? [v, v] : [fallback, fallback];
}

interface StepSpec {
  /** The output steps for `steps` input steps. */
  steps(steps: number, config: tf.serialization.ConfigDict): number;
  /** The layer on a `[batch, steps, channels]` tensor. */
  apply(tfjs: typeof tf, x: tf.Tensor3D, config: tf.serialization.ConfigDict): tf.Tensor;
}

const SPECS: Readonly<Record<string, StepSpec>> = {
  UpSampling1D: {
    steps: (n, c) => n * single(c.size, 2),
    apply: (tfjs, x, c) => {
      const [batch, steps, channels] = x.shape;
      const size = single(c.size, 2);
      return tfjs.reshape(tfjs.tile(tfjs.expandDims(x, 2), [1, 1, size, 1]), [batch, steps * size, channels]);
    },
  },
  ZeroPadding1D: {
    steps: (n, c) => n + stepPair(c.padding, 1)[0] + stepPair(c.padding, 1)[1],
    apply: (tfjs, x, c) => tfjs.pad(x, [[0, 0], stepPair(c.padding, 1), [0, 0]]),
  },
  Cropping1D: {
    steps: (n, c) => n - stepPair(c.cropping, 1)[0] - stepPair(c.cropping, 1)[1],
    apply: (tfjs, x, c) => {
      const [before, after] = stepPair(c.cropping, 1);
      return tfjs.slice(x, [0, before, 0], [-1, x.shape[1] - before - after, -1]);
    },
  },
};

/** The class names of {@link SPECS}: Keras'. */
export const KERAS_1D_CLASSES = Object.keys(SPECS);

/** The tfjs layer class computing Keras' layer `className` (one of {@link KERAS_1D_CLASSES}). */
function stepLayerClass(tfjs: typeof tf, className: string, spec: StepSpec) {
  return class extends tfjs.layers.Layer {
    static className = className;
    private readonly config: tf.serialization.ConfigDict;
    constructor(args: tf.serialization.ConfigDict) {
      super(args);
      this.config = args;
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const [batch, steps, channels] = inputShape as tf.Shape;
      return [batch, steps === null ? null : spec.steps(steps, this.config), channels];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tfjs.tidy(() => spec.apply(tfjs, (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D, this.config));
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { size, padding, cropping } = this.config;
      return { ...super.getConfig(), ...Object.fromEntries(Object.entries({ size, padding, cropping }).filter(([, v]) => v !== undefined)) };
    }
  };
}

/** Registers tfjs layers of Keras' `UpSampling1D`, `ZeroPadding1D` and `Cropping1D` (see the module), so `tf.loadLayersModel` can read models that use them. */
export const registerKeras1dLayers = perTfjs((tfjs): void => {
  registerClasses(tfjs, ...Object.entries(SPECS).map(([className, spec]) => stepLayerClass(tfjs, className, spec)));
});

/** A layer of Keras' class `className` (one of {@link KERAS_1D_CLASSES}) with its Keras config in tfjs's casing, e.g. to build in tfjs a model a Keras one mirrors. */
export function keras1dLayer(tfjs: typeof tf, className: string, args: tf.serialization.ConfigDict): tf.layers.Layer {
  registerKeras1dLayers(tfjs);
  const [cls] = tfjs.serialization.SerializationMap.getMap().classNameMap[className] as unknown as [new (a: tf.serialization.ConfigDict) => tf.layers.Layer];
  return new cls(args);
}
