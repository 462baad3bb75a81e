/**
 * Exact rewrites of an IR model that let tfjs 4.22 compute what docs/format.md §7 specifies, where
 * tfjs itself falls short. Applied by the tfjs backend and the conformance reference before core's
 * `toLayersModel`; each rewrite computes the same function:
 *
 * - **Softmax along another axis than the last**: tfjs-core's softmax refuses it, so the node
 *   becomes permute (axis to last) → softmax → permute back.
 * - **SAME padding that pads nothing** on conv2d/depthwiseConv2d: tfjs-backend-wasm computes it
 *   wrongly when the window arithmetic's total padding is negative (a 2×1 kernel, stride 2, on 16
 *   columns); SAME with zero padding on both axes is exactly VALID, so it becomes `valid`.
 * - **PReLU sharing its slopes along an axis after one it does not share** (`sharedAxes` [2] of an
 *   image: one slope per row and channel): tfjs-backend-wasm repeats `alpha` with the period of its
 *   size, right only when the shared axes lead; `alpha` is tiled along the shared axes after the
 *   first unshared one, which are shared no more (the same slope for every element).
 */
import { preluAlphaShape, sampleAxis, validateModel, windowAxis, type ActivationConfig, type Layer, type LayerConfig, type Model, type PreluConfig, type ResolvedNode } from '@dc/core';
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

/** permute (axis `a` last) → softmax → permute back, the last node keeping `layer`'s name. */
function softmaxViaLastAxis(layer: Layer<ActivationConfig>, node: ResolvedNode, taken: ReadonlySet<string>): Layer[] {
  const rank = node.outputShape.length;
  const a = sampleAxis(layer.config.axis ?? -1, rank, { where: layer.name, code: 'INVALID_MODEL' }) + 1;
  if (a === rank) return [layer];
  const dims = [...Array.from({ length: rank }, (_, i) => i + 1).filter((d) => d !== a), a];
  const back = Array.from({ length: rank }, (_, i) => dims.indexOf(i + 1) + 1);
  let stem = `${layer.name}_last_axis`;
  while (taken.has(`${stem}_in`) || taken.has(`${stem}_softmax`)) stem += '_';
  return [
    { name: `${stem}_in`, config: { kind: 'permute', dims }, inputs: node.inputs, params: {} },
    { name: `${stem}_softmax`, config: { kind: 'activation', activation: 'softmax' }, params: {} },
    { name: layer.name, config: { kind: 'permute', dims: back }, params: {} },
  ];
}

/** `model` rewritten (exactly) into what tfjs 4.22 computes as specified; unchanged nodes are shared. */
export function tfjsCompatible(model: Model): Model {
  const graph = validateModel(model);
  const taken = new Set(model.layers.map((l) => l.name));
  const layers = model.layers.flatMap((layer, i): Layer[] => {
    const c = layer.config;
    const node = graph.nodes[i];
    if ((c.kind === 'conv2d' || c.kind === 'depthwiseConv2d') && c.padding === 'same') return [unpaddedSame(layer, node)];
    if (c.kind === 'activation' && c.activation === 'softmax') return softmaxViaLastAxis(layer as Layer<ActivationConfig>, node, taken);
    if (c.kind === 'prelu') return [leadingSharedAxes(layer as Layer<PreluConfig>, node)];
    return [layer];
  });
  return { ...model, layers };
}
