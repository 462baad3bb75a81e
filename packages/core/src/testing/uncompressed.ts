import type { CompressedModel, CompressedTensor } from '../compressed.js';
import type { Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';

/** `model` as a file would hold it with nothing compressed: every parameter dense float32 (tests of the ops alone). */
export function uncompressedModel(model: Model): CompressedModel {
  const tensors = new Map<string, CompressedTensor>(listParams(model).map((r) => [r.key, { layout: 'dense', shape: [...r.tensor.shape], values: r.tensor.values }]));
  return { ...model, layers: model.layers.map(({ params: _params, ...layer }) => layer), tensors, stages: [] };
}
