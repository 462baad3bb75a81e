/**
 * `@dc/core/tfjs`: the bridge to TensorFlow.js — loading users' models (`loadModel`, the Node
 * `fileHandler`), IR ⇄ `LayersModel` converters, `.dcm` files back into tfjs (`dcmHandler`), the
 * training backend choice and the training service on the user's data and loss. Requires
 * `@tensorflow/tfjs` (optional peer), imported only when a function needs it.
 */
export { fromLayersModel } from './convert-from.js';
export { toLayersModel, type ToLayersModelOptions } from './convert-to.js';
export { loadModel, type LoadModelOptions, type LoadedModel } from './load-model.js';
export { checkPinnedShape, formatDeclaredShape, type DeclaredShape } from './input-shape.js';
export { fileHandler, readModelArtifacts, savedFilePaths } from './file-handler.js';
export { isGraphModelJson, manifestEntryProblem, type ModelJsonFormat } from './model-json.js';
export { fromKeras3, isKeras3Topology } from './keras3-model-json.js';
export { dcmHandler, type DcmHandlerOptions } from './dcm-handler.js';
export { registerSubtractLayer } from './subtract-layer.js';
export { registerGeluNewActivation } from './gelu-new-activation.js';
export { registrationsFor } from './layer-registrations.js';
export { registerHardSiluActivation, HARD_SILU } from './hard-silu-activation.js';
export { isChannelRescaling } from './channel-rescaling.js';
export { registerConv1dTransposeLayer, conv1dTranspose, CONV1D_TRANSPOSE_CLASS } from './conv1d-transpose.js';
export { registerKeras1dLayers, keras1dLayer, KERAS_1D_CLASSES } from './keras-1d-layers.js';
export { registerDepthwise1dLayers, depthwise1dLayer, DEPTHWISE_1D_CLASSES, type Depthwise1dArgs } from './depthwise-1d-layers.js';
export { registerSpatialDropout2d, spatialDropout2d, SPATIAL_DROPOUT_2D_CLASS } from './spatial-dropout-2d.js';
export { registerUnitNormalization, unitNormalization, UNIT_NORMALIZATION_CLASS } from './unit-normalization.js';
export { registerGroupNormalization, groupNormalization, GROUP_NORMALIZATION_CLASS } from './group-normalization.js';
export { registerResizing, resizing, RESIZING_CLASS, type ResizingArgs } from './resizing.js';
export { kerasResize } from './keras-resize.js';
export { registerKerasUpSampling, KERAS_UP_SAMPLING_CLASS } from './keras-up-sampling.js';
export { registerAttentionLayer, attentionLayer, ATTENTION_CLASS } from './attention-layer.js';
export { registerAdditiveAttentionLayer, additiveAttentionLayer, ADDITIVE_ATTENTION_CLASS } from './additive-attention.js';
export { registerMultiHeadAttentionLayer, multiHeadAttentionLayer, multiHeadAttentionNodes, MULTI_HEAD_ATTENTION_CLASS, type MultiHeadAttentionArgs } from './multi-head-attention.js';
export { registerResetAfterGru, resetAfterGru, RESET_AFTER_GRU_CLASS, type ResetAfterGruArgs } from './reset-after-gru.js';
export { readCompileConfig, refuseUnsupportedLoss, trainingRecordOf, lossName, metricName, LOSS_NAMES, METRIC_NAMES, type CompileConfig, type LossName, type MetricName } from './compile-config.js';
export { headOf, type HeadKind } from './head.js';
export { importTfjs, importTfjsPackage, activateTfBackend, TFJS_PACKAGES, type ImportedTfjs, type TfjsImportFailure } from './load-tfjs.js';
export { selectTrainingBackend, type SelectedBackend, type SelectBackendOptions, type TrainingBackendName } from './backend.js';
export { createTfjsTrainer, evaluateLayersModel, type TfjsTrainerOptions } from './trainer.js';
export { lossPerExample, resolveObjective, type Objective, type ObjectiveOptions } from './objective.js';
export { weightReuse, AUTO_THREADS_MIN_WORK } from './data-parallel/training-threads.js';
export type { ImageAugmentation } from './augment.js';
export { shuffledIndices } from './batches.js';
export type { TrainingData, Batch } from './training-data.js';
export { validationCount } from './training-data.js';
export type { BatchNormMode } from './batch-norm-mode.js';
export { variablesByKey, variablesOfParam } from './variables.js';
export { registerTileGradient, tileGradient, sumRepetitions, type RegisteredTileGradient } from './tile-gradient.js';
export { createAdamOptimizer, registerWasmTrainingKernels, type WasmTrainingKernels, type WasmTrainingKernelsOptions } from './wasm-kernels/index.js';
// The tfjs types of the training contract (and their augmentation of `TrainingTypes`).
export type { Tfjs, TfTensor, TfVariable } from '../training/index.js';
