/**
 * The model formats `dc compress --no-retrain --calibration` and `dc run --reference` handle,
 * behind one shape: the input to feed, the original's outputs, planning + writing, and the outputs
 * of a written `.dcm`. A LayersModel goes through dc's IR and the sparse runtime; a GraphModel
 * (`format: "graph-model"`, detected from model.json) through `@dc/graph-model` and tfjs-converter;
 * a LayersModel the IR cannot hold (or with `keepTopology`) is kept as given, its model.json in the
 * file (format version 8) and run by tfjs-layers.
 */
import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import type { OutputBatch, PostTrainingPlan } from '@dc/allocate';
import { float32Bytes, isDcError, type DcError } from '@dc/core';
import { loadModel, type LoadModelOptions } from '@dc/core/tfjs';
import { dcmGraphModelHandler, dcmLayersModelHandler, loadGraphModelArtifacts } from '@dc/graph-model';
import type { ImageInputSpec } from './image-inputs.js';
import { fileOutputs } from './file-outputs.js';
import { createGraphRunner } from './graph-runner.js';
import { kerasBiasCorrection } from './keras-bias-correction.js';
import { kerasErrorFeedback } from './layers-error-feedback.js';
import { buildLayersModel, layersRecordRunner, loadAsGiven } from './layers-record-runner.js';
import { createLayersRunner } from './layers-runner.js';
import { planAndCompressGraph } from './plan-graph.js';
import { planAndCompressLayers, type PlanLayersOptions } from './plan-layers.js';
import { rawInputOf } from '../compress/input-rescaling.js';

/** Per batch, one tensor per model input (`InputFeeds.batches`). */
export type Feeds = readonly (readonly tf.Tensor[])[];

/** What planning needs besides the calibration batches (a GraphModel uses the drift, kinds, progress, bias correction, error feedback, jittered batches and size target only). */
export type PlanSettings = Omit<PlanLayersOptions, 'jittered'> & {
  /** The calibration feeds jittered by one grey level (`InputFeeds.jittered`). */
  readonly jittered?: Feeds;
};

/** A loaded original model. */
export interface Target {
  /** `layers-model-as-given`: a LayersModel whose model.json the file keeps (format version 8), not converted to a layer graph. */
  readonly format: 'layers-model' | 'graph-model' | 'layers-model-as-given';
  /** Why a LayersModel is kept as given (the IR's refusal, or `--keep-topology`). */
  readonly keptBecause?: string;
  /** The model's inputs, in order: what each batch feeds. */
  readonly inputs: readonly ImageInputSpec[];
  /** The model's outputs' names, in the order its outputs are judged (and `--output-kinds` lists them). */
  readonly outputNames: readonly string[];
  /** Float32 bytes of every weight (quantized manifest weights dequantized). */
  readonly originalBytes: number;
  /** A LayersModel that takes its data as given (a `Rescaling` or an `Embedding` reads its input): photographs and uint8 `.npy` go in as bytes. */
  readonly rawInput?: boolean;
  outputs(batches: Feeds): Promise<OutputBatch[][]>;
  plan(calibration: Feeds, s: PlanSettings): Promise<{ plan: PostTrainingPlan; bytes: Uint8Array }>;
  /** The outputs of the `.dcm` file at `path`, written for this model. */
  fileOutputs(path: string, batches: Feeds): Promise<OutputBatch[][]>;
  dispose(): void;
}

const each = async (batches: Feeds, run: (b: readonly tf.Tensor[]) => Promise<OutputBatch[]>) => {
  const out: OutputBatch[][] = [];
  for (const b of batches) out.push(await run(b));
  return out;
};

/** Codes with which dc's IR refuses a LayersModel that tfjs itself runs: such a model is kept as given. */
const KEPT_AS_GIVEN: ReadonlySet<string> = new Set(['UNSUPPORTED_LAYER', 'UNSUPPORTED_TOPOLOGY']);

/**
 * Whether `e` is dc's IR refusing a LayersModel that post-training compression keeps as given
 * instead; an input of unknown dimensions is not (`--input-shape` fixes it, as its hint says).
 */
export const refusedByLayerGraph = (e: unknown): e is DcError => isDcError(e) && KEPT_AS_GIVEN.has(e.code) && e.option !== 'inputShape';

/** Options of {@link loadTarget}. */
export interface LoadTargetOptions {
  /** A LayersModel kept as given even where dc's IR holds it (`--keep-topology`; a version 8 file's reference). */
  readonly keepTopology?: boolean;
}

/** A LayersModel kept as given (see the module comment). */
async function layersAsGiven(tfjs: typeof tf, path: string, because: string): Promise<Target> {
  const { source, model } = await loadAsGiven(tfjs, path, because);
  const runner = layersRecordRunner(tfjs, model);
  return {
    format: 'layers-model-as-given',
    keptBecause: because,
    inputs: runner.inputs,
    outputNames: runner.outputs,
    originalBytes: source.tensors.reduce((a, t) => a + 4 * t.values.length, 0),
    outputs: (batches) => each(batches, (b) => runner.run(new Map(), b)),
    plan: (calibration, s) =>
      planAndCompressGraph(source, runner, calibration, {
        ...s,
        measureCorrection: (weights) => kerasBiasCorrection(tfjs, model, source, weights, calibration),
        measureFeedback: (weights, centered) => kerasErrorFeedback(tfjs, model, source, weights, calibration, { centered }),
      }),
    async fileOutputs(file, batches) {
      const written = layersRecordRunner(tfjs, await buildLayersModel(tfjs, dcmLayersModelHandler(await readFile(file)), file));
      try {
        return await each(batches, (b) => written.run(new Map(), b));
      } finally {
        written.dispose();
      }
    },
    dispose: () => runner.dispose(),
  };
}

/**
 * Loads the model.json at `path`, either format; a LayersModel whose input leaves dimensions
 * unknown at `inputShape` (`loadModel`'s option; a GraphModel, or a LayersModel kept as given,
 * keeps its free dimensions).
 */
export async function loadTarget(tfjs: typeof tf, path: string, inputShape?: LoadModelOptions['inputShape'], o: LoadTargetOptions = {}): Promise<Target> {
  if (o.keepTopology) return layersAsGiven(tfjs, path, '--keep-topology');
  try {
    const { model } = await loadModel(path, { tf: tfjs, ...(inputShape ? { inputShape } : {}) });
    const runner = createLayersRunner(tfjs, model);
    return {
      format: 'layers-model',
      inputs: [{ name: model.inputName ?? 'input', shape: [-1, ...model.inputShape], dtype: 'float32' }],
      // A layer graph's one output: its last node's.
      outputNames: [model.layers.at(-1)?.name ?? 'output'],
      originalBytes: float32Bytes(model),
      rawInput: rawInputOf(model) !== undefined,
      // A layer graph has one input: each feed is one tensor.
      outputs: (batches) => each(batches, (b) => runner.run(new Map(), b[0])),
      plan: (calibration, { jittered, ...s }) => planAndCompressLayers(tfjs, model, calibration.map((b) => b[0]), { ...s, ...(jittered ? { jittered: jittered.map((b) => b[0]) } : {}) }),
      fileOutputs: (file, batches) => fileOutputs(file, batches.map((b) => b[0])),
      dispose: () => runner.dispose(),
    };
  } catch (e) {
    if (refusedByLayerGraph(e)) return layersAsGiven(tfjs, path, e.message);
    if (!isDcError(e) || e.code !== 'WRONG_MODEL_FORMAT') throw e;
  }
  const source = await loadGraphModelArtifacts(path, { tf: tfjs });
  const runner = await createGraphRunner(tfjs, source.artifacts);
  return {
    format: 'graph-model',
    inputs: runner.inputs,
    outputNames: runner.outputs,
    originalBytes: source.tensors.reduce((a, t) => a + 4 * t.values.length, 0),
    outputs: (batches) => each(batches, (b) => runner.run(new Map(), b)),
    plan: (calibration, s) => planAndCompressGraph(source, runner, calibration, s),
    async fileOutputs(file, batches) {
      const written = await createGraphRunner(tfjs, await dcmGraphModelHandler(await readFile(file)).load!());
      try {
        return await each(batches, (b) => written.run(new Map(), b));
      } finally {
        written.dispose();
      }
    },
    dispose: () => runner.dispose(),
  };
}
