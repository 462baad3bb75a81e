import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError } from '../errors/dc-error.js';
import { thrownErrorCode } from '../testing/error-code.js';
import { listParams } from '../ir/params.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { convertConfig } from './layer-configs.js';
import { weightsOf } from './layers-model.test-support.js';
import { withRandomParams } from '../testing/random-params.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function lenet300(): tf.Sequential {
  return tf.sequential({
    name: 'lenet-300-100',
    layers: [
      tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu', name: 'ip1' }),
      tf.layers.dense({ units: 100, activation: 'relu', name: 'ip2' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'ip3' }),
    ],
  });
}

function smallConvnet(): tf.LayersModel {
  // Functional API on purpose: the converter accepts chains built either way.
  const input = tf.input({ shape: [28, 28, 1] });
  let x = tf.layers.conv2d({ filters: 6, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', name: 'conv1' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', useBias: false, name: 'conv2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.averagePooling2d({ poolSize: 2, name: 'pool2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.25, name: 'drop' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, name: 'logits' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.activation({ activation: 'softmax', name: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'small-convnet' });
}

/** The model of Keras' image classification tutorial, small: Rescaling(1 / 255) first, so it takes bytes. */
function kerasTutorialConvnet(): tf.Sequential {
  return tf.sequential({
    name: 'flowers',
    layers: [
      tf.layers.rescaling({ inputShape: [16, 16, 3], scale: 1 / 255, name: 'rescaling' }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 5, name: 'logits' }),
      tf.layers.rescaling({ scale: 0.5, offset: 2, name: 'temperature' }),
    ],
  });
}

/** A small segmenter's shape: encoder, nearest then bilinear upsampling, a mask per pixel. */
function tinySegmenter(): tf.LayersModel {
  const input = tf.input({ shape: [8, 12, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'down' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.upSampling2d({ size: [1, 2], interpolation: 'bilinear', name: 'smooth' }).apply(x) as tf.SymbolicTensor;
  const mask = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'mask' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: mask, name: 'tiny-segmenter' });
}

/**
 * A keyword spotter's shape: 1-D convolutions over [steps, features] (one dilated, one strided),
 * 1-D pooling, global pooling. With `causal`, the first convolution pads causally, which tfjs
 * builds but cannot run (tfjs 4.22: "not implemented yet"); Keras models have it.
 */
function sequenceConvnet(causal = false): tf.LayersModel {
  const input = tf.input({ shape: [40, 6] });
  let x = tf.layers.conv1d({ filters: 8, kernelSize: 3, padding: causal ? 'causal' : 'same', dilationRate: 2, activation: 'relu', name: 'causal' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv1d({ filters: 12, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', name: 'conv' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling1d({ poolSize: 2, name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const avg = tf.layers.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same', name: 'avg' }).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d({ name: 'gap' }).apply(avg) as tf.SymbolicTensor;
  const maxed = tf.layers.globalMaxPooling1d({ name: 'gmp' }).apply(x) as tf.SymbolicTensor;
  const both = tf.layers.concatenate({ name: 'both' }).apply([pooled, maxed]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, activation: 'softmax', name: 'head' }).apply(both) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'keyword-spotter' });
}

/** A mixer block's shape: patches as tokens, LayerNormalization of each token's features, a residual MLP. */
function tinyMixer(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const patches = tf.layers.conv2d({ filters: 6, kernelSize: 2, strides: 2, name: 'patches' }).apply(input) as tf.SymbolicTensor;
  const tokens = tf.layers.reshape({ targetShape: [16, 6], name: 'tokens' }).apply(patches) as tf.SymbolicTensor;
  const norm = tf.layers.layerNormalization({ name: 'norm', betaInitializer: 'randomNormal', gammaInitializer: 'randomNormal' }).apply(tokens) as tf.SymbolicTensor;
  const mlp = tf.layers.conv1d({ filters: 6, kernelSize: 1, activation: 'gelu', name: 'mlp' }).apply(norm) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'residual' }).apply([tokens, mlp]) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(tf.layers.layerNormalization({ epsilon: 1e-6, name: 'final' }).apply(sum) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'tiny-mixer' });
}

/**
 * An autoencoder's decoder shape: a strided encoder, then Conv2DTranspose back up (same padding,
 * stride 2; valid padding with a stride above the kernel, which leaves gaps of zeros).
 */
function tinyAutoencoder(): tf.LayersModel {
  const input = tf.input({ shape: [7, 6, 3] });
  const code = tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'encode' }).apply(input) as tf.SymbolicTensor;
  const up = tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal', name: 'up' }).apply(code) as tf.SymbolicTensor;
  const out = tf.layers.conv2dTranspose({ filters: 2, kernelSize: [2, 1], strides: [1, 3], padding: 'valid', activation: 'sigmoid', name: 'decode' }).apply(up) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'tiny-autoencoder' });
}

/**
 * A sentiment classifier's shape: token ids → an Embedding (vocabulary 60, 8 features), a 1-D
 * convolution and global max pooling beside a global average of the embeddings, a softmax head.
 */
function textClassifier(): tf.LayersModel {
  const input = tf.input({ shape: [12], name: 'tokens' });
  const embedded = tf.layers.embedding({ inputDim: 60, outputDim: 8, embeddingsInitializer: 'randomNormal', name: 'embed' }).apply(input) as tf.SymbolicTensor;
  const conv = tf.layers.conv1d({ filters: 6, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(embedded) as tf.SymbolicTensor;
  const maxed = tf.layers.globalMaxPooling1d({ name: 'gmp' }).apply(conv) as tf.SymbolicTensor;
  const mean = tf.layers.globalAveragePooling1d({ name: 'gap' }).apply(embedded) as tf.SymbolicTensor;
  const both = tf.layers.concatenate({ name: 'both' }).apply([maxed, mean]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(both) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'text-classifier' });
}

/** A recurrent sequence model: LSTM (every step) → GRU (every step) → SimpleRNN (the last), Keras' sigmoid gates on the GRU. */
function recurrentNet(): tf.LayersModel {
  const input = tf.input({ shape: [7, 3] });
  const init = { recurrentInitializer: 'glorotNormal' as const, biasInitializer: 'randomNormal' as const };
  let x = tf.layers.lstm({ units: 5, returnSequences: true, name: 'lstm', ...init }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.gru({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid', name: 'gru', ...init }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.simpleRNN({ units: 6, activation: 'relu', name: 'rnn', ...init }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'recurrent' });
}

describe('tfjs converters', () => {
  it.each([
    ['LeNet-300-100 (Sequential)', lenet300, [784]],
    ['a small convnet (functional)', smallConvnet, [28, 28, 1]],
    ["Keras' tutorial convnet (Rescaling first)", kerasTutorialConvnet, [16, 16, 3]],
    ['a small segmenter (UpSampling2D)', tinySegmenter, [8, 12, 3]],
    ['a 1-D convnet over sequences (Conv1D, dilated and strided; 1-D and global 1-D pools)', () => sequenceConvnet(), [40, 6]],
    ['a mixer block (LayerNormalization over tokens, a residual 1-D MLP)', tinyMixer, [8, 8, 3]],
    ['an autoencoder (Conv2DTranspose, same and valid padding)', tinyAutoencoder, [7, 6, 3]],
    ['a recurrent sequence model (LSTM, GRU, SimpleRNN)', recurrentNet, [7, 3]],
  ] as const)('round-trips %s bit-exactly', (_, make, inputShape) => {
    const original = make();
    const ir = fromLayersModel(original);
    expect(ir.inputShape).toEqual(inputShape);
    const rebuilt = toLayersModel(ir, tf);
    // Bits, not values: -0, NaN payloads and denormals must survive too.
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    const again = fromLayersModel(rebuilt);
    expect(again.layers.map((l) => l.config)).toEqual(ir.layers.map((l) => l.config));
    const x = tf.randomUniform([3, ...inputShape]);
    expect(Array.from((rebuilt.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((original.predict(x) as tf.Tensor).dataSync()));
  });

  it('rebuilds a text CNN (Conv1D, MaxPooling1D, Flatten, Dense): tfjs loses the steps the 1-D reshapes infer, so the Flatten is built as a reshape to the size the IR knows', () => {
    const original = tf.sequential({ layers: [tf.layers.conv1d({ filters: 4, kernelSize: 3, inputShape: [9, 3], activation: 'relu' }), tf.layers.maxPooling1d({ poolSize: 2 }), tf.layers.flatten({ name: 'flat' }), tf.layers.dense({ units: 2 })] });
    const rebuilt = toLayersModel(fromLayersModel(original), tf);
    expect([rebuilt.getLayer('flat').getClassName(), rebuilt.getLayer('flat').outputShape]).toEqual(['Reshape', [null, 12]]);
    const x = tf.randomUniform([3, 9, 3]);
    expect(Array.from((rebuilt.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((original.predict(x) as tf.Tensor).dataSync()));
  });

  it('builds a node that reads one value twice (Add([x, x]), self-attention scores) so that tfjs predicts it while other nodes read the value too', () => {
    // tfjs 4.22 alone disposes x after the sum and fails on the second reader ("reading 'backend'").
    const model = withRandomParams({ name: 'twice', inputShape: [4], layers: [
      { name: 'x', config: { kind: 'dense', units: 3, activation: 'linear', useBias: true } },
      { name: 'double', config: { kind: 'add' }, inputs: ['x', 'x'] },
      { name: 'out', config: { kind: 'add' }, inputs: ['double', 'x'] },
    ] }, 2);
    const lm = toLayersModel(model, tf);
    const input = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const x = (lm.getLayer('x').apply(input) as tf.Tensor).dataSync();
    expect(Array.from((lm.predict(input) as tf.Tensor).dataSync())).toEqual(Array.from(x).map((v) => expect.closeTo(3 * v, 5)));
    expect(lm.layers.map((l) => l.name)).toContain('double_repeat_1');
    tf.dispose([input]);
    lm.dispose();
  });

  it('turns Rescaling into a rescale node where scale and offset are one number each (per-channel lists: channel-rescaling.test.ts)', () => {
    const ir = fromLayersModel(kerasTutorialConvnet());
    expect(ir.layers.map((l) => l.config)).toContainEqual({ kind: 'rescale', scale: 1 / 255, offset: 0 });
    expect(ir.layers.at(-1)!.config).toEqual({ kind: 'rescale', scale: 0.5, offset: 2 });
    expect(convertConfig('rescaling', 'Rescaling', {})).toEqual([{ kind: 'rescale', scale: 1, offset: 0 }]);
    expect(convertConfig('norm', 'Rescaling', { scale: [0.017, 0.018, 0.017], offset: -2 })).toEqual([{ kind: 'batchNorm', epsilon: 0, center: true, scale: true, fixed: true }]);
  });

  it('turns UpSampling2D into an upSampling2d node, nearest or bilinear; another interpolation is refused by name', () => {
    const configs = fromLayersModel(tinySegmenter()).layers.map((l) => l.config);
    expect(configs).toContainEqual({ kind: 'upSampling2d', size: [2, 2] });
    expect(configs).toContainEqual({ kind: 'upSampling2d', size: [1, 2], interpolation: 'bilinear' });
    expect(thrownErrorCode(() => convertConfig('up', 'UpSampling2D', { size: [2, 2], interpolation: 'bicubic' }))).toBe('UNSUPPORTED_LAYER');
  });

  it('runs 1-D layers as 2-D ops on a one-row image: reshapes around them, causal padding before, kernels [1, k, c, f]', () => {
    const ir = fromLayersModel(sequenceConvnet(true));
    const nodes = ir.layers.map((l) => [l.name, l.config.kind]);
    expect(nodes.slice(0, 4)).toEqual([['causal_2d', 'reshape'], ['causal_causal', 'zeroPadding2d'], ['causal', 'conv2d'], ['causal_1d', 'reshape']]);
    expect(ir.layers[1].config).toEqual({ kind: 'zeroPadding2d', amounts: [[0, 0], [4, 0]] });
    expect(ir.layers[2].config).toMatchObject({ kernelSize: [1, 3], strides: [1, 1], padding: 'valid', dilationRate: [1, 2] });
    expect(ir.layers[2].params.kernel!.shape).toEqual([1, 3, 6, 8]);
    expect(nodes).toContainEqual(['gap', 'globalAvgPool2d']);
    expect(nodes.map(([name]) => name)).not.toContain('gap_1d');
    expect(ir.layers.find((l) => l.name === 'pool')!.config).toEqual({ kind: 'maxPool2d', poolSize: [1, 2], strides: [1, 2], padding: 'valid' });
    // Causal as Keras means it: (k − 1) · dilation steps of zeros before, then a valid convolution.
    const first = toLayersModel({ name: 'causal', inputShape: [40, 6], layers: ir.layers.slice(0, 4).map(({ inputs: _inputs, ...l }) => l) }, tf);
    const x = tf.randomUniform([2, 40, 6], -1, 1, 'float32', 5);
    const { kernel, bias } = ir.layers[2].params;
    const w = tf.tensor3d(kernel!.values, [3, 6, 8]);
    const expected = tf.relu(tf.conv1d(tf.pad(x, [[0, 0], [4, 0], [0, 0]]) as tf.Tensor3D, w, 1, 'valid', 'NWC', 2).add(tf.tensor1d(bias!.values)));
    const got = first.predict(x) as tf.Tensor;
    expect(got.shape).toEqual([2, 40, 8]);
    expect(tf.max(tf.abs(got.sub(expected))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('turns LayerNormalization over the last axis, or the last several together, into a layerNorm node; other axes are refused by name', () => {
    const ir = fromLayersModel(tinyMixer());
    expect(ir.layers.find((l) => l.name === 'norm')!.config).toEqual({ kind: 'layerNorm', epsilon: 1e-3, center: true, scale: true });
    expect(Object.keys(ir.layers.find((l) => l.name === 'final')!.params).sort()).toEqual(['beta', 'gamma']);
    expect(convertConfig('ln', 'LayerNormalization', { axis: [-2, -1] })).toEqual([{ kind: 'layerNorm', epsilon: 1e-3, center: true, scale: true, trailingAxes: 2 }]);
    expect(thrownErrorCode(() => convertConfig('ln', 'LayerNormalization', { axis: [-1, -2] }))).toBe('UNSUPPORTED_LAYER');
    expect(thrownErrorCode(() => convertConfig('ln', 'LayerNormalization', { axis: [-3, -2] }))).toBe('UNSUPPORTED_LAYER');
    expect(thrownErrorCode(() => convertConfig('ln', 'LayerNormalization', { axis: -2 }))).toBe('UNSUPPORTED_LAYER');
  });

  it('round-trips a text classifier: Embedding becomes an embedding node whose kernel is the table; maskZero is recorded on it', () => {
    const original = textClassifier();
    const ir = fromLayersModel(original);
    expect(ir.layers[0]).toMatchObject({ name: 'embed', config: { kind: 'embedding', inputDim: 60, outputDim: 8 } });
    expect(ir.layers[0].params.kernel!.shape).toEqual([60, 8]);
    const rebuilt = toLayersModel(ir, tf);
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    // Ids as a user's tokenizer gives them, and fractions (truncated toward zero, as tfjs casts).
    const ids = tf.tensor2d(Array.from({ length: 36 }, (_, i) => ((i * 37) % 60) + (i % 5 === 0 ? 0.75 : 0)), [3, 12]);
    expect(Array.from((rebuilt.predict(ids) as tf.Tensor).dataSync())).toEqual(Array.from((original.predict(ids) as tf.Tensor).dataSync()));
    // What the mask does downstream is in masks.test.ts.
    expect(convertConfig('embed', 'Embedding', { inputDim: 10, outputDim: 4, maskZero: true })).toEqual([{ kind: 'embedding', inputDim: 10, outputDim: 4, maskZero: true }]);
  });

  it('turns Conv2DTranspose into a conv2dTranspose node with the kernel as tfjs holds it; dilation and outputPadding are refused by name', () => {
    const ir = fromLayersModel(tinyAutoencoder());
    expect(ir.layers.find((l) => l.name === 'up')).toMatchObject({ config: { kind: 'conv2dTranspose', filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', useBias: true }, params: { kernel: { shape: [3, 3, 4, 5] } } });
    expect(toLayersModel(ir, tf).outputs[0].shape).toEqual([null, 9, 18, 2]);
    expect(thrownErrorCode(() => convertConfig('up', 'Conv2DTranspose', { filters: 2, kernelSize: 3, padding: 'same', dilationRate: 2 }))).toBe('UNSUPPORTED_LAYER');
    expect(thrownErrorCode(() => convertConfig('up', 'Conv2DTranspose', { filters: 2, kernelSize: 3, padding: 'same', outputPadding: [1, 1] }))).toBe('UNSUPPORTED_LAYER');
  });

  it('runs Dense on a sequence or an image at every position (as tfjs does) as a 1×1 conv2d of the same name and kernel values', () => {
    const tokens = tf.input({ shape: [5, 4] });
    const mlp = tf.layers.dense({ units: 6, activation: 'gelu', name: 'token_mlp' }).apply(tokens) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(mlp) as tf.SymbolicTensor;
    const image = tf.layers.reshape({ targetShape: [2, 3, 1], name: 'image' }).apply(tf.layers.dense({ units: 6, name: 'squeeze' }).apply(pooled) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const perPixel = tf.layers.dense({ units: 2, activation: 'softmax', name: 'per_pixel' }).apply(image) as tf.SymbolicTensor;
    const original = tf.model({ inputs: tokens, outputs: perPixel, name: 'positionwise' });
    const ir = fromLayersModel(original);
    expect(ir.layers.map((l) => `${l.name}:${l.config.kind}`)).toEqual(['token_mlp_2d:reshape', 'token_mlp:conv2d', 'token_mlp_nd:reshape', 'pool_2d:reshape', 'pool:globalAvgPool2d', 'squeeze:dense', 'image:reshape', 'per_pixel:conv2d']);
    expect(ir.layers[1].params.kernel!.shape).toEqual([1, 1, 4, 6]);
    expect(weightsOf(toLayersModel(ir, tf))).toEqual(weightsOf(original));
    const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 7);
    const [want, got] = [original, toLayersModel(ir, tf)].map((m) => (m.predict(x) as tf.Tensor).dataSync());
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-6);
  });

  it('converts RepeatVector (an LSTM autoencoder of sequences) as a one-pixel image upsampled down its rows, between reshapes; predictions equal', () => {
    const series = tf.input({ shape: [12, 3] });
    const code = tf.layers.lstm({ units: 8, name: 'encode' }).apply(series) as tf.SymbolicTensor;
    let x = tf.layers.repeatVector({ n: 12, name: 'repeat' }).apply(code) as tf.SymbolicTensor;
    x = tf.layers.lstm({ units: 8, returnSequences: true, name: 'decode' }).apply(x) as tf.SymbolicTensor;
    const out = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3 }), name: 'reconstruct' }).apply(x) as tf.SymbolicTensor;
    const original = tf.model({ inputs: series, outputs: out, name: 'lstm-autoencoder' });
    const ir = fromLayersModel(original);
    expect(ir.layers.slice(1, 4).map((l) => [l.name, l.config])).toEqual([
      ['repeat_2d', { kind: 'reshape', targetShape: [1, 1, 8] }],
      ['repeat', { kind: 'upSampling2d', size: [12, 1] }],
      ['repeat_nd', { kind: 'reshape', targetShape: [12, 8] }],
    ]);
    const rebuilt = toLayersModel(ir, tf);
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    const x0 = tf.randomNormal([3, 12, 3], 0, 1, 'float32', 5);
    const [want, got] = [original, rebuilt].map((m) => (m.predict(x0) as tf.Tensor).dataSync());
    expect(got.length).toBe(3 * 12 * 3);
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-6);
    expect(thrownErrorCode(() => convertConfig('repeat', 'RepeatVector', { n: 0 }))).toBe('UNSUPPORTED_LAYER');
  });

  it('converts TimeDistributed as the layer it wraps (a token tagger: TimeDistributed Dense, LayerNormalization, Dropout); a wrapped layer that mixes positions is refused by name', () => {
    const tokens = tf.input({ shape: [9], name: 'tokens' });
    let x = tf.layers.embedding({ inputDim: 30, outputDim: 6, name: 'embed' }).apply(tokens) as tf.SymbolicTensor;
    x = tf.layers.lstm({ units: 5, returnSequences: true, name: 'lstm' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 7, activation: 'relu' }), name: 'hidden' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.timeDistributed({ layer: tf.layers.layerNormalization({ betaInitializer: 'randomNormal' }), name: 'norm' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.timeDistributed({ layer: tf.layers.dropout({ rate: 0.3 }), name: 'drop' }).apply(x) as tf.SymbolicTensor;
    const tags = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4, activation: 'softmax' }), name: 'tags' }).apply(x) as tf.SymbolicTensor;
    const original = tf.model({ inputs: tokens, outputs: tags, name: 'token-tagger' });
    const ir = fromLayersModel(original);
    expect(ir.layers.map((l) => `${l.name}:${l.config.kind}`)).toEqual([
      'embed:embedding', 'lstm:recurrent', 'hidden_2d:reshape', 'hidden:conv2d', 'hidden_nd:reshape', 'norm:layerNorm', 'drop:dropout', 'tags_2d:reshape', 'tags:conv2d', 'tags_nd:reshape',
    ]);
    expect(ir.layers.find((l) => l.name === 'tags')!.params.kernel!.shape).toEqual([1, 1, 7, 4]);
    const rebuilt = toLayersModel(ir, tf);
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    const ids = tf.tensor2d(Array.from({ length: 3 * 9 }, (_, i) => (i * 7) % 30), [3, 9]);
    const [want, got] = [original, rebuilt].map((m) => (m.predict(ids) as tf.Tensor).dataSync());
    expect(got.length).toBe(3 * 9 * 4);
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-6);
    // Flatten mixes the positions of each step: [4, 3, 5] → [4, 15] is not the layer on the whole input.
    const steps = tf.input({ shape: [4, 3, 5] });
    const flat = tf.layers.timeDistributed({ layer: tf.layers.flatten(), name: 'per_step' }).apply(steps) as tf.SymbolicTensor;
    const head = tf.layers.dense({ units: 2 }).apply(flat) as tf.SymbolicTensor;
    let error: unknown;
    try { fromLayersModel(tf.model({ inputs: steps, outputs: head })); } catch (e) { error = e; }
    expect(isDcError(error) && [error.code, error.message, error.hint]).toEqual(['UNSUPPORTED_LAYER', expect.stringContaining('"per_step" (TimeDistributed): wrapping Flatten'), expect.stringContaining('Dense, Activation')]);
  });

  it('turns SimpleRNN, LSTM and GRU (Keras\' reset-after one too) into recurrent nodes with a kernel and a recurrent kernel; what tfjs cannot compute or the IR cannot hold is refused by name', () => {
    const ir = fromLayersModel(recurrentNet());
    expect(ir.layers.map((l) => l.config)).toEqual([
      { kind: 'recurrent', cell: 'lstm', units: 5, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: true },
      { kind: 'recurrent', cell: 'gru', units: 4, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: true },
      { kind: 'recurrent', cell: 'simpleRnn', units: 6, activation: 'relu', useBias: true, returnSequences: false },
      { kind: 'dense', units: 2, activation: 'softmax', useBias: true },
    ]);
    expect(listParams(ir).slice(0, 3).map((p) => [p.key, p.tensor.shape])).toEqual([['lstm/kernel', [3, 20]], ['lstm/recurrentKernel', [5, 20]], ['lstm/bias', [20]]]);
    for (const flag of ['returnState', 'stateful']) {
      expect(thrownErrorCode(() => convertConfig('rnn', 'GRU', { units: 2, [flag]: true })), flag).toBe('UNSUPPORTED_LAYER');
    }
    // Keras' default GRU (reset_after=True, dc's own tfjs layer): a gru node with resetAfter; on an LSTM the flag means nothing.
    expect(convertConfig('rnn', 'DcResetAfterGRU', { units: 2, resetAfter: true })).toEqual([expect.objectContaining({ cell: 'gru', resetAfter: true })]);
    expect(convertConfig('rnn', 'LSTM', { units: 2, resetAfter: true })).toEqual([expect.not.objectContaining({ resetAfter: true })]);
  });

  it('keeps layer kinds and parameter keys', () => {
    const ir = fromLayersModel(smallConvnet());
    expect(ir.layers.map((l) => l.config.kind)).toEqual(['conv2d', 'maxPool2d', 'conv2d', 'avgPool2d', 'flatten', 'dropout', 'dense', 'activation']);
    expect(listParams(ir).map((p) => p.key)).toEqual(['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'logits/kernel', 'logits/bias']);
    expect(ir.layers[0].config).toMatchObject({ strides: [2, 2], padding: 'same', kernelSize: [5, 5] });
  });

  it('names an unsupported layer, its class and what is supported, before converting anything', () => {
    const lm = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, name: 'fc' }), tf.layers.reshape({ targetShape: [1, 1, 2, 1], name: 'r' }), tf.layers.conv3d({ filters: 3, kernelSize: 1, name: 'volume' })] });
    const error = (() => {
      try {
        fromLayersModel(lm);
      } catch (e) {
        return e;
      }
    })();
    expect(isDcError(error) && error.code).toBe('UNSUPPORTED_LAYER');
    expect((error as Error).message).toContain('"volume" (Conv3D)');
    expect(isDcError(error) && error.hint).toContain('BatchNormalization');
  });

  it('rejects a layer called twice (shared weights)', () => {
    const input = tf.input({ shape: [4] });
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const twice = shared.apply(shared.apply(input)) as tf.SymbolicTensor;
    expect(thrownErrorCode(() => fromLayersModel(tf.model({ inputs: input, outputs: twice })))).toBe('UNSUPPORTED_TOPOLOGY');
  });

  it('round-trips a residual graph with batch norm, separable convolutions and a concatenation', () => {
    const input = tf.input({ shape: [9, 9, 3], name: 'image' });
    const stem = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: 'stem' }).apply(input) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn', betaInitializer: 'randomNormal', movingMeanInitializer: 'randomNormal', movingVarianceInitializer: 'ones' }).apply(stem) as tf.SymbolicTensor;
    const act = tf.layers.reLU({ maxValue: 6, name: 'relu6' }).apply(bn) as tf.SymbolicTensor;
    const sep = tf.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same', depthMultiplier: 2, name: 'sep' }).apply(act) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([act, sep]) as tf.SymbolicTensor;
    const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', name: 'dw' }).apply(sum) as tf.SymbolicTensor;
    const side = tf.layers.conv2d({ filters: 2, kernelSize: 1, strides: 2, dilationRate: 1, name: 'side' }).apply(sum) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate({ name: 'cat' }).apply([dw, side]) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(cat) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }).apply(pooled) as tf.SymbolicTensor;
    const original = tf.model({ inputs: input, outputs: out, name: 'graph' });
    const ir = fromLayersModel(original);
    expect(ir.inputName).toBe('image');
    expect(ir.layers.map((l) => l.name)).toEqual(['stem', 'bn', 'relu6', 'sep_depthwise', 'sep', 'sum', 'dw', 'side', 'cat', 'gap', 'head']);
    expect(ir.layers.find((l) => l.name === 'sum')!.inputs).toEqual(['relu6', 'sep']);
    expect(listParams(ir).filter((p) => p.layer.name === 'bn').map((p) => p.param)).toEqual(['gamma', 'beta', 'movingMean', 'movingVariance']);
    const rebuilt = toLayersModel(ir, tf);
    const x = tf.randomUniform([2, 9, 9, 3]);
    const want = (original.predict(x) as tf.Tensor).dataSync();
    const got = (rebuilt.predict(x) as tf.Tensor).dataSync();
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-6);
    expect(fromLayersModel(rebuilt).layers).toEqual(ir.layers.map((l) => ({ ...l, params: expect.anything() })));
  });
});
