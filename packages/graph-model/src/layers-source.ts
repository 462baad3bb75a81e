/**
 * A tfjs LayersModel kept as given: its model.json record (the Keras topology never converted)
 * and its weights decoded, for a `.dcm` file of format version 8 that `tf.loadLayersModel` loads
 * back. The way to compress a LayersModel that dc's layer graph cannot hold — several inputs or
 * outputs, shared layers, layers without a node kind — since nothing but its weights changes.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, KERAS_LAYER_GRAPH_HINT, kerasLayerGraphProblem, textOf } from '@dc/core';
import { fromKeras3, readModelArtifacts } from '@dc/core/tfjs';
import { checkWeightDtypes, decodeSourceTensors, type GraphModelSource, type GraphModelSourceOptions } from './source.js';

/** Whether `artifacts` hold a LayersModel: `format: "layers-model"`, or none and a Keras topology. */
function isLayersTopology(artifacts: tf.io.ModelArtifacts): boolean {
  const t = artifacts.modelTopology as { class_name?: unknown; model_config?: { class_name?: unknown } } | undefined;
  if (typeof t !== 'object' || t === null || t instanceof ArrayBuffer) return false;
  const keras = typeof t.class_name === 'string' || typeof t.model_config?.class_name === 'string';
  return keras && (artifacts.format === undefined || artifacts.format === 'layers-model');
}

/**
 * Checks that `artifacts` (from any tfjs IOHandler) hold a LayersModel whose weights this package
 * can store, and decodes them: `WRONG_MODEL_FORMAT` for a GraphModel (use `graphModelSource`),
 * `BAD_MODEL_JSON` for a weight of a dtype other than float32 / int32 / bool; both before any
 * weight is decoded. A Keras 3 model.json, which tfjs 4 cannot read, is kept in the Keras 2
 * dialect tfjs reads (`fromKeras3` of `@dc/core/tfjs`: the same layers, its weights named as tfjs
 * names them; a call it cannot rewrite is `UNSUPPORTED_TOPOLOGY`). A layer call whose input no
 * layer makes, on which tfjs would wait forever, is `BAD_MODEL_JSON` (`kerasLayerGraphProblem` of
 * `@dc/core`); the topology is not checked otherwise: tfjs checks it when it loads the model.
 */
export async function layersModelSource(artifacts: tf.io.ModelArtifacts, source: string, options: Omit<GraphModelSourceOptions, 'customOps'> = {}): Promise<GraphModelSource> {
  if (!isLayersTopology(artifacts)) {
    throw new DcError('WRONG_MODEL_FORMAT', `${source} is not a tfjs LayersModel (format ${textOf(artifacts.format ?? 'unstated') ?? 'unreadable'}, no Keras topology)`, { hint: 'Load a GraphModel with loadGraphModelArtifacts; `dc compress` detects the format.' });
  }
  checkWeightDtypes(artifacts, source);
  const readable = fromKeras3(artifacts, source);
  const wiring = kerasLayerGraphProblem(readable.modelTopology);
  if (wiring) throw new DcError('BAD_MODEL_JSON', `${source}: ${wiring}`, { hint: KERAS_LAYER_GRAPH_HINT });
  return { artifacts: { ...readable, format: 'layers-model' }, tensors: await decodeSourceTensors(readable, options) };
}

/**
 * Reads a LayersModel's `model.json` (path or `file://` URL) and weight shards with `@dc/core`'s
 * file handler and decodes its weights (see {@link layersModelSource}): a missing or short shard
 * is `MODEL_WEIGHTS_MISSING`, an unreadable file `BAD_MODEL_JSON`, a GraphModel
 * `WRONG_MODEL_FORMAT`. Node only.
 */
export async function loadLayersModelArtifacts(pathOrUrl: string, options: Omit<GraphModelSourceOptions, 'customOps'> = {}): Promise<GraphModelSource> {
  const { artifacts } = await readModelArtifacts(pathOrUrl, 'layers-model');
  return layersModelSource(artifacts, pathOrUrl, options);
}
