/**
 * Small compressed graphs that exercise every op and activation of core's table on the WebGPU
 * backend (test-only): odd spatial sizes, SAME/VALID, strides 1 and 2, dilation 2, depthwise
 * multiplier 2, merges of more inputs than one program binds, concatenation along every axis.
 */
import { checkGraph, createRandom, densify, NODE_ACTIVATIONS, type CompressedModel, type CompressedTensor, type LayerTopology, type ParamName } from '@dc/core';
import { randomKernel, type KernelLayout } from '../../testing/random-model.js';

const LAYOUTS: KernelLayout[] = ['sparse-coded', 'sparse', 'dense-coded', 'dense'];

/** A compressed model of `layers` with random parameters: kernels pruned to `density` in rotating layouts, 4-bit codes. */
export function compressedGraph(name: string, inputShape: number[], layers: LayerTopology[], seed = 1, density = 0.6): CompressedModel {
  const graph = checkGraph({ inputShape, layers }, 'INVALID_MODEL', { params: false });
  const r = createRandom(seed);
  const tensors = new Map<string, CompressedTensor>();
  let kernels = 0;
  graph.nodes.forEach((n) => {
    for (const [param, shape] of Object.entries(n.params) as [ParamName, number[]][]) {
      const key = `${n.name}/${param}`;
      if (param === 'kernel') {
        tensors.set(key, randomKernel(r, { shape, density, bits: 4, layout: LAYOUTS[kernels++ % LAYOUTS.length] }));
        continue;
      }
      const positive = param === 'gamma' || param === 'movingVariance';
      const values = Float32Array.from({ length: shape[0] }, () => (positive ? 0.5 + r.next() : 0.4 * (r.next() - 0.5)));
      tensors.set(key, { layout: 'dense', shape: [...shape], values });
    }
  });
  return { name, inputShape, layers, tensors, stages: [] };
}

/** Every activation of an `activation` node (softmax over the last axis), with parameters where they exist. */
export function activationNodes(): LayerTopology[] {
  const nodes: LayerTopology[] = NODE_ACTIVATIONS.map((activation) => ({ name: `act_${activation}`, config: { kind: 'activation', activation }, inputs: ['pre'] }));
  nodes.push({ name: 'act_relu_max', config: { kind: 'activation', activation: 'relu', maxValue: 2.5 }, inputs: ['pre'] });
  nodes.push({ name: 'act_leaky_01', config: { kind: 'activation', activation: 'leakyRelu', alpha: 0.1 }, inputs: ['pre'] });
  return nodes;
}

/**
 * Every activation side by side: `x → dense (linear, 24 units) → each activation → concatenate`.
 * Output: 24 values per activation, in {@link activationNodes} order.
 */
export function activationsModel(seed = 1): CompressedModel {
  const branches = activationNodes();
  return compressedGraph('activations', [16], [
    { name: 'pre', config: { kind: 'dense', units: 24, activation: 'linear', useBias: true } },
    ...branches,
    { name: 'cat', config: { kind: 'concatenate', axis: -1 }, inputs: branches.map((b) => b.name) },
  ], seed, 1);
}

/** Layer activations fused into dense, conv2d and depthwise layers. */
export function fusedActivationsModel(seed = 2): CompressedModel {
  return compressedGraph('fused', [6, 5, 2], [
    { name: 'c', config: { kind: 'conv2d', filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'gelu', useBias: true } },
    { name: 'dw', config: { kind: 'depthwiseConv2d', kernelSize: [2, 2], strides: [1, 1], padding: 'valid', depthMultiplier: 2, activation: 'selu', useBias: true } },
    { name: 'f', config: { kind: 'flatten' } },
    { name: 'd1', config: { kind: 'dense', units: 12, activation: 'mish', useBias: true } },
    { name: 'd2', config: { kind: 'dense', units: 7, activation: 'softmax', useBias: false } },
  ], seed);
}

/**
 * Convolutions and spatial ops: dilation, depthwise multiplier 2, strides, SAME/VALID, padding,
 * cropping, pooling. (Dilated depthwise convolutions are checked apart: tfjs-layers' DepthwiseConv2D
 * ignores `dilationRate`, so the tfjs reference cannot compute them; see {@link undilated}.)
 */
export function spatialModel(seed = 3): CompressedModel {
  return compressedGraph('spatial', [9, 7, 2], [
    { name: 'dil', config: { kind: 'conv2d', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', dilationRate: [2, 2], activation: 'elu', useBias: true } },
    { name: 'dwd', config: { kind: 'depthwiseConv2d', kernelSize: [3, 2], strides: [1, 1], padding: 'same', depthMultiplier: 1, activation: 'linear', useBias: false } },
    { name: 'bn', config: { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true } },
    { name: 'pad', config: { kind: 'zeroPadding2d', amounts: [[1, 2], [0, 3]] } },
    { name: 'crop', config: { kind: 'cropping2d', amounts: [[0, 3], [2, 1]] } },
    { name: 'avg', config: { kind: 'avgPool2d', poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
    { name: 'max', config: { kind: 'maxPool2d', poolSize: [2, 3], strides: [1, 2], padding: 'same' }, inputs: ['crop'] },
    { name: 'dw2', config: { kind: 'depthwiseConv2d', kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: 2, activation: 'relu6', useBias: true }, inputs: ['input'] },
    { name: 'bn2', config: { kind: 'batchNorm', epsilon: 1e-2, center: false, scale: false } },
    { name: 'sum', config: { kind: 'add' }, inputs: ['avg', 'bn2'] },
    { name: 'dwv', config: { kind: 'depthwiseConv2d', kernelSize: [3, 3], strides: [2, 2], padding: 'valid', depthMultiplier: 2, activation: 'linear', useBias: true }, inputs: ['input'] },
    { name: 'gap', config: { kind: 'globalAvgPool2d' }, inputs: ['max'] },
    { name: 'gmp', config: { kind: 'globalMaxPool2d' }, inputs: ['sum'] },
    { name: 'gmv', config: { kind: 'globalMaxPool2d' }, inputs: ['dwv'] },
    { name: 'cat', config: { kind: 'concatenate', axis: -1 }, inputs: ['gap', 'gmp', 'gmv'] },
    { name: 'head', config: { kind: 'dense', units: 5, activation: 'softmax', useBias: true } },
  ], seed);
}

/** Merges, concatenation along each axis and permute on a [4, 3, 2] input. */
export function mergeModel(seed = 4): CompressedModel {
  const merges = ['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum'] as const;
  const layers: LayerTopology[] = [
    { name: 'a', config: { kind: 'conv2d', filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'tanh', useBias: true } },
    { name: 'b', config: { kind: 'conv2d', filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'linear', useBias: true }, inputs: ['input'] },
    ...merges.map((kind): LayerTopology => ({ name: kind, config: { kind }, inputs: ['a', 'b'] })),
    // 8 inputs: more than one merge program binds
    { name: 'add8', config: { kind: 'add' }, inputs: ['a', 'b', 'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum'] },
    { name: 'avg8', config: { kind: 'average' }, inputs: ['minimum', 'maximum', 'average', 'multiply', 'subtract', 'add', 'b', 'a'] },
    { name: 'twice', config: { kind: 'multiply' }, inputs: ['add8', 'add8'] },
    { name: 'cat_h', config: { kind: 'concatenate', axis: 1 }, inputs: ['twice', 'avg8', 'a'] },
    { name: 'cat_w', config: { kind: 'concatenate', axis: 2 }, inputs: ['cat_h', 'cat_h'] },
    { name: 'perm', config: { kind: 'permute', dims: [3, 1, 2] } },
    { name: 'perm_flat', config: { kind: 'flatten' } },
    { name: 'perm2', config: { kind: 'permute', dims: [2, 3, 1] }, inputs: ['perm'] },
    { name: 'cat_c', config: { kind: 'concatenate', axis: -1 }, inputs: ['perm2', 'cat_w'] },
    { name: 'flat', config: { kind: 'flatten' } },
    { name: 'out', config: { kind: 'concatenate', axis: -1 }, inputs: ['perm_flat', 'flat'] },
  ];
  return compressedGraph('merges', [4, 3, 2], layers, seed);
}

/**
 * Dilated depthwise convolutions (multiplier 2, SAME and VALID, strides 1), and {@link undilated}
 * gives the same model with each dilated kernel spelled out (zeros between the taps), which tfjs
 * computes: both must agree.
 */
export function dilatedDepthwiseModel(seed = 5): CompressedModel {
  return compressedGraph('dilated-depthwise', [9, 8, 2], [
    { name: 'a', config: { kind: 'depthwiseConv2d', kernelSize: [3, 2], strides: [1, 1], padding: 'same', dilationRate: [2, 3], depthMultiplier: 2, activation: 'linear', useBias: true } },
    { name: 'b', config: { kind: 'depthwiseConv2d', kernelSize: [2, 2], strides: [1, 1], padding: 'valid', dilationRate: [2, 2], depthMultiplier: 1, activation: 'relu', useBias: false } },
  ], seed);
}

/** `cm` with every dilated depthwise kernel expanded to its undilated equivalent (dense layout, zeros between taps). */
export function undilated(cm: CompressedModel): CompressedModel {
  const tensors = new Map(cm.tensors);
  const layers = cm.layers.map((l): LayerTopology => {
    const c = l.config;
    if (c.kind !== 'depthwiseConv2d' || !c.dilationRate) return l;
    const k = tensors.get(`${l.name}/kernel`)!;
    const [kh, kw, ch, m] = k.shape;
    const [dy, dx] = c.dilationRate;
    const [eh, ew] = [(kh - 1) * dy + 1, (kw - 1) * dx + 1];
    const dense = densify(k);
    const values = new Float32Array(eh * ew * ch * m);
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) values.set(dense.subarray((y * kw + x) * ch * m, (y * kw + x + 1) * ch * m), (y * dy * ew + x * dx) * ch * m);
    tensors.set(`${l.name}/kernel`, { layout: 'dense', shape: [eh, ew, ch, m], values });
    const { dilationRate: _, ...rest } = c;
    return { ...l, config: { ...rest, kernelSize: [eh, ew] } };
  });
  return { ...cm, layers, tensors };
}
