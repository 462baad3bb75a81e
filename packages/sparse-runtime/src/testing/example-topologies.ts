/**
 * Small modern topologies on MNIST-sized inputs, for the runtime's activation-memory figures
 * and tests until trained examples exist: a ResNet-style model (batch norms, residual adds with an
 * identity and a strided 1×1 projection shortcut), a MobileNet-style model (depthwise
 * separable blocks with batch norms and ReLU6, a depthwise multiplier of 2) and a hybrid
 * transformer (a patch stem, then Keras' `MultiHeadAttention` as `@dc/core/tfjs` converts it). All
 * end in global average pooling and a softmax dense layer. Fill them with `withRandomParams` from
 * `@dc/core/testing`.
 */
import type { Activation, LayerConfig, LayerTopology, Tensor } from '@dc/core';
import type { TopologySpec } from '@dc/core/testing';
import { multiHeadAttentionNodes } from '@dc/core/tfjs';

type Pair = [number, number];
const conv = (filters: number, k: number, s: number, padding: 'same' | 'valid' = 'same', activation: Activation = 'linear', useBias = false): LayerConfig => ({
  kind: 'conv2d', filters, kernelSize: [k, k] as Pair, strides: [s, s] as Pair, padding, activation, useBias,
});
const bn: LayerConfig = { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true };
const relu: LayerConfig = { kind: 'activation', activation: 'relu' };
const relu6: LayerConfig = { kind: 'activation', activation: 'relu6' };

/** A ResNet-style network: stem, two identity blocks, a strided block with a projection shortcut, head. */
export function resnetStyleTopology(): TopologySpec {
  const layers: LayerTopology[] = [
    { name: 'stem', config: conv(16, 3, 1) },
    { name: 'stem_bn', config: bn },
    { name: 'stem_relu', config: relu },
  ];
  const block = (name: string, input: string, filters: number, stride: number): string => {
    layers.push(
      { name: `${name}_conv1`, config: conv(filters, 3, stride), inputs: [input] },
      { name: `${name}_bn1`, config: bn },
      { name: `${name}_relu1`, config: relu },
      { name: `${name}_conv2`, config: conv(filters, 3, 1) },
      { name: `${name}_bn2`, config: bn },
    );
    let shortcut = input;
    if (stride > 1) {
      layers.push({ name: `${name}_proj`, config: conv(filters, 1, stride, 'valid'), inputs: [input] }, { name: `${name}_proj_bn`, config: bn });
      shortcut = `${name}_proj_bn`;
    }
    layers.push({ name: `${name}_add`, config: { kind: 'add' }, inputs: [shortcut, `${name}_bn2`] }, { name: `${name}_relu`, config: relu });
    return `${name}_relu`;
  };
  let x = block('block1', 'stem_relu', 16, 1);
  x = block('block2', x, 16, 1);
  x = block('block3', x, 32, 2);
  layers.push({ name: 'gap', config: { kind: 'globalAvgPool2d' }, inputs: [x] }, { name: 'head', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true } });
  return { name: 'resnet-style', inputShape: [28, 28, 1], layers };
}

/** A MobileNet-style network: a strided stem, four depthwise separable blocks, head. */
export function mobilenetStyleTopology(): TopologySpec {
  const layers: LayerTopology[] = [
    { name: 'stem', config: conv(16, 3, 2) },
    { name: 'stem_bn', config: bn },
    { name: 'stem_relu6', config: relu6 },
  ];
  const separable = (name: string, filters: number, stride: number, multiplier: number) => {
    layers.push(
      { name: `${name}_dw`, config: { kind: 'depthwiseConv2d', kernelSize: [3, 3], strides: [stride, stride], padding: 'same', depthMultiplier: multiplier, activation: 'linear', useBias: false } },
      { name: `${name}_dw_bn`, config: bn },
      { name: `${name}_dw_relu6`, config: relu6 },
      { name: `${name}_pw`, config: conv(filters, 1, 1, 'valid') },
      { name: `${name}_pw_bn`, config: bn },
      { name: `${name}_pw_relu6`, config: relu6 },
    );
  };
  separable('sep1', 32, 1, 1);
  separable('sep2', 64, 2, 1);
  separable('sep3', 64, 1, 2);
  separable('sep4', 128, 2, 1);
  layers.push({ name: 'gap', config: { kind: 'globalAvgPool2d' } }, { name: 'head', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true } });
  return { name: 'mobilenet-style', inputShape: [28, 28, 1], layers };
}

/**
 * A hybrid vision transformer: a 4×4 patch stem ([7, 7, 16]), layer norm, self-attention of 2 heads
 * of 8 over the 49 positions (the nodes `@dc/core/tfjs` converts Keras' `MultiHeadAttention` to),
 * a residual add, layer norm, head.
 */
export function transformerStyleTopology(): TopologySpec {
  const [heads, keyDim, features] = [2, 8, 16];
  // Shapes only: withRandomParams fills every parameter.
  const zeros = (shape: number[]): Tensor => ({ shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const weights = new Map<string, Tensor>([
    ...(['query', 'key', 'value'] as const).flatMap((p) => [[`${p}/kernel`, zeros([features, heads, keyDim])], [`${p}/bias`, zeros([heads, keyDim])]] as [string, Tensor][]),
    ['attention_output/kernel', zeros([heads, keyDim, features])],
    ['attention_output/bias', zeros([features])],
  ]);
  const attention = multiHeadAttentionNodes('mha', ['norm1', 'norm1'], { numHeads: heads, keyDim }, {}, weights, [[7, 7, features], [7, 7, features]]);
  const layers: LayerTopology[] = [
    { name: 'patches', config: conv(features, 4, 4, 'valid', 'linear', true) },
    { name: 'norm1', config: { kind: 'layerNorm', epsilon: 1e-3, center: true, scale: true } },
    ...attention.map(({ name, config, inputs }) => ({ name, config, ...(inputs ? { inputs } : {}) })),
    { name: 'residual', config: { kind: 'add' }, inputs: ['patches', 'mha'] },
    { name: 'norm2', config: { kind: 'layerNorm', epsilon: 1e-3, center: true, scale: true } },
    { name: 'gap', config: { kind: 'globalAvgPool2d' } },
    { name: 'head', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true } },
  ];
  return { name: 'transformer-style', inputShape: [28, 28, 1], layers };
}
