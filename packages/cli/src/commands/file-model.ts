/**
 * The model of a `.dcm` file that keeps a model.json record, loaded into tfjs for `dc run`: a
 * GraphModel's (format version 4 to 6) by `tf.loadGraphModel`, a LayersModel's kept as given (8)
 * by `tf.loadLayersModel`, behind one shape.
 */
import type * as tf from '@tensorflow/tfjs';
import { dcmGraphModelHandler, dcmLayersModelHandler, executeGraph } from '@dc/graph-model';
import { graphInputs, type ModelRunner } from '../no-retrain/graph-runner.js';
import { buildLayersModel, layersInputs, predictAll } from '../no-retrain/layers-record-runner.js';
import { isLayersRecordDcm } from './inspect-graph.js';

/** A loaded GraphModel or LayersModel, as `dc run` runs it. */
export interface LoadedModel {
  readonly format: 'graph-model' | 'layers-model-as-given';
  readonly inputs: ModelRunner['inputs'];
  readonly outputNames: readonly string[];
  execute(feed: tf.Tensor[]): Promise<tf.Tensor[]>;
  dispose(): void;
}

/** The file's model in tfjs: a GraphModel, or a LayersModel whose model.json the file keeps. */
export async function loadFileModel(tfjs: typeof tf, bytes: Uint8Array, path: string): Promise<LoadedModel> {
  if (isLayersRecordDcm(bytes)) {
    const model = await buildLayersModel(tfjs, dcmLayersModelHandler(bytes), path);
    return {
      format: 'layers-model-as-given',
      inputs: layersInputs(model),
      outputNames: model.outputNames,
      execute: async (feed) => predictAll(model, feed),
      dispose: () => model.dispose(),
    };
  }
  const model = await tfjs.loadGraphModel(dcmGraphModelHandler(bytes));
  const outputNames = model.outputs.map((o) => o.name);
  return {
    format: 'graph-model',
    inputs: graphInputs(model),
    outputNames,
    // execute, or executeAsync for control flow or dynamic shapes.
    execute: (feed) => executeGraph(model, feed.length === 1 ? feed[0] : feed, outputNames),
    dispose: () => model.dispose(),
  };
}
