/**
 * The model of a `.dcm` file that keeps a model.json record, loaded into tfjs for `dc run`: a
 * GraphModel's (format version 4 to 6) by `tf.loadGraphModel`, a LayersModel's kept as given (8)
 * by `tf.loadLayersModel`, behind one shape.
 */
import type * as tf from '@tensorflow/tfjs';
import { dcmGraphModelHandler, dcmLayersModelHandler } from '@dc/graph-model';
import { buildLayersModel } from '../no-retrain/layers-record-runner.js';
import { isLayersRecordDcm } from './inspect-graph.js';

/** A loaded GraphModel or LayersModel, as `dc run` runs it. */
export interface LoadedModel {
  readonly format: 'graph-model' | 'layers-model-as-given';
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[]; readonly dtype: string }>;
  readonly outputNames: readonly string[];
  execute(feed: tf.Tensor[]): Promise<tf.Tensor[]>;
  dispose(): void;
}

/** The outputs of one batch of a GraphModel (`executeAsync` for control flow or dynamic shapes). */
async function executeGraphModel(model: tf.GraphModel, feed: tf.Tensor[]): Promise<tf.Tensor[]> {
  const inputs = feed.length === 1 ? feed[0] : feed;
  let out: tf.Tensor | tf.Tensor[];
  try {
    out = model.execute(inputs);
  } catch {
    out = await model.executeAsync(inputs);
  }
  return Array.isArray(out) ? out : [out];
}

/** The file's model in tfjs: a GraphModel, or a LayersModel whose model.json the file keeps. */
export async function loadFileModel(tfjs: typeof tf, bytes: Uint8Array, path: string): Promise<LoadedModel> {
  if (isLayersRecordDcm(bytes)) {
    const model = await buildLayersModel(tfjs, dcmLayersModelHandler(bytes), path);
    return {
      format: 'layers-model-as-given',
      inputs: model.inputs.map((i, k) => ({ name: model.inputNames[k], shape: i.shape.map((d) => d ?? -1), dtype: i.dtype })),
      outputNames: model.outputNames,
      execute: async (feed) => {
        const y = model.predict(feed.length === 1 ? feed[0] : feed);
        return Array.isArray(y) ? y : [y];
      },
      dispose: () => model.dispose(),
    };
  }
  const model = await tfjs.loadGraphModel(dcmGraphModelHandler(bytes));
  return {
    format: 'graph-model',
    inputs: model.inputs.map((i) => ({ name: i.name, shape: i.shape ?? [], dtype: i.dtype })),
    outputNames: model.outputs.map((o) => o.name),
    execute: (feed) => executeGraphModel(model, feed),
    dispose: () => model.dispose(),
  };
}
