/**
 * `@dc/cli`: the `dc` command (`npx dc --help`) and its commands as functions, for scripts that
 * want the same results without a shell.
 */
export { createProgram, runCli, type CliIo } from './program.js';
export { printable, printableIo } from './printable.js';
export { compressFile, formatCompress, type CompressOptions, type CompressResult } from './commands/compress.js';
export { inspectFile, formatInspect, type InspectResult, type InspectedNode } from './commands/inspect.js';
export { exportFile, formatExport, type ExportOptions, type ExportResult } from './commands/export.js';
export { runFile, runFileOn, formatRun, type RunOptions, type RunResult } from './commands/run.js';
export { compressionStages } from './compress/stages.js';
export { resolveSettings, NO_RETRAIN_DEFAULTS, PRESET_NAMES, type CompressSettings, type PerLayer, type PresetName, type SettingsFlags } from './compress/settings.js';
export { epochLine, lineProgress, type LineProgressOptions, type Progress } from './compress/progress.js';
export { readLabelledData, BYTE_PIXELS, type DataSource, type LabelledData } from './data/labelled-data.js';
export { readImageClasses, readClassPhotographs, readPhotographs, isImageClassFolder, isPhotographs, hasSplitFolders } from './data/image-classes.js';
export { positiveInt, nonNegativeInt, positiveNumber, finiteNumber, finiteNumbers, perLayer, threadCount } from './flags.js';
export { addRetrainingOptions } from './retraining-options.js';
export { readNpy, type NumericArray } from './data/npy.js';
export { compressCalibrated, formatCalibrated, describeFidelity, type CalibratedOptions, type CalibratedResult } from './commands/compress-calibrated.js';
export { readImage, readImageDir, IMAGE_EXTENSIONS, MAX_IMAGE_MEGAPIXELS, type RgbImage } from './data/images.js';
export { readInputBatches, jitteredDraws, JITTER_DRAWS, type InputBatches, type ReadInputOptions } from './no-retrain/calibration.js';
export { readInputFeeds, inputSources, feedTensors, type InputFeeds } from './no-retrain/input-feeds.js';
export { createGraphRunner, type GraphRunner } from './no-retrain/graph-runner.js';
export { imageLayout, imageTensor, jitterInput, channelAxisOf, checkPixelScale, type ImageInputSpec } from './no-retrain/image-inputs.js';
export { pixelScaleOf, pixelScaleOfRecord, inputScaling, formatPixelScale, type PixelScale, type InputScaling, type ScaleFlag } from './no-retrain/pixel-scale.js';
export { compressGraphFile, writeCompressedGraph, graphAllocationFromFlags, isGraphModelFile, formatCompressGraph, GRAPH_DEFAULTS, type CompressGraphOptions, type CompressGraphResult } from './commands/compress-graph.js';
export { inspectGraphFile, inspectGraphBytes, inspectAnyFile, formatInspectGraph, formatInspectAny, isGraphModelDcm, type InspectGraphResult, type InspectedWeight } from './commands/inspect-graph.js';
export { runGraphFile, runAnyFile, formatRunGraph, formatRunAny, type RunGraphOptions, type RunGraphResult, type OutputStats } from './commands/run-graph.js';
export { runAgainstReference, formatReferenceRun, type ReferenceRunOptions, type ReferenceRunResult } from './commands/run-reference.js';
