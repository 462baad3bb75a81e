/**
 * Exact rewrites of an IR model that let tfjs-backend-wasm 4.22 compute what docs/format.md §7
 * specifies, where it falls short. Applied by the tfjs backend and the conformance reference before
 * core's `toLayersModel`; each rewrite computes the same function:
 *
 * - **SAME padding that pads nothing** on conv2d/depthwiseConv2d: tfjs-backend-wasm computes it
 *   wrongly when the window arithmetic's total padding is negative (a 2×1 kernel, stride 2, on 16
 *   columns); SAME with zero padding on both axes is exactly VALID, so it becomes `valid`.
 * - **PReLU sharing its slopes along an axis after one it does not share** (`sharedAxes` [2] of an
 *   image: one slope per row and channel): tfjs-backend-wasm repeats `alpha` with the period of its
 *   size, right only when the shared axes lead; `alpha` is tiled along the shared axes after the
 *   first unshared one, which are shared no more (the same slope for every element).
 */
import { preluAlphaShape, validateModel, windowAxis, type Layer, type LayerConfig, type Model, type PreluConfig, type ResolvedNode } from '@dc/core';
import { preluSlopes } from '../model/prelu-slopes.js';

function unpaddedSame(layer: Layer, node: ResolvedNode): Layer {
  const c = layer.config as Extract<LayerConfig, { kind: 'conv2d' | 'depthwiseConv2d' }>;
  const [h, w] = node.inputShapes[0];
  const d = c.dilationRate ?? [1, 1];
  const y = windowAxis(h, c.kernelSize[0], c.strides[0], 'same', d[0]);
  const x = windowAxis(w, c.kernelSize[1], c.strides[1], 'same', d[1]);
  return y.before + y.after + x.before + x.after > 0 ? layer : { ...layer, config: { ...c, padding: 'valid' } };
}

/** A `prelu` whose shared axes all lead (extent-1 axes count as shared): as it is; else `alpha` tiled along the later ones. */
function leadingSharedAxes(layer: Layer<PreluConfig>, node: ResolvedNode): Layer {
  const shape = node.inputShapes[0];
  const shared = layer.config.sharedAxes ?? [];
  let lead = 0;
  while (lead < shape.length && (shared.includes(lead + 1) || shape[lead] === 1)) lead++;
  if (shared.every((a) => a <= lead || shape[a - 1] === 1)) return layer;
  const sharedAxes = shared.filter((a) => a <= lead);
  // The slopes of the first element of the leading axes: alpha of shape [1, …, 1, shape[lead], …].
  const slopes = preluSlopes(layer.params.alpha!.values, shape, layer.config);
  const alpha = { shape: [...preluAlphaShape(shape, sharedAxes)], values: slopes.slice(0, shape.slice(lead).reduce((a, b) => a * b, 1)) };
  return { ...layer, config: sharedAxes.length > 0 ? { kind: 'prelu', sharedAxes } : { kind: 'prelu' }, params: { alpha } };
}

/** `model` rewritten (exactly) into what tfjs 4.22 computes as specified; unchanged nodes are shared. */
export function tfjsCompatible(model: Model): Model {
  const graph = validateModel(model);
  const layers = model.layers.map((layer, i): Layer => {
    const c = layer.config;
    const node = graph.nodes[i];
    if ((c.kind === 'conv2d' || c.kind === 'depthwiseConv2d') && c.padding === 'same') return unpaddedSame(layer, node);
    if (c.kind === 'prelu') return leadingSharedAxes(layer as Layer<PreluConfig>, node);
    return layer;
  });
  return { ...model, layers };
}
