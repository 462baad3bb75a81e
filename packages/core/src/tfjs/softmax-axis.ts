/**
 * tfjs-core 4.22's softmax takes the last axis only ("Softmax along a non-last dimension is not yet
 * supported"), so a tfjs `Softmax` layer along another axis — Keras' `Softmax(axis=1)` over the
 * steps of an attention-pooling block — builds but cannot run, train or be saved and run again. For
 * tfjs, `toLayersModel` spells such a softmax out as a permute that moves the axis last, the softmax,
 * and a permute back (named as the node, so weights and later nodes find it by name): the same
 * function, in layers every tfjs backend runs and every tfjs loader reads.
 */
import type { ActivationConfig, Layer, Model } from '../ir/model.js';
import { sampleAxis } from '../ops/op-spec.js';
import type { ResolvedGraph } from '../ops/check-graph.js';

/**
 * `model` (whose `validateModel` result is `graph`) with each softmax along an axis other than the
 * last spelled out on the last (see the module's doc); `model` itself when there is none.
 */
export function softmaxOnLastAxis(model: Model, graph: ResolvedGraph): Model {
  const taken = new Set(model.layers.map((l) => l.name));
  let changed = false;
  const layers = model.layers.flatMap((layer, i): Layer[] => {
    const c = layer.config;
    if (c.kind !== 'activation' || c.activation !== 'softmax') return [layer];
    const node = graph.nodes[i];
    const rank = node.outputShape.length;
    const axis = sampleAxis((c as ActivationConfig).axis ?? -1, rank, { where: layer.name, code: 'INVALID_MODEL' }) + 1;
    if (axis === rank) return [layer];
    changed = true;
    const dims = [...Array.from({ length: rank }, (_, d) => d + 1).filter((d) => d !== axis), axis];
    const back = Array.from({ length: rank }, (_, d) => dims.indexOf(d + 1) + 1);
    let stem = `${layer.name}_last_axis`;
    while (taken.has(`${stem}_in`) || taken.has(`${stem}_softmax`)) stem += '_';
    taken.add(`${stem}_in`).add(`${stem}_softmax`);
    return [
      { name: `${stem}_in`, config: { kind: 'permute', dims }, inputs: node.inputs, params: {} },
      { name: `${stem}_softmax`, config: { kind: 'activation', activation: 'softmax' }, params: {} },
      { name: layer.name, config: { kind: 'permute', dims: back }, params: {} },
    ];
  });
  return changed ? { ...model, layers } : model;
}
