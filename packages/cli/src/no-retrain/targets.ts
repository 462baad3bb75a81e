/**
 * The two model formats `dc compress --no-retrain --calibration` and `dc run --reference` handle,
 * behind one shape: the input to feed, the original's outputs, planning + writing, and the outputs
 * of a written `.dcm`. A LayersModel goes through dc's IR and the sparse runtime; a GraphModel
 * (`format: "graph-model"`, detected from model.json) through `@dc/graph-model` and tfjs-converter.
 */
import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import type { OutputBatch, PostTrainingPlan } from '@dc/allocate';
import { DcError, float32Bytes, isDcError } from '@dc/core';
import { loadModel, type LoadModelOptions } from '@dc/core/tfjs';
import { dcmGraphModelHandler, loadGraphModelArtifacts } from '@dc/graph-model';
import type { ImageInputSpec } from './image-inputs.js';
import { fileOutputs } from './file-outputs.js';
import { createGraphRunner } from './graph-runner.js';
import { createLayersRunner } from './layers-runner.js';
import { planAndCompressGraph } from './plan-graph.js';
import { planAndCompressLayers, type PlanLayersOptions } from './plan-layers.js';
import { rawInputOf } from '../compress/input-rescaling.js';

/** What planning needs besides the calibration batches (a GraphModel uses the drift, kinds, progress, bias correction, error feedback, jittered batches and size target only). */
export type PlanSettings = PlanLayersOptions & {
  /** GraphModels: round each weight with error feedback from its op's input moments (default false; `--error-feedback`). LayersModels: not yet, ignored. */
  readonly errorFeedback?: boolean;
};

/** A loaded original model. */
export interface Target {
  readonly format: 'layers-model' | 'graph-model';
  readonly input: ImageInputSpec;
  /** Float32 bytes of every weight (quantized manifest weights dequantized). */
  readonly originalBytes: number;
  /** A LayersModel that takes its data as given (a `Rescaling` or an `Embedding` reads its input): photographs and uint8 `.npy` go in as bytes. */
  readonly rawInput?: boolean;
  outputs(batches: readonly tf.Tensor[]): Promise<OutputBatch[][]>;
  plan(calibration: readonly tf.Tensor[], s: PlanSettings): Promise<{ plan: PostTrainingPlan; bytes: Uint8Array }>;
  /** The outputs of the `.dcm` file at `path`, written for this model. */
  fileOutputs(path: string, batches: readonly tf.Tensor[]): Promise<OutputBatch[][]>;
  dispose(): void;
}

const each = async (batches: readonly tf.Tensor[], run: (b: tf.Tensor) => Promise<OutputBatch[]>) => {
  const out: OutputBatch[][] = [];
  for (const b of batches) out.push(await run(b));
  return out;
};

/** Loads the model.json at `path`, either format; a LayersModel whose input leaves dimensions unknown at `inputShape` (`loadModel`'s option; a GraphModel keeps its free dimensions). */
export async function loadTarget(tfjs: typeof tf, path: string, inputShape?: LoadModelOptions['inputShape']): Promise<Target> {
  try {
    const { model } = await loadModel(path, { tf: tfjs, ...(inputShape ? { inputShape } : {}) });
    const runner = createLayersRunner(tfjs, model);
    return {
      format: 'layers-model',
      input: { name: model.inputName ?? 'input', shape: [-1, ...model.inputShape], dtype: 'float32' },
      originalBytes: float32Bytes(model),
      rawInput: rawInputOf(model) !== undefined,
      outputs: (batches) => each(batches, (b) => runner.run(new Map(), b)),
      plan: (calibration, s) => planAndCompressLayers(tfjs, model, calibration, s),
      fileOutputs: (file, batches) => fileOutputs(file, batches),
      dispose: () => runner.dispose(),
    };
  } catch (e) {
    if (!isDcError(e) || e.code !== 'WRONG_MODEL_FORMAT') throw e;
  }
  const source = await loadGraphModelArtifacts(path, { tf: tfjs });
  const runner = await createGraphRunner(tfjs, source.artifacts);
  if (runner.inputs.length !== 1) {
    runner.dispose();
    throw new DcError('DATA_MISMATCH', `${path} has ${runner.inputs.length} inputs (${runner.inputs.map((i) => i.name).join(', ')}); calibration and test inputs feed a model with one input`, {
      hint: 'Compress a model with several inputs with @dc/graph-model and @dc/allocate from code, giving planPostTraining your own run(weights, batch).',
    });
  }
  return {
    format: 'graph-model',
    input: runner.inputs[0],
    originalBytes: source.tensors.reduce((a, t) => a + 4 * t.values.length, 0),
    outputs: (batches) => each(batches, (b) => runner.run(new Map(), [b])),
    plan: (calibration, s) => planAndCompressGraph(source, runner, calibration, s),
    async fileOutputs(file, batches) {
      const written = await createGraphRunner(tfjs, await dcmGraphModelHandler(await readFile(file)).load!());
      try {
        return await each(batches, (b) => written.run(new Map(), [b]));
      } finally {
        written.dispose();
      }
    },
    dispose: () => runner.dispose(),
  };
}
