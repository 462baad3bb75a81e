/**
 * `@dc/quantize`: trained quantization by k-means weight sharing with centroid fine-tuning, the
 * second stage of Deep Compression (Han, Mao, Dally 2016, §3).
 */
export { clusterWeights, type ClusterLayerMetrics } from './cluster-weights.js';
export { MAX_TENSOR_BITS, resolveOptions, type ClusterWeightsOptions, type ResolvedClusterOptions, type CentroidInit, type ClusterAlgorithm, type EmptyClusters } from './options.js';
export { clusterTensor, clusterInput, clusterAtWidth, keptPositions, type CentroidFormat, type ClusterInput, type ClusterTensorOptions, type ClusteredTensor } from './cluster-tensor.js';
export { channelScales } from './channel-scales.js';
export { gridCodes, type GridCodesOptions } from './grid-codes.js';
export { initCentroids, linearInit, densityInit, forgyInit, kmeansPlusPlusInit } from './init.js';
export { lloyd1d, type KMeansRun } from './lloyd-1d.js';
export { reseedEmpty } from './reseed.js';
export { mlKmeans1d } from './ml-kmeans-run.js';
export { centroidGradients, centroidGradientsTf, codebookTensors, segmentSumMethod, type SegmentSumMethod, type CodebookTensors } from './centroid-gradient.js';
export { createCentroidTuner, canonicalCodebook, type CentroidTuner, type CentroidTunerOptions, type TunedTensor, type MaskedTensor } from './fine-tune.js';
export { prepareErrorFeedback, roundWithErrorFeedback, codeWithErrorFeedback, feedbackBlocks, DEFAULT_FEEDBACK_DAMPING, type ErrorFeedback } from './error-feedback.js';
