/**
 * A workaround for tfjs-backend-wasm 4.22: its conv2d and depthwiseConv2d compute SAME padding
 * wrongly when the window arithmetic's total padding `(out − 1)·s + K − n` is negative (e.g. a
 * 2×1 kernel, stride 2, on 16 columns: tfjs-cpu pads nothing, tfjs-wasm shifts the window). SAME
 * with zero padding on both axes is exactly VALID (same output size, no padding), so those nodes
 * are given `valid` before the model is built; every other node is unchanged.
 */
import { validateModel, windowAxis, type LayerConfig, type Model } from '@dc/core';

/** `model` with `padding: 'valid'` on each convolution whose SAME padding is zero on both axes. */
export function sameAsValidWhereUnpadded(model: Model): Model {
  const graph = validateModel(model);
  const layers = model.layers.map((layer, i) => {
    const c = layer.config;
    if ((c.kind !== 'conv2d' && c.kind !== 'depthwiseConv2d') || c.padding !== 'same') return layer;
    const [h, w] = graph.nodes[i].inputShapes[0];
    const d = c.dilationRate ?? [1, 1];
    const y = windowAxis(h, c.kernelSize[0], c.strides[0], 'same', d[0]);
    const x = windowAxis(w, c.kernelSize[1], c.strides[1], 'same', d[1]);
    if (y.before + y.after + x.before + x.after > 0) return layer;
    return { ...layer, config: { ...c, padding: 'valid' } as LayerConfig };
  });
  return { ...model, layers };
}
