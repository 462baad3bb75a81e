/**
 * What dc registers with tfjs for a saved topology to load: its layers for the Keras classes tfjs
 * lacks and its activations tfjs cannot look up, each found by the mark it leaves in the topology's
 * JSON. One table serves `loadModel` (before tfjs builds a user's model.json), `dcmHandler` (for the
 * tfjs that loads what it hands over) and `dc export` (which names the calls a tfjs app makes).
 */
import type * as tf from '@tensorflow/tfjs';
import { ATTENTION_CLASS, registerAttentionLayer } from './attention-layer.js';
import { ADDITIVE_ATTENTION_CLASS, registerAdditiveAttentionLayer } from './additive-attention.js';
import { AUGMENTATION_CLASSES, registerAugmentationLayers } from './augmentation-layers.js';
import { CENTER_CROP_CLASS, registerCenterCrop } from './center-crop.js';
import { registerResizing, RESIZING_CLASS } from './resizing.js';
import { KERAS_UP_SAMPLING_CLASS, registerKerasUpSampling } from './keras-up-sampling.js';
import { CHANNELS_FIRST_POOLING_CLASS, registerChannelsFirstPooling } from './channels-first-pooling.js';
import { CONV1D_TRANSPOSE_CLASS, registerConv1dTransposeLayer } from './conv1d-transpose.js';
import { DEPTHWISE_1D_CLASSES, registerDepthwise1dLayers } from './depthwise-1d-layers.js';
import { GELU_NEW, registerGeluNewActivation } from './gelu-new-activation.js';
import { GROUP_NORMALIZATION_CLASS, registerGroupNormalization } from './group-normalization.js';
import { HARD_SILU, registerHardSiluActivation } from './hard-silu-activation.js';
import { KEPT_POOLING_CLASS, registerKeptPooling } from './kept-pooling-axes.js';
import { KERAS_1D_CLASSES, registerKeras1dLayers } from './keras-1d-layers.js';
import { MULTI_HEAD_ATTENTION_CLASS, registerMultiHeadAttentionLayer } from './multi-head-attention.js';
import { NORMALIZATION_CLASS_NAME, registerNormalizationLayer } from './normalization-layer.js';
import { registerResetAfterGru, RESET_AFTER_GRU_CLASS } from './reset-after-gru.js';
import { registerSpatialDropout2d, SPATIAL_DROPOUT_2D_CLASS } from './spatial-dropout-2d.js';
import { registerSubtractLayer, SUBTRACT_CLASS_NAME } from './subtract-layer.js';
import { registerUnitNormalization, UNIT_NORMALIZATION_CLASS } from './unit-normalization.js';

/** A layer class as the topology's JSON names it. */
const classes = (names: readonly string[]) => names.map((n) => `"class_name":"${n}"`);

/** Each registration (its exported name, in the order `dc export` lists them) and the marks any of which calls for it. */
const REGISTRATIONS: readonly { readonly name: string; readonly marks: readonly string[]; readonly register: (tfjs: typeof tf) => void }[] = [
  { name: 'registerSubtractLayer', marks: classes([SUBTRACT_CLASS_NAME]), register: registerSubtractLayer },
  { name: 'registerGeluNewActivation', marks: [`"${GELU_NEW}"`], register: registerGeluNewActivation },
  { name: 'registerHardSiluActivation', marks: [`"${HARD_SILU}"`], register: registerHardSiluActivation },
  { name: 'registerResetAfterGru', marks: classes([RESET_AFTER_GRU_CLASS]), register: registerResetAfterGru },
  { name: 'registerUnitNormalization', marks: classes([UNIT_NORMALIZATION_CLASS]), register: registerUnitNormalization },
  { name: 'registerGroupNormalization', marks: classes([GROUP_NORMALIZATION_CLASS]), register: registerGroupNormalization },
  { name: 'registerNormalizationLayer', marks: classes([NORMALIZATION_CLASS_NAME]), register: registerNormalizationLayer },
  { name: 'registerConv1dTransposeLayer', marks: classes([CONV1D_TRANSPOSE_CLASS]), register: registerConv1dTransposeLayer },
  { name: 'registerKeras1dLayers', marks: classes(KERAS_1D_CLASSES), register: registerKeras1dLayers },
  { name: 'registerDepthwise1dLayers', marks: classes(DEPTHWISE_1D_CLASSES), register: registerDepthwise1dLayers },
  { name: 'registerSpatialDropout2d', marks: classes([SPATIAL_DROPOUT_2D_CLASS]), register: registerSpatialDropout2d },
  { name: 'registerAttentionLayer', marks: classes([ATTENTION_CLASS]), register: registerAttentionLayer },
  { name: 'registerAdditiveAttentionLayer', marks: classes([ADDITIVE_ATTENTION_CLASS]), register: registerAdditiveAttentionLayer },
  { name: 'registerMultiHeadAttentionLayer', marks: classes([MULTI_HEAD_ATTENTION_CLASS]), register: registerMultiHeadAttentionLayer },
  { name: 'registerKeptPooling', marks: classes([KEPT_POOLING_CLASS]), register: registerKeptPooling },
  { name: 'registerCenterCrop', marks: classes([CENTER_CROP_CLASS]), register: registerCenterCrop },
  { name: 'registerResizing', marks: classes([RESIZING_CLASS]), register: registerResizing },
  { name: 'registerKerasUpSampling', marks: classes([KERAS_UP_SAMPLING_CLASS]), register: registerKerasUpSampling },
  { name: 'registerChannelsFirstPooling', marks: classes([CHANNELS_FIRST_POOLING_CLASS]), register: registerChannelsFirstPooling },
  { name: 'registerAugmentationLayers', marks: classes(AUGMENTATION_CLASSES), register: registerAugmentationLayers },
];

function needed(topology: unknown) {
  const text = JSON.stringify(topology) ?? '';
  return REGISTRATIONS.filter((r) => r.marks.some((m) => text.includes(m)));
}

/** The registrations `topology` (a model.json's `modelTopology`) needs before tfjs loads it, by the names `@dc/core/tfjs` exports them under. */
export function registrationsFor(topology: unknown): string[] {
  return needed(topology).map((r) => r.name);
}

/** Registers with `tfjs` what `topology` needs before tfjs loads it (see {@link registrationsFor}). */
export function registerFor(tfjs: typeof tf, topology: unknown): void {
  for (const r of needed(topology)) r.register(tfjs);
}
