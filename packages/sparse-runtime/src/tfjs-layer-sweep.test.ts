/**
 * The layers users build, one small tfjs model each: converted to the IR, back to tfjs
 * (`toLayersModel`: what retraining and the post-training planner run), run by the cpu runtime and
 * saved as a model.json that tfjs loads again (`dcmHandler`: what `dc export` writes), each against
 * tfjs's own predictions of the original. The layers tfjs 4.22 computes otherwise than
 * Keras, or that the IR cannot hold, are refused by name.
 */
import { uncompressedModel } from '@dc/core/testing';
import { additiveAttentionLayer, attentionLayer, conv1dTranspose, dcmHandler, fromLayersModel, groupNormalization, keras1dLayer, registerHardSiluActivation, resizing, toLayersModel, unitNormalization } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from './cpu/index.js';
import { loadCompressedModel } from './model/load.js';
import { createSession } from './session.js';
import { maxRelativeError } from './testing/reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // Keras 3's hard_silu (MobileNetV3's hard_swish), which tfjs knows once dc registers it.
  registerHardSiluActivation(tf);
});

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
const seq = (...layers: tf.layers.Layer[]) => () => tf.sequential({ layers });
const flat = () => tf.layers.flatten({});

/**
 * Every weight drawn again from a fixed seed (variances kept positive), so a case computes the same
 * numbers on every run: tfjs's default initializers are unseeded, and a draw that left an output row
 * near zero once put a float32 rounding difference just over the relative tolerance.
 */
function seedWeights(model: tf.LayersModel): tf.LayersModel {
  const drawn = model.weights.map((w, i) => {
    const normal = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 1000 + i);
    if (!/variance/.test(w.originalName)) return normal;
    const positive = normal.abs().add(0.5);
    normal.dispose();
    return positive;
  });
  model.setWeights(drawn);
  tf.dispose(drawn);
  return model;
}

const ACTIVATIONS = ['elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new'] as const;

const CASES: Record<string, () => tf.LayersModel> = {
  ...Object.fromEntries(ACTIVATIONS.map((a) => [`Dense, activation ${a}`, seq(tf.layers.dense({ units: 5, inputShape: [4], activation: a }))])),
  // Built when run: the activation is registered in beforeAll.
  'Conv2D, activation hard_silu (registered by dc)': () => tf.sequential({ layers: [tf.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [5, 5, 2], activation: 'hard_silu' as never }), flat()] }),
  // Keras' layers tfjs lacks, as dc's tfjs layers of their classes.
  // (A query attending over itself while also read elsewhere is in core's convert tests: tfjs alone cannot predict it.)
  'Conv1D, Attention with a learned scale, GroupNormalization, UnitNormalization (Keras)': () => {
    const i = tf.input({ shape: [6, 4] });
    const [q, v] = [0, 1].map(() => ap(tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }), i));
    const attended = ap(attentionLayer(tf, { useScale: true }), [q, v]);
    return tf.model({ inputs: i, outputs: ap(flat(), ap(unitNormalization(tf, {}), ap(groupNormalization(tf, { groups: 2 }), tf.layers.add({}).apply([attended, q]) as Sym))) });
  },
  'Conv1D, AdditiveAttention with a learned scale over a shorter value with its own key (Keras)': () => {
    const i = tf.input({ shape: [6, 4] });
    const q = ap(tf.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same' }), i);
    const [v, k] = [5, 3].map((filters) => ap(tf.layers.conv1d({ filters, kernelSize: 2, strides: 2 }), i));
    return tf.model({ inputs: i, outputs: ap(flat(), ap(additiveAttentionLayer(tf, { useScale: true }), [q, v, k])) });
  },
  'Resizing bilinear up, nearest down (Keras)': () => {
    const i = tf.input({ shape: [4, 6, 2] });
    const up = ap(tf.layers.conv2d({ filters: 3, kernelSize: 2 }), ap(resizing(tf, { height: 9, width: 5 }), i));
    return tf.model({ inputs: i, outputs: ap(flat(), ap(resizing(tf, { height: 5, width: 3, interpolation: 'nearest' }), up)) });
  },
  'Conv1DTranspose stride 2, same; UpSampling1D, ZeroPadding1D, Cropping1D (Keras)': () =>
    tf.sequential({
      layers: [
        keras1dLayer(tf, 'ZeroPadding1D', { padding: [1, 2], inputShape: [5, 3] }),
        conv1dTranspose(tf, { filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        keras1dLayer(tf, 'UpSampling1D', { size: 2 }),
        keras1dLayer(tf, 'Cropping1D', { cropping: [3, 1] }),
        conv1dTranspose(tf, { filters: 2, kernelSize: 2, strides: 3, padding: 'valid' }),
        flat(),
      ],
    }),
  ...Object.fromEntries(
    [1, 2].flatMap((multiplier) =>
      [1, 2].flatMap((stride) =>
        (['same', 'valid'] as const).map((padding) => [
          `SeparableConv2D multiplier ${multiplier}, stride ${stride}, ${padding}`,
          seq(tf.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: stride, depthMultiplier: multiplier, padding, inputShape: [7, 7, 3] }), flat()),
        ]),
      ),
    ),
  ),
  'SeparableConv2D dilation 2, same': seq(tf.layers.separableConv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', inputShape: [7, 7, 3] }), flat()),
  'SeparableConv2D dilation 2, valid, multiplier 2': seq(tf.layers.separableConv2d({ filters: 2, kernelSize: 3, dilationRate: 2, depthMultiplier: 2, inputShape: [7, 7, 3] }), flat()),
  'Conv2D dilation 2, valid': seq(tf.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, inputShape: [7, 7, 3] }), flat()),
  'DepthwiseConv2D multiplier 2, stride 2, valid, bias': seq(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, biasInitializer: 'randomNormal', inputShape: [7, 7, 3] }), flat()),
  'Conv2DTranspose stride 2, same': seq(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', inputShape: [4, 5, 2] }), flat()),
  'ZeroPadding2D, DepthwiseConv2D stride 2 valid, BatchNormalization, ReLU 6 (MobileNetV2)': () => {
    const i = tf.input({ shape: [8, 8, 3] });
    const d = ap(tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2 }), ap(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }), i));
    return tf.model({ inputs: i, outputs: ap(flat(), ap(tf.layers.reLU({ maxValue: 6 }), ap(tf.layers.batchNormalization({ movingVarianceInitializer: tf.initializers.constant({ value: 2 }) }), d))) });
  },
  'Conv1D, MaxPooling1D, Flatten, Dense (a text CNN)': seq(tf.layers.conv1d({ filters: 4, kernelSize: 3, inputShape: [9, 3], activation: 'relu' }), tf.layers.maxPooling1d({ poolSize: 2 }), flat(), tf.layers.dense({ units: 2 })),
  'AveragePooling1D 3, stride 2, same, Flatten': seq(tf.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same', inputShape: [9, 3] }), flat()),
  'AveragePooling2D 3, stride 2, same': seq(tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', inputShape: [7, 6, 2] }), flat()),
  'UpSampling2D bilinear': seq(tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear', inputShape: [3, 4, 2] }), flat()),
  'Cropping2D': seq(tf.layers.cropping2D({ cropping: [[1, 0], [2, 1]], inputShape: [6, 7, 2] }), flat()),
  'Permute, Reshape': seq(tf.layers.permute({ dims: [2, 1], inputShape: [4, 3] }), tf.layers.reshape({ targetShape: [2, 6] }), flat()),
  'BatchNormalization after Dense': seq(tf.layers.dense({ units: 6, inputShape: [4] }), tf.layers.batchNormalization({ movingVarianceInitializer: tf.initializers.constant({ value: 2 }) }), tf.layers.dense({ units: 2 })),
  'LayerNormalization on an image': seq(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [6, 6, 2] }), tf.layers.layerNormalization({}), flat()),
  'LayerNormalization over the whole feature map (axis [1, 2, 3])': seq(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [6, 6, 2] }), tf.layers.layerNormalization({ axis: [1, 2, 3], gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal' }), flat()),
  'LayerNormalization over steps and features (axis [-2, -1])': seq(tf.layers.dense({ units: 5, inputShape: [4, 3] }), tf.layers.layerNormalization({ axis: [-2, -1], center: false }), flat()),
  'Concatenate along the steps': () => {
    const i = tf.input({ shape: [4, 3] });
    return tf.model({ inputs: i, outputs: ap(flat(), ap(tf.layers.concatenate({ axis: 1 }), [i, ap(tf.layers.dense({ units: 3 }), i)])) });
  },
  'Maximum, Minimum, Average': () => {
    const i = tf.input({ shape: [4] });
    const [a, b] = [ap(tf.layers.dense({ units: 4 }), i), ap(tf.layers.dense({ units: 4 }), i)];
    return tf.model({ inputs: i, outputs: ap(tf.layers.average({}), [ap(tf.layers.maximum({}), [a, b]), ap(tf.layers.minimum({}), [a, i])]) });
  },
  'GRU every step, then SimpleRNN relu': seq(tf.layers.gru({ units: 3, inputShape: [5, 2], returnSequences: true }), tf.layers.simpleRNN({ units: 2, activation: 'relu' })),
  'TimeDistributed(Dense softmax)': seq(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'softmax' }), inputShape: [4, 5] }), flat()),
  'SELU, AlphaDropout, GaussianNoise, GaussianDropout': seq(tf.layers.dense({ units: 4, inputShape: [3], activation: 'selu' }), tf.layers.alphaDropout({ rate: 0.1 }), tf.layers.gaussianNoise({ stddev: 0.1 }), tf.layers.gaussianDropout({ rate: 0.1 }), tf.layers.dense({ units: 2 })),
  'Rescaling to [-1, 1]': seq(tf.layers.rescaling({ scale: 1 / 127.5, offset: -1, inputShape: [4, 4, 1] }), tf.layers.conv2d({ filters: 2, kernelSize: 2 }), flat()),
  'RNN over an LSTMCell': seq(tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 3, biasInitializer: 'randomNormal' }), inputShape: [5, 2] })),
  'RNN over stacked cells (SimpleRNNCell relu, GRUCell without bias), every step': seq(tf.layers.rnn({ cell: [tf.layers.simpleRNNCell({ units: 4, activation: 'relu' }), tf.layers.gruCell({ units: 3, useBias: false })], returnSequences: true, inputShape: [5, 2] }), flat()),
  'RNN over a GRUCell read backwards, every step': seq(tf.layers.rnn({ cell: tf.layers.gruCell({ units: 3 }), returnSequences: true, goBackwards: true, inputShape: [5, 2] }), flat()),
  'RepeatVector, LSTM every step': seq(tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.repeatVector({ n: 4 }), tf.layers.lstm({ units: 2, returnSequences: true }), flat()),
  'ThresholdedReLU theta 0.2 after Dense': seq(tf.layers.dense({ units: 6, inputShape: [4] }), tf.layers.thresholdedReLU({ theta: 0.2 }), tf.layers.dense({ units: 3 })),
  'Dropout sharing its mask along the steps (noiseShape [null, 1, null])': seq(tf.layers.dense({ units: 4, inputShape: [5, 3] }), tf.layers.dropout({ rate: 0.3, noiseShape: [null, 1, null] as unknown as number[] }), tf.layers.dense({ units: 2 })),
  'PReLU per channel': seq(tf.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2] }), tf.layers.prelu({ sharedAxes: [1, 2], alphaInitializer: tf.initializers.constant({ value: 0.2 }) }), flat()),
  'squeeze-and-excitation: [6, 6, 8] × [1, 1, 8]': () => {
    const i = tf.input({ shape: [6, 6, 8] });
    const weights = ap(tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'sigmoid' }), ap(tf.layers.reshape({ targetShape: [1, 1, 8] }), ap(tf.layers.globalAveragePooling2d({}), i)));
    return tf.model({ inputs: i, outputs: ap(flat(), ap(tf.layers.multiply({}), [i, weights])) });
  },
  'spatial gate: [6, 5, 19] × [6, 5, 1]': () => {
    const i = tf.input({ shape: [6, 5, 19] });
    return tf.model({ inputs: i, outputs: ap(flat(), ap(tf.layers.multiply({}), [ap(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }), i), i])) });
  },
};

const REFUSED: Record<string, [() => tf.LayersModel, string, RegExp]> = {
  'DepthwiseConv2D with dilation (tfjs runs it undilated)': [seq(tf.layers.depthwiseConv2d({ kernelSize: 3, dilationRate: 2, inputShape: [7, 7, 3] })), 'UNSUPPORTED_LAYER', /dilationRate \[2, 2\] is not supported/],
  'LayerNormalization over height and width only (axis [1, 2])': [seq(tf.layers.layerNormalization({ axis: [1, 2], inputShape: [5, 5, 3] }), flat()), 'UNSUPPORTED_LAYER', /axis \[-3,-2\]: only the last axis, or several last axes together/],
  'RNN over stacked cells read backwards': [seq(tf.layers.rnn({ cell: [tf.layers.lstmCell({ units: 2 }), tf.layers.lstmCell({ units: 2 })], goBackwards: true, inputShape: [4, 2] })), 'UNSUPPORTED_LAYER', /a stack of cells read backwards is not supported/],
  'Dropout with a noiseShape of another rank (tfjs broadcasts it against the last axes)': [seq(tf.layers.dense({ units: 4, inputShape: [3, 2] }), tf.layers.dropout({ rate: 0.5, noiseShape: [1, 4] })), 'UNSUPPORTED_LAYER', /noiseShape \[1,4\] has 2 entries for an input of rank 3/],
};

describe('the layers users build: the IR back in tfjs and the cpu runtime predict as tfjs does', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(name, async () => {
      const original = seedWeights(make());
      const inputShape = original.inputs[0].shape.slice(1) as number[];
      const batch = 3;
      const x = tf.randomNormal([batch, ...inputShape], 0, 1, 'float32', 7);
      const want = (await (original.predict(x) as tf.Tensor).data()) as Float32Array;
      const ir = fromLayersModel(original);
      const rebuilt = toLayersModel(ir, tf);
      expect(maxRelativeError((await (rebuilt.predict(x) as tf.Tensor).data()) as Float32Array, want, batch)).toBeLessThanOrEqual(1e-5);
      const file = uncompressedModel(ir);
      const session = await createSession(await loadCompressedModel(file), { backend: createCpuBackend() });
      const saved = await tf.loadLayersModel(dcmHandler(file, { tf }));
      try {
        expect(maxRelativeError(await session.predict((await x.data()) as Float32Array, batch), want, batch)).toBeLessThanOrEqual(1e-5);
        expect(maxRelativeError((await (saved.predict(x) as tf.Tensor).data()) as Float32Array, want, batch), 'saved and loaded again').toBeLessThanOrEqual(1e-5);
      } finally {
        session.dispose();
        original.dispose();
        rebuilt.dispose();
        saved.dispose();
        x.dispose();
      }
    });
  }

  for (const [name, [make, code, message]] of Object.entries(REFUSED)) {
    it(`refuses ${name} by name`, () => {
      const original = make();
      expect(() => fromLayersModel(original)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
      original.dispose();
    });
  }
});
