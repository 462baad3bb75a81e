/** Weights and a model.json record back into tfjs `ModelArtifacts`, for `tf.loadGraphModel`. */
import type * as tf from '@tensorflow/tfjs';
import type { GraphModelRecord } from '@dc/core';
import type { GraphModelSourceTensor } from './source.js';

/**
 * The `ModelArtifacts` of a GraphModel with `record`'s topology, signature and metadata, unchanged,
 * and `tensors` as plain (unquantized) weights in the given order: what `tf.io.fromMemory` and the
 * `.dcm` handler give `tf.loadGraphModel`.
 */
export function graphModelArtifacts(record: GraphModelRecord, tensors: readonly Omit<GraphModelSourceTensor, 'quantization'>[]): tf.io.ModelArtifacts {
  const data = new Uint8Array(tensors.reduce((n, t) => n + t.values.byteLength, 0));
  let offset = 0;
  for (const t of tensors) {
    data.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), offset);
    offset += t.values.byteLength;
  }
  const { format, modelTopology, ...rest } = record;
  return {
    ...rest,
    format,
    modelTopology: modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: tensors.map((t) => ({ name: t.name, shape: [...t.shape], dtype: t.dtype })),
    weightData: data.buffer,
  } as tf.io.ModelArtifacts;
}
