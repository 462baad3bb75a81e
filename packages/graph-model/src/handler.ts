/** The way back into tfjs: a `.dcm` file that keeps a model.json record as a `tf.io.IOHandler`, for `tf.loadGraphModel` (a GraphModel) or `tf.loadLayersModel` (a LayersModel kept as given). */
import type * as tf from '@tensorflow/tfjs';
import { DcError, decodeGraphModelContainer, graphTensorValues, type DecodedGraphModel, type GraphModelRecord, type StreamDecoder } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { graphModelArtifacts } from './artifacts.js';

/** Options of {@link dcmGraphModelHandler}. */
export interface DcmGraphModelHandlerOptions {
  /** Decoders of the file's entropy-coded streams; default Huffman (`@dc/huffman`) and rANS (`@dc/rans`). */
  readonly decoders?: readonly StreamDecoder[];
}

/**
 * Decodes a GraphModel `.dcm` file (format version 4 to 6) or a LayersModel's record (version 8) with the default decoders (Huffman, rANS)
 * unless others are given: `decodeGraphModelContainer` of `@dc/core` with batteries.
 */
export function decodeGraphModel(bytes: Uint8Array | ArrayBuffer, options: DcmGraphModelHandlerOptions = {}): DecodedGraphModel {
  return decodeGraphModelContainer(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), { decoders: options.decoders ?? [huffmanDecoder, ransDecoder] });
}

/** The artifacts of a decoded file whose record is of `format`; another record is `WRONG_MODEL_FORMAT`. */
function artifactsOf(bytes: Uint8Array | ArrayBuffer, format: GraphModelRecord['format'], options: DcmGraphModelHandlerOptions): tf.io.ModelArtifacts {
  const decoded = decodeGraphModel(bytes, options);
  const { graph, preprocessing } = decoded;
  if (graph.format !== format) {
    const [loader, handler] = graph.format === 'layers-model' ? ['tf.loadLayersModel', 'dcmLayersModelHandler'] : ['tf.loadGraphModel', 'dcmGraphModelHandler'];
    throw new DcError('WRONG_MODEL_FORMAT', `the file holds a tfjs ${graph.format} model, not a ${format} model`, { hint: `Load it with ${loader}(${handler}(bytes)).` });
  }
  // The input scaling `dc compress` recorded travels as a LayersModel file's does (tfjs does not apply it).
  const record = preprocessing ? { ...graph, userDefinedMetadata: { ...graph.userDefinedMetadata, dcm: { preprocessing } } } : graph;
  return graphModelArtifacts(
    record,
    decoded.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, values: graphTensorValues(t) })),
  );
}

/**
 * A `tf.io.IOHandler` whose `load()` decodes a GraphModel `.dcm` file (format version 4 to 6) and gives
 * tfjs its original topology, signature and metadata with dense weights (float32; int32 / bool as
 * stored): `await tf.loadGraphModel(dcmGraphModelHandler(bytes))` runs on any tfjs backend.
 * Pruned weights are exact zeros, clustered ones their centroids. A file's `preprocessing` record
 * (the input scaling given to `dc compress`) is added to the user-defined metadata as
 * `{ dcm: { preprocessing } }`, as `dcmHandler` of `@dc/core/tfjs` does. Decoding errors are the
 * container's `DcError`s (`WRONG_MODEL_FORMAT` for a layer-graph file or a LayersModel's record,
 * `UNKNOWN_ENCODING` when a decoder is missing, `CHECKSUM_MISMATCH` / `BAD_HEADER` / ... for a
 * damaged file).
 */
export function dcmGraphModelHandler(bytes: Uint8Array | ArrayBuffer, options: DcmGraphModelHandlerOptions = {}): tf.io.IOHandler {
  return { load: async () => artifactsOf(bytes, 'graph-model', options) };
}

/**
 * A `tf.io.IOHandler` for a `.dcm` file that keeps a LayersModel's model.json as given (format
 * version 8, written by `dc compress --no-retrain` for models dc's layer graph cannot hold): its
 * Keras topology and training config unchanged, with dense weights, so that
 * `await tf.loadLayersModel(dcmLayersModelHandler(bytes))` builds the model on any tfjs backend.
 * Otherwise as {@link dcmGraphModelHandler} (a GraphModel's file is `WRONG_MODEL_FORMAT`). A
 * layer-graph file (versions 1-3, 7) loads with `dcmHandler` of `@dc/core/tfjs` instead.
 */
export function dcmLayersModelHandler(bytes: Uint8Array | ArrayBuffer, options: DcmGraphModelHandlerOptions = {}): tf.io.IOHandler {
  return { load: async () => artifactsOf(bytes, 'layers-model', options) };
}
