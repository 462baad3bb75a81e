/**
 * Saving a model with a dilated `depthwiseConv2d` node (`dcmHandler`, `dc export`). The trainable
 * subclass `toLayersModel` builds for it (`dilated-depthwise.ts`) serialises as tfjs's
 * `DepthwiseConv2D`, which tfjs reloads undilated. A dilated `SeparableConv2D` is held as such a node
 * and the 1×1 `conv2d` that alone reads it: saved as one tfjs `SeparableConv2D`, which tfjs dilates,
 * it reloads as it was (though tfjs cannot train it: it has no gradient for the dilation). Any other
 * dilated depthwise node is saved with its kernel spelled out undilated, zeros between the taps:
 * `(k − 1)·d + 1` taps per axis, the same window, so the same padding and output.
 */
import type * as tf from '@tensorflow/tfjs';
import { inputsOf } from '../ir/graph.js';
import type { Layer, Model } from '../ir/model.js';

const isDilatedDepthwise = (c: Layer['config']): c is Extract<Layer['config'], { kind: 'depthwiseConv2d' }> => c.kind === 'depthwiseConv2d' && (c.dilationRate?.some((r) => r > 1) ?? false);

/** For each 1×1 `conv2d` that alone reads a dilated, linear, bias-free `depthwiseConv2d` node: its index → the depthwise node's. */
export function dilatedSeparablePairs(model: Model): Map<number, number> {
  const readers = new Map<string, number[]>();
  model.layers.forEach((_node, i) => {
    for (const name of inputsOf(model, i)) readers.set(name, [...(readers.get(name) ?? []), i]);
  });
  const pairs = new Map<number, number>();
  model.layers.forEach((node, d) => {
    const c = node.config;
    if (!isDilatedDepthwise(c) || c.activation !== 'linear' || c.useBias) return;
    const only = readers.get(node.name);
    if (only?.length !== 1) return;
    const p = model.layers[only[0]].config;
    const pointwise = p.kind === 'conv2d' && p.kernelSize.every((k) => k === 1) && p.strides.every((s) => s === 1) && !p.dilationRate?.some((r) => r > 1);
    if (pointwise && inputsOf(model, only[0]).length === 1) pairs.set(only[0], d);
  });
  return pairs;
}

/** The tfjs `SeparableConv2D` of a pair (named as the pointwise node), weights not yet set. */
export function makeSeparableLayer(tfjs: typeof tf, depthwise: Layer, pointwise: Layer): tf.layers.Layer {
  const d = depthwise.config as Extract<Layer['config'], { kind: 'depthwiseConv2d' }>;
  const p = pointwise.config as Extract<Layer['config'], { kind: 'conv2d' }>;
  const layer = tfjs.layers.separableConv2d({
    name: pointwise.name,
    filters: p.filters,
    kernelSize: [...d.kernelSize] as [number, number],
    strides: [...d.strides] as [number, number],
    padding: d.padding,
    dilationRate: [...d.dilationRate!] as [number, number],
    depthMultiplier: d.depthMultiplier,
    activation: p.activation as never,
    useBias: p.useBias,
  });
  // tfjs 4.22's SeparableConv2D leaves depthMultiplier out of its config, so a reload would build it with 1.
  const config = layer.getConfig.bind(layer);
  layer.getConfig = () => ({ ...config(), depthMultiplier: d.depthMultiplier });
  return layer;
}

/** Sets a pair's `SeparableConv2D` weights: depthwise kernel, pointwise kernel, bias. */
export function setSeparableWeights(layer: tf.layers.Layer, depthwise: Layer, pointwise: Layer, tfjs: typeof tf): void {
  const tensors = [depthwise.params.kernel!, pointwise.params.kernel!, ...(pointwise.params.bias ? [pointwise.params.bias] : [])].map((t) => tfjs.tensor(t.values, [...t.shape], 'float32'));
  layer.setWeights(tensors);
  tfjs.dispose(tensors);
}

/** `node` as tfjs can reload it: a dilated `depthwiseConv2d` with its kernel spelled out undilated; any other node as it is. */
export function undilatedForSaving(node: Layer): Layer {
  const c = node.config;
  if (!isDilatedDepthwise(c)) return node;
  const [dy, dx] = c.dilationRate!;
  const k = node.params.kernel!;
  const [kh, kw, ch, m] = k.shape;
  const [eh, ew] = [(kh - 1) * dy + 1, (kw - 1) * dx + 1];
  const values = new Float32Array(eh * ew * ch * m);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) values.set(k.values.subarray((y * kw + x) * ch * m, (y * kw + x + 1) * ch * m), (y * dy * ew + x * dx) * ch * m);
  const { dilationRate: _dropped, ...config } = c;
  return { ...node, config: { ...config, kernelSize: [eh, ew] }, params: { ...node.params, kernel: { shape: [eh, ew, ch, m], values } } };
}
