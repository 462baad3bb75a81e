/** The file-writing stage and the figures it reports. */
export { encodeFile, ENCODE_FILE_STAGE, type EncodeFileOptions, type StageIdentity } from './encode-file.js';
export { buildFileMetrics, type MetricsContext } from './metrics.js';
export { entropyOf, histogram } from './entropy.js';
export { mismatchedTensors } from './mismatches.js';
