/**
 * The two example networks, built as a tfjs user builds them (tf.layers, functional API), for
 * 28×28×1 Fashion-MNIST images (pixels × 1/255) and 10 classes, softmax heads.
 */
import type * as tf from '@tensorflow/tfjs';

/** The example models. */
export const EXAMPLE_NAMES = ['resnet', 'mobilenet'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

type Tfjs = typeof tf;

/**
 * Batch-norm momentum of the moving statistics: 0.9 rather than Keras's 0.99, so that they settle
 * within a few hundred steps (a short run on a few hundred images, as the CI slice does, is
 * otherwise evaluated with statistics that are mostly their initial values).
 */
const BN_MOMENTUM = 0.9;
type T = tf.SymbolicTensor;

/** conv → BatchNorm (→ ReLU), no conv bias (BatchNorm's beta is the bias), He-normal init. */
function convBn(tfjs: Tfjs, x: T, name: string, filters: number, kernelSize: number, strides: number, relu: boolean, seed: number): T {
  const kernelInitializer = tfjs.initializers.heNormal({ seed });
  let y = tfjs.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer }).apply(x) as T;
  y = tfjs.layers.batchNormalization({ name: `${name}_bn`, momentum: BN_MOMENTUM }).apply(y) as T;
  return relu ? (tfjs.layers.reLU({ name: `${name}_relu` }).apply(y) as T) : y;
}

/**
 * A residual block: conv 3×3 → BN → ReLU → conv 3×3 → BN, plus the shortcut (identity, or a 1×1
 * projection conv → BN when the stride or the width changes), then ReLU.
 */
function residualBlock(tfjs: Tfjs, x: T, name: string, filters: number, strides: number, seed: number): T {
  const inChannels = x.shape[x.shape.length - 1];
  let y = convBn(tfjs, x, `${name}_conv1`, filters, 3, strides, true, seed);
  y = convBn(tfjs, y, `${name}_conv2`, filters, 3, 1, false, seed + 1);
  const shortcut = strides === 1 && inChannels === filters ? x : convBn(tfjs, x, `${name}_proj`, filters, 1, strides, false, seed + 2);
  const sum = tfjs.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as T;
  return tfjs.layers.reLU({ name: `${name}_out` }).apply(sum) as T;
}

/**
 * A small ResNet (38,682 parameters, batch-norm statistics included): stem conv 3×3/2 (16) → an identity block (16, 14×14) → a
 * projection block (32, stride 2, 7×7) → an identity block (32) → global average pooling →
 * dense 10 softmax.
 */
export function buildResNet(tfjs: Tfjs, seed = 1): tf.LayersModel {
  const input = tfjs.input({ shape: [28, 28, 1], name: 'image' });
  let x = convBn(tfjs, input, 'stem', 16, 3, 2, true, seed);
  x = residualBlock(tfjs, x, 'block1', 16, 1, seed + 10);
  x = residualBlock(tfjs, x, 'block2', 32, 2, seed + 20);
  x = residualBlock(tfjs, x, 'block3', 32, 1, seed + 30);
  x = tfjs.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as T;
  const output = tfjs.layers.dense({ name: 'logits', units: 10, activation: 'softmax', kernelInitializer: tfjs.initializers.glorotUniform({ seed: seed + 40 }) }).apply(x) as T;
  return tfjs.model({ inputs: input, outputs: output, name: 'resnet' });
}

/** A depthwise separable block: depthwise 3×3 → BN → ReLU6 → pointwise 1×1 → BN → ReLU6 (MobileNet v1). */
function separableBlock(tfjs: Tfjs, x: T, name: string, filters: number, strides: number, seed: number): T {
  let y = tfjs.layers.depthwiseConv2d({ name: `${name}_dw`, kernelSize: 3, strides, padding: 'same', useBias: false, depthwiseInitializer: tfjs.initializers.heNormal({ seed }) }).apply(x) as T;
  y = tfjs.layers.batchNormalization({ name: `${name}_dw_bn`, momentum: BN_MOMENTUM }).apply(y) as T;
  y = tfjs.layers.reLU({ name: `${name}_dw_relu`, maxValue: 6 }).apply(y) as T;
  y = tfjs.layers.conv2d({ name: `${name}_pw`, filters, kernelSize: 1, useBias: false, kernelInitializer: tfjs.initializers.heNormal({ seed: seed + 1 }) }).apply(y) as T;
  y = tfjs.layers.batchNormalization({ name: `${name}_pw_bn`, momentum: BN_MOMENTUM }).apply(y) as T;
  return tfjs.layers.reLU({ name: `${name}_pw_relu`, maxValue: 6 }).apply(y) as T;
}

/**
 * A small MobileNet-style net: stem conv 3×3/2 (16) → BN → ReLU6, then depthwise separable blocks
 * 32 (14×14), 64/2 (7×7), 64, 128/2 (4×4), 128 → global average pooling → dense 10 softmax.
 */
export function buildMobileNet(tfjs: Tfjs, seed = 1): tf.LayersModel {
  const input = tfjs.input({ shape: [28, 28, 1], name: 'image' });
  let x = tfjs.layers.conv2d({ name: 'stem', filters: 16, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tfjs.initializers.heNormal({ seed }) }).apply(input) as T;
  x = tfjs.layers.batchNormalization({ name: 'stem_bn', momentum: BN_MOMENTUM }).apply(x) as T;
  x = tfjs.layers.reLU({ name: 'stem_relu', maxValue: 6 }).apply(x) as T;
  const blocks: [number, number][] = [[32, 1], [64, 2], [64, 1], [128, 2], [128, 1]];
  blocks.forEach(([filters, strides], i) => (x = separableBlock(tfjs, x, `sep${i + 1}`, filters, strides, seed + 10 * (i + 1))));
  x = tfjs.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as T;
  const output = tfjs.layers.dense({ name: 'logits', units: 10, activation: 'softmax', kernelInitializer: tfjs.initializers.glorotUniform({ seed: seed + 90 }) }).apply(x) as T;
  return tfjs.model({ inputs: input, outputs: output, name: 'mobilenet' });
}

/** The builder of an example by name. */
export function buildExample(tfjs: Tfjs, name: ExampleName, seed = 1): tf.LayersModel {
  return name === 'resnet' ? buildResNet(tfjs, seed) : buildMobileNet(tfjs, seed);
}
