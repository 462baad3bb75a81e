/**
 * Keras' image augmentation layers — `RandomFlip`, `RandomRotation`, `RandomZoom`, `RandomContrast`,
 * `RandomTranslation`, `RandomBrightness`, `RandomHeight`, `RandomWidth` — which Keras' image
 * tutorials put first in the model (often as a nested `data_augmentation` Sequential) and which
 * tfjs lacks, so that it cannot load such a model (tfjs 4.22 has `RandomWidth`, but resizes at
 * inference too, where Keras passes the input through). They change nothing at inference (Keras: "the output will be identical to the
 * input"), so they load as tfjs layers that pass their input through
 * ({@link registerAugmentationLayers}) and hold no node in the IR: the file computes what the
 * model computes at inference. Retraining does not replay them; `dc compress`'s `--augment-flip`
 * and `--augment-translate` augment the training images instead.
 */
import type * as tf from '@tensorflow/tfjs';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The augmentation layer classes read as the identity. */
export const AUGMENTATION_CLASSES = ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomContrast', 'RandomTranslation', 'RandomBrightness', 'RandomHeight', 'RandomWidth'] as const;

const AUGMENTATIONS: ReadonlySet<string> = new Set(AUGMENTATION_CLASSES);

/** Whether `cls` is one of {@link AUGMENTATION_CLASSES}. */
export function isAugmentation(cls: string): boolean {
  return AUGMENTATIONS.has(cls);
}

/** Registers a pass-through tfjs layer under each augmentation class name (once per tfjs instance). */
export const registerAugmentationLayers = perTfjs((tfjs): void => {
  for (const className of AUGMENTATION_CLASSES) {
    const Augmentation = class extends tfjs.layers.Layer {
      static className = className;
      // Its options (factor, mode, seed, ...) only shape training; kept so the config reads back.
      private readonly options: tf.serialization.ConfigDict;
      constructor(args: tf.serialization.ConfigDict) {
        const { name, trainable, batchInputShape, inputShape, dtype, ...options } = args;
        super({ name, trainable, batchInputShape, inputShape, dtype } as never);
        this.options = options;
      }
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return Array.isArray(inputs) ? inputs[0] : inputs;
      }
      override getConfig(): tf.serialization.ConfigDict {
        return { ...super.getConfig(), ...this.options };
      }
    };
    registerClasses(tfjs, Augmentation);
  }
});
