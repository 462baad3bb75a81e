/** The way back into tfjs: a GraphModel `.dcm` file as a `tf.io.IOHandler` for `tf.loadGraphModel`. */
import type * as tf from '@tensorflow/tfjs';
import { decodeGraphModelContainer, graphTensorValues, type DecodedGraphModel, type StreamDecoder } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { graphModelArtifacts } from './artifacts.js';

/** Options of {@link dcmGraphModelHandler}. */
export interface DcmGraphModelHandlerOptions {
  /** Decoders of the file's entropy-coded streams; default Huffman (`@dc/huffman`) and rANS (`@dc/rans`). */
  readonly decoders?: readonly StreamDecoder[];
}

/**
 * Decodes a GraphModel `.dcm` file (format version 4) with the default decoders (Huffman, rANS)
 * unless others are given: `decodeGraphModelContainer` of `@dc/core` with batteries.
 */
export function decodeGraphModel(bytes: Uint8Array | ArrayBuffer, options: DcmGraphModelHandlerOptions = {}): DecodedGraphModel {
  return decodeGraphModelContainer(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), { decoders: options.decoders ?? [huffmanDecoder, ransDecoder] });
}

/**
 * A `tf.io.IOHandler` whose `load()` decodes a GraphModel `.dcm` file (format version 4) and gives
 * tfjs its original topology, signature and metadata with dense weights (float32; int32 / bool as
 * stored): `await tf.loadGraphModel(dcmGraphModelHandler(bytes))` runs on any tfjs backend.
 * Pruned weights are exact zeros, clustered ones their centroids. A file's `preprocessing` record
 * (the input scaling given to `dc compress`) is added to the user-defined metadata as
 * `{ dcm: { preprocessing } }`, as `dcmHandler` of `@dc/core/tfjs` does. Decoding errors are the
 * container's `DcError`s (`WRONG_MODEL_FORMAT` for a layer-graph file, `UNKNOWN_ENCODING` when a
 * decoder is missing, `CHECKSUM_MISMATCH` / `BAD_HEADER` / ... for a damaged file).
 */
export function dcmGraphModelHandler(bytes: Uint8Array | ArrayBuffer, options: DcmGraphModelHandlerOptions = {}): tf.io.IOHandler {
  return {
    load: async () => {
      const decoded = decodeGraphModel(bytes, options);
      const { graph, preprocessing } = decoded;
      // The input scaling `dc compress` recorded travels as a LayersModel file's does (tfjs does not apply it).
      const record = preprocessing ? { ...graph, userDefinedMetadata: { ...graph.userDefinedMetadata, dcm: { preprocessing } } } : graph;
      return graphModelArtifacts(
        record,
        decoded.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, values: graphTensorValues(t) })),
      );
    },
  };
}
