/**
 * `@dc/graph-model`: Deep Compression for tfjs GraphModels (frozen TensorFlow graphs from
 * `tensorflowjs_converter`), post-training: load a graph-model model.json, prune and cluster its
 * weights per tensor under an allocation (optionally with per-channel scales), write a `.dcm` file (format version 4, or 5 with scales), and load it back
 * into tfjs with `tf.loadGraphModel(dcmGraphModelHandler(bytes))`. A LayersModel's model.json is
 * handled alike, kept as given (format version 8: `layersModelSource`, `dcmLayersModelHandler` for
 * `tf.loadLayersModel`), for models dc's layer graph cannot hold.
 */
export { loadGraphModelArtifacts } from './load-artifacts.js';
export { layersModelSource, loadLayersModelArtifacts } from './layers-source.js';
export { graphModelSource, graphModelRecord, type GraphModelSource, type GraphModelSourceTensor, type GraphModelSourceOptions } from './source.js';
export { checkGraphOps, converterOps, SUPPORTED_OPS_URL } from './supported-ops.js';
export { uniformAllocation, checkAllocation, isEligible, DEFAULT_MIN_ELEMENTS, type GraphAllocation, type TensorAllocation, type UniformAllocationOptions } from './allocation.js';
export { channelCounts } from './channels.js';
export { biasLinks, type BiasLink, type ConvGeometry } from './bias-links.js';
export { addInputSums, biasCorrection, createBiasCorrection, measureInputSums, type BiasCorrection, type InputSums, type NamedTensor } from './bias-correction.js';
export { patchMeans } from './patch-means.js';
export { measureErrorFeedback, inputRows, addInputMoments, errorFeedbackOf, feedbackBlockSize, feedbackInputs, takesErrorFeedback, DEFAULT_FEEDBACK_MAX_INPUTS, DEFAULT_FEEDBACK_ROWS, type ErrorFeedbackOptions, type InputMomentSums, type OpLink } from './input-moments.js';
export { executeGraph } from './execute-graph.js';
export { compressGraphModel, GRAPH_COMPRESS_STAGE, type CompressGraphModelOptions, type CompressedGraphModel, type TensorCompression } from './compress.js';
export { compressWeight, weightCompressor, FLOAT16_CENTROIDS_MAX_BITS, GRID_CODES_MIN_BITS, type CompressedWeight, type CompressWeightOptions } from './weight-compressor.js';
export { DEFAULT_GRAPH_CODERS, encodeGraphModel, storesIntegerRanges, writeGraphModelFile, type EncodeGraphModelOptions } from './write.js';
export { graphModelArtifacts } from './artifacts.js';
export { dcmGraphModelHandler, dcmLayersModelHandler, decodeGraphModel, type DcmGraphModelHandlerOptions } from './handler.js';
