import type * as tf from '@tensorflow/tfjs';
import { seededBatchNorm } from './seeded-batch-norm.js';

/**
 * A MobileFaceNet-style face embedder in miniature, as a tfjs `LayersModel` on `[12, 12, 3]`
 * images (input `face`), 4 softmax outputs: a strided stem, a depthwise block, an inverted
 * residual bottleneck (1×1 expand, depthwise, linear 1×1 project, a residual add), a global
 * depthwise convolution, a linear embedding with batch norm, a head. Every nonlinearity is a
 * `PReLU`: one slope per channel (`sharedAxes` [1, 2]) on the feature maps (`prelu1`, `prelu2`,
 * `prelu4`), one per element on the expanded map (`prelu3`) and on the embedding (`prelu5`).
 * Slopes, batch-norm shifts and statistics are random (seeded), so every weight matters.
 */
export function miniFaceNet(tfjs: typeof tf): tf.LayersModel {
  type Sym = tf.SymbolicTensor;
  let seed = 1;
  const alpha = () => tfjs.initializers.randomUniform({ minval: -0.1, maxval: 0.5, seed: seed++ });
  const bn = (name: string) => seededBatchNorm(tfjs, name, () => seed++);
  const prelu = (name: string, sharedAxes?: number[]) => tfjs.layers.prelu({ name, alphaInitializer: alpha(), ...(sharedAxes ? { sharedAxes } : {}) });
  const kernel = () => ({ kernelInitializer: tfjs.initializers.glorotUniform({ seed: seed++ }) });
  const depthwise = () => ({ depthwiseInitializer: tfjs.initializers.glorotUniform({ seed: seed++ }) });
  const apply = (x: Sym, ...layers: tf.layers.Layer[]) => layers.reduce((y, l) => l.apply(y) as Sym, x);
  const input = tfjs.input({ shape: [12, 12, 3], name: 'face' });
  const stem = apply(input, tfjs.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1', ...kernel() }), bn('bn1'), prelu('prelu1', [1, 2]));
  const dw = apply(stem, tfjs.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw1', ...depthwise() }), bn('bn2'), prelu('prelu2', [1, 2]));
  const expanded = apply(dw, tfjs.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false, name: 'expand', ...kernel() }), bn('bn3'), prelu('prelu3'));
  const projected = apply(
    expanded,
    tfjs.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw2', ...depthwise() }),
    bn('bn4'),
    prelu('prelu4', [1, 2]),
    tfjs.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, name: 'project', ...kernel() }),
    bn('bn5'),
  );
  const sum = tfjs.layers.add({ name: 'residual' }).apply([dw, projected]) as Sym;
  const gdc = apply(sum, tfjs.layers.depthwiseConv2d({ kernelSize: 6, padding: 'valid', useBias: false, name: 'gdc', ...depthwise() }), bn('bn6'), tfjs.layers.flatten({ name: 'flat' }));
  const embedding = apply(gdc, tfjs.layers.dense({ units: 12, name: 'embedding', ...kernel() }), bn('bn7'), prelu('prelu5'));
  const out = apply(embedding, tfjs.layers.dense({ units: 4, activation: 'softmax', name: 'head', ...kernel() }));
  return tfjs.model({ inputs: input, outputs: out, name: 'mini-facenet' });
}
