import type * as tf from '@tensorflow/tfjs';
import { seededBatchNorm } from './seeded-batch-norm.js';

/**
 * An EfficientNet-style classifier in miniature, as a tfjs `LayersModel` on `[12, 12, 3]` images:
 * a strided stem (conv, batch norm, swish), an MBConv block — 1×1 expand, depthwise, a
 * squeeze-and-excitation gate (global average pool, `Reshape` to `[1, 1, 16]`, 1×1 reduce and
 * expand convolutions, the `[1, 1, 16]` sigmoid weights multiplied into the `[6, 6, 16]` map: a
 * broadcast), linear 1×1 project, a residual add — then a spatial attention gate (a one-channel
 * sigmoid map `[6, 6, 1]` multiplied into the features: a broadcast over channels), global pooling
 * and a softmax head of 5 classes. Batch-norm shifts and statistics are random (seeded).
 */
export function miniEfficientNet(tfjs: typeof tf): tf.LayersModel {
  type Sym = tf.SymbolicTensor;
  let seed = 1;
  const bn = (name: string) => seededBatchNorm(tfjs, name, () => seed++);
  const kernel = () => ({ kernelInitializer: tfjs.initializers.glorotUniform({ seed: seed++ }), biasInitializer: tfjs.initializers.randomNormal({ stddev: 0.1, seed: seed++ }) });
  const conv = (name: string, filters: number, kernelSize: number, activation: 'linear' | 'swish' | 'sigmoid' = 'linear', useBias = false) =>
    tfjs.layers.conv2d({ name, filters, kernelSize, padding: 'same', activation, useBias, ...kernel() });
  const apply = (x: Sym | Sym[], ...layers: tf.layers.Layer[]) => layers.reduce<Sym | Sym[]>((y, l) => l.apply(y) as Sym, x) as Sym;
  const swish = (name: string) => tfjs.layers.activation({ name, activation: 'swish' });
  const input = tfjs.input({ shape: [12, 12, 3], name: 'image' });
  const stem = apply(input, tfjs.layers.conv2d({ name: 'stem', filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, ...kernel() }), bn('stem_bn'), swish('stem_act'));
  const expanded = apply(stem, conv('expand', 16, 1), bn('expand_bn'), swish('expand_act'));
  const dw = apply(expanded, tfjs.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: tfjs.initializers.glorotUniform({ seed: seed++ }) }), bn('dw_bn'), swish('dw_act'));
  const squeezed = apply(dw, tfjs.layers.globalAveragePooling2d({ name: 'se_squeeze' }), tfjs.layers.reshape({ name: 'se_reshape', targetShape: [1, 1, 16] }), conv('se_reduce', 4, 1, 'swish', true), conv('se_expand', 16, 1, 'sigmoid', true));
  const excited = apply([dw, squeezed], tfjs.layers.multiply({ name: 'se_excite' }));
  const projected = apply(excited, conv('project', 8, 1), bn('project_bn'));
  const block = apply([stem, projected], tfjs.layers.add({ name: 'residual' }));
  const gate = apply(block, conv('gate', 1, 3, 'sigmoid', true));
  const gated = apply([block, gate], tfjs.layers.multiply({ name: 'gated' }));
  const out = apply(gated, tfjs.layers.globalAveragePooling2d({ name: 'pool' }), tfjs.layers.dense({ name: 'head', units: 5, activation: 'softmax', ...kernel() }));
  return tfjs.model({ inputs: input, outputs: out, name: 'mini-efficientnet' });
}
