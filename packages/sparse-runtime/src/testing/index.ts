/**
 * `@dc/sparse-runtime/testing`: the backend conformance suites (vitest), random compressed
 * models, the tfjs-cpu dense reference, and a `.dcm` writer for fixtures. Third-party backends
 * run `describeConformance({ backendName, createBackend })` in their own tests.
 */
export { describeConformance, type ConformanceOptions } from './conformance.js';
export { describeFileConformance, conformanceFiles, type ConformanceBackend, type ConformanceFile, type FileConformanceOptions } from './file-conformance.js';
export { conformanceCases, type ConformanceCase } from './cases.js';
export { conformanceSkips, skipReason } from './skips.js';
export { randomModel, randomMlp, randomLenet5, randomKernel, randomInput, type RandomMlpOptions, type RandomKernelOptions, type KernelLayout } from './random-model.js';
export { referencePredict, maxRelativeError } from './reference.js';
export { encodeModelFile } from './encode-file.js';
export { randomGraph, type RandomGraphOptions } from './random-graph.js';
export { opCases, type OpCase } from './op-cases.js';
export { compressModel, type CompressModelOptions } from './compress-model.js';
export { GraphBuilder } from './graph-builder.js';
export { resnetStyleTopology, mobilenetStyleTopology, transformerStyleTopology } from './example-topologies.js';
