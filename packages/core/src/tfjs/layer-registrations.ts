/**
 * dc's tfjs layers for the Keras classes tfjs lacks, by the class names a model.json uses:
 * {@link registerLayerClasses} registers those a model names before tfjs builds it.
 */
import type * as tf from '@tensorflow/tfjs';
import { ATTENTION_CLASS, registerAttentionLayer } from './attention-layer.js';
import { AUGMENTATION_CLASSES, registerAugmentationLayers } from './augmentation-layers.js';
import { CONV1D_TRANSPOSE_CLASS, registerConv1dTransposeLayer } from './conv1d-transpose.js';
import { GROUP_NORMALIZATION_CLASS, registerGroupNormalization } from './group-normalization.js';
import { KEPT_POOLING_CLASS, registerKeptPooling } from './kept-pooling-axes.js';
import { KERAS_1D_CLASSES, registerKeras1dLayers } from './keras-1d-layers.js';
import { NORMALIZATION_CLASS_NAME, registerNormalizationLayer } from './normalization-layer.js';
import { registerSpatialDropout2d, SPATIAL_DROPOUT_2D_CLASS } from './spatial-dropout-2d.js';
import { registerSubtractLayer, SUBTRACT_CLASS_NAME } from './subtract-layer.js';
import { registerUnitNormalization, UNIT_NORMALIZATION_CLASS } from './unit-normalization.js';

/** Each registration and the class names it provides. */
const REGISTRATIONS: readonly { readonly classes: readonly string[]; readonly register: (tfjs: typeof tf) => void }[] = [
  { classes: [SUBTRACT_CLASS_NAME], register: registerSubtractLayer },
  { classes: [NORMALIZATION_CLASS_NAME], register: registerNormalizationLayer },
  { classes: [CONV1D_TRANSPOSE_CLASS], register: registerConv1dTransposeLayer },
  { classes: KERAS_1D_CLASSES, register: registerKeras1dLayers },
  { classes: [SPATIAL_DROPOUT_2D_CLASS], register: registerSpatialDropout2d },
  { classes: [UNIT_NORMALIZATION_CLASS], register: registerUnitNormalization },
  { classes: [GROUP_NORMALIZATION_CLASS], register: registerGroupNormalization },
  { classes: [ATTENTION_CLASS], register: registerAttentionLayer },
  { classes: [KEPT_POOLING_CLASS], register: registerKeptPooling },
  { classes: AUGMENTATION_CLASSES, register: registerAugmentationLayers },
];

/** Registers with `tfjs` dc's layer for each of `classNames` (a model's layer classes) that tfjs lacks. */
export function registerLayerClasses(tfjs: typeof tf, classNames: ReadonlySet<string>): void {
  for (const { classes, register } of REGISTRATIONS) if (classes.some((c) => classNames.has(c))) register(tfjs);
}
