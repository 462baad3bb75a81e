/**
 * `@dc/core`: the model IR, the stage contract, the pipeline builder, errors and the shared
 * artifact types of Deep Compression for TensorFlow.js. Free of tfjs at run time and in its types
 * (it loads without tfjs installed); the tfjs converters and training service are in
 * `@dc/core/tfjs`, the training contract's tfjs types in `@dc/core/training`, the MNIST reader in
 * `@dc/core/mnist`.
 */
export { errorCatalogue, type DcErrorCode } from './errors/codes.js';
export { DcError, isDcError, assertOption, type DcErrorDetails } from './errors/dc-error.js';
export { fileReadError, isMissingPath } from './errors/file-read-error.js';
export type * from './ir/model.js';
export { LOSS_NAMES, type LossName, type TrainingRecord } from './ir/training-record.js';
export { PARAM_NAMES, WEIGHT_PARAMS } from './ir/model.js';
export { DEFAULT_INPUT_NAME, inputNameOf, inputsOf, isChain, releasesAfter, type GraphLike } from './ir/graph.js';
export * from './ops/index.js';
export { listParams, getParam, paramKey, sizeOf, countParams, float32Bytes, cloneTensor, mapParams, isWeight, type ParamRef } from './ir/params.js';
export type { ArtifactMap, ArtifactKey, ArtifactsOf, PruneMasks, Codebook, Codebooks, EncodedFile } from './artifacts.js';
export { connectivityHash, connectedPositions, connectivityMask, isSeededConnectivity, connectivityForDensity, type SeededConnectivity, type Connectivities } from './connectivity.js';
export { densify, toDenseModel } from './compressed.js';
export type { CompressedModel, ModelTopology, CompressedTensor, DenseTensor, DenseCodedTensor, SparseTensor, SparseCodedTensor, LayerTopology, StageProvenance } from './compressed.js';
export { isJsonSerialisable, isObject, numberOf, textOf, type JsonValue } from './json.js';
export { createRandom, type RandomSource } from './random.js';
export { defineStage, type Stage, type StageContext, type StageInput, type StageOutput, type Reporter, type ProgressEvent, type WeightChange } from './stage.js';
export { optionChecks, describeValue, type OptionChecks, type OptionHints, type OptionKeys, type NumberRange } from './options/option-checks.js';
export { assertLayerNames, layerReferences, type LayerReference, type LayerNameRules } from './options/layer-names.js';
export { tensorMetricRow, tensorTotals, type TensorMetricRow, type TensorTotals } from './tensor-metrics.js';
export type { TrainingService, TrainingHooks, TrainingTypes, FineTuneOptions, OptimizerName, TrainingProgress, EpochResult, Evaluation } from './training.js';
export { builtInInvalidation } from './pipeline/artifact-flow.js';
export { createPipeline, type Pipeline, type PipelineRunOptions, type PipelineResult, type CheckRequires, type MissingArtifacts } from './pipeline/pipeline.js';
export type { PipelineObserver } from './pipeline/observer.js';
export type { PipelineReport, StageReport } from './pipeline/report.js';
export * from './container/index.js';
export * from './encode-file/index.js';
export * from './fold-batch-norm/index.js';
