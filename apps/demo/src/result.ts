import type { JsonValue, PipelineReport } from '@dc/core';

/** What `dc-demo run --json` prints: one object, every figure measured in this run. */
export interface DemoResult {
  model: string;
  preset: string;
  /** Float32 bytes of every parameter (weights and biases) of the network. */
  originalBytes: number;
  /** Bytes of the `.dcm` file written to disk. */
  fileBytes: number;
  /** `originalBytes / fileBytes`. */
  compressionRatio: number;
  /** Error of the baseline on the test set (fraction). */
  baselineTestError: number;
  /** Error of the written file run by @dc/sparse-runtime on the test set (fraction). */
  testError: number;
  /** Test images both errors were measured on (10,000 unless `--test-limit`). */
  testExamples: number;
  /** Path of the written `.dcm` file. */
  file: string;
  wallSeconds: number;
  seed: number;
  trainingBackend: string;
  /** Where the baseline came from: the shipped checkpoint or trained in this run. */
  baselineSource: 'checkpoint' | 'trained';
  /**
   * The baseline: the checkpoint's path, or the settings it was trained with in this run and on
   * how many training images (without the validation split where one is held out); its
   * augmentation; its test error and, with a validation split, its validation error.
   */
  baseline: { source: 'checkpoint' | 'trained'; checkpoint?: string; trainedOn?: number; epochs?: number; polishEpochs?: number; learningRate?: number; batchSize?: number; augment?: { translate: number }; testError: number; validationError?: number };
  /** Per-layer table (weights, kept %, bits, % of original), from the Huffman stage. */
  layers: JsonValue;
  /**
   * The automatic allocation, when the preset or a flag asked for one: the goal, the chosen
   * per-layer sparsity and bits, the sensitivity tables they came from, the predicted and
   * measured candidate bytes, and the reasons in words.
   */
  allocation?: JsonValue;
  /** Errors on the validation split (the last training images, held out), when one was used. */
  validation?: { examples: number; baselineError: number; compressedError: number };
  /** The settings this run used (after the preset, the flags and the allocation). */
  settings?: JsonValue;
  /** The pipeline's own report: options, timings, metrics and accuracy of every stage. */
  pipeline: PipelineReport;
  /** Runtime load and speed figures, when benchmarked. */
  bench?: JsonValue;
  /** Paths of report.json and report.html. */
  reports: { json: string; html: string };
}
