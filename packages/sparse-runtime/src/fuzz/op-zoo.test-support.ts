/**
 * Seed topologies that use every op kind of core's table between them: a chain of the
 * single-input kinds (which a chain runtime can execute as its kernels arrive), a graph of the
 * merges, masked text, recordings padded with −1 (Masking) and self-attention (dot products). `container-fuzz.test.ts` checks that they cover `OP_KINDS`, so a new kind in the table
 * fails that test until it is added here, and the fuzzer never silently skips it.
 */
import type { LayerTopology } from '@dc/core';
import { withRandomParams, type TopologySpec } from '@dc/core/testing';
import type { Model } from '@dc/core';

const conv = (filters: number, extra: object = {}) => ({ kind: 'conv2d', filters, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'elu', useBias: true, ...extra });
const node = (name: string, config: object, inputs?: string[]): LayerTopology => ({ name, config: config as LayerTopology['config'], ...(inputs ? { inputs } : {}) });

/** Single-input kinds, one after another, on an 8×8×3 input. */
const chain: TopologySpec = {
  name: 'zoo-chain',
  inputShape: [8, 8, 3],
  preprocessing: { scale: [1 / 255], offset: [0] },
  layers: [
    node('rescale', { kind: 'rescale', scale: 0.0078125, offset: -1 }),
    // Keras' Normalization: fixed statistics, epsilon 0.
    node('standardise', { kind: 'batchNorm', epsilon: 0, center: false, scale: false, fixed: true }),
    node('pad', { kind: 'zeroPadding2d', amounts: [[1, 1], [1, 1]] }),
    node('crop', { kind: 'cropping2d', amounts: [[1, 1], [0, 2]] }),
    node('deconv', { kind: 'conv2dTranspose', filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'same', activation: 'relu', useBias: true }),
    node('up', { kind: 'upSampling2d', size: [2, 1] }),
    node('bilinear', { kind: 'upSampling2d', size: [1, 2], interpolation: 'bilinear' }),
    // Keras' Resizing: [32, 16] down to [20, 13], then rows up and columns down.
    node('resize', { kind: 'resizing', size: [20, 13], interpolation: 'bilinear' }),
    node('nearest', { kind: 'resizing', size: [24, 11], interpolation: 'nearest' }),
    node('conv', conv(4, { dilationRate: [2, 2] })),
    node('dw', { kind: 'depthwiseConv2d', kernelSize: [3, 3], strides: [2, 2], padding: 'valid', depthMultiplier: 2, activation: 'swish', useBias: true }),
    node('bn', { kind: 'batchNorm', epsilon: 0.001, center: true, scale: true }),
    node('ln', { kind: 'layerNorm', epsilon: 0.001, center: true, scale: true, trailingAxes: 2 }),
    node('unit', { kind: 'unitNorm', trailingAxes: 2 }),
    node('gn', { kind: 'groupNorm', groups: 4, epsilon: 0.001, center: true, scale: true }),
    node('prelu', { kind: 'prelu', sharedAxes: [1, 2] }),
    node('act', { kind: 'activation', activation: 'leakyRelu', alpha: 0.1 }),
    node('gate', { kind: 'activation', activation: 'thresholdedRelu', theta: -0.5 }),
    node('maxpool', { kind: 'maxPool2d', poolSize: [2, 2], strides: [1, 1], padding: 'same' }),
    node('avgpool', { kind: 'avgPool2d', poolSize: [2, 2], strides: [1, 1], padding: 'valid' }),
    node('permute', { kind: 'permute', dims: [2, 1, 3] }),
    node('noise', { kind: 'dropout', rate: 0.1, variant: 'gaussianNoise' }),
    node('gmp', { kind: 'globalMaxPool2d' }),
    node('reshape', { kind: 'reshape', targetShape: [4, -1] }),
    node('rnn', { kind: 'recurrent', cell: 'lstm', units: 3, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: true }),
    // Bidirectional (stacked parameters; Keras' reset-after GRU: two bias rows) and reading backwards: [4, 3] → [4, 4] → [4, 3].
    node('birnn', { kind: 'recurrent', cell: 'gru', units: 2, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: true, merge: 'concat', resetAfter: true }),
    node('backrnn', { kind: 'recurrent', cell: 'simpleRnn', units: 3, activation: 'tanh', useBias: false, returnSequences: true, goBackwards: true, merge: 'ave' }),
    node('flatten', { kind: 'flatten' }),
    // Ids from activations: some outside the table (zero rows).
    node('embed', { kind: 'embedding', inputDim: 7, outputDim: 2 }),
    node('tokens', { kind: 'flatten' }),
    node('drop', { kind: 'dropout', rate: 0.5, sharedAxes: [1] }),
    node('head', { kind: 'dense', units: 3, activation: 'softmax', useBias: true }),
  ],
};

/** Every merge kind, on a 6×6×2 input. */
const graph: TopologySpec = {
  name: 'zoo-graph',
  inputShape: [6, 6, 2],
  inputName: 'pixels',
  layers: [
    node('a', conv(2)),
    node('b', conv(2, { activation: 'gelu' }), ['pixels']),
    node('sum', { kind: 'add' }, ['a', 'b', 'pixels']),
    node('diff', { kind: 'subtract' }, ['a', 'b']),
    node('prod', { kind: 'multiply' }, ['sum', 'diff']),
    node('mean', { kind: 'average' }, ['prod', 'a']),
    node('hi', { kind: 'maximum' }, ['mean', 'b']),
    node('lo', { kind: 'minimum' }, ['hi', 'sum']),
    node('cat', { kind: 'concatenate', axis: -1 }, ['lo', 'diff']),
    node('gap', { kind: 'globalAvgPool2d' }),
    node('head', { kind: 'dense', units: 2, activation: 'linear', useBias: false }),
  ],
};

/** Padded text: recurrent nodes masked by the token ids (tfjs's Embedding maskZero), one bidirectional. */
const maskedText: TopologySpec = {
  name: 'zoo-masked-text',
  inputShape: [7],
  inputName: 'ids',
  layers: [
    node('embed', { kind: 'embedding', inputDim: 9, outputDim: 3, maskZero: true }, ['ids']),
    node('lstm', { kind: 'recurrent', cell: 'lstm', units: 3, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: true, maskValue: 0 }, ['embed', 'ids']),
    node('drop', { kind: 'dropout', rate: 0.2 }, ['lstm']),
    node('bigru', { kind: 'recurrent', cell: 'gru', units: 2, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false, goBackwards: true, merge: 'sum', maskValue: 0 }, ['drop', 'ids']),
    node('head', { kind: 'dense', units: 2, activation: 'softmax', useBias: true }, ['bigru']),
  ],
};

/** Recordings padded with −1 steps: a Masking layer, an LSTM masked at −1 by the raw steps, a Dense over the masked steps. */
const maskedSeries: TopologySpec = {
  name: 'zoo-masked-series',
  inputShape: [6, 2],
  inputName: 'series',
  // The header's training record, for the fuzzer to mutate.
  training: { loss: 'categoricalCrossentropy', fromLogits: false },
  layers: [
    node('mask', { kind: 'masking', maskValue: -1 }, ['series']),
    node('lstm', { kind: 'recurrent', cell: 'lstm', units: 3, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: false, maskValue: -1 }, ['mask', 'series']),
    node('flat', { kind: 'flatten' }, ['mask']),
    node('steps', { kind: 'dense', units: 3, activation: 'relu', useBias: true }),
    node('joined', { kind: 'concatenate', axis: -1 }, ['lstm', 'steps']),
    node('head', { kind: 'dense', units: 2, activation: 'softmax', useBias: true }),
  ],
};

/** Self-attention over 5 tokens of 4 features (scores, softmax, context: plain dot products), a cosine-similarity head (normalised). */
const attention: TopologySpec = {
  name: 'zoo-attention',
  inputShape: [5, 4],
  inputName: 'tokens',
  layers: [
    node('wide', { kind: 'reshape', targetShape: [1, 5, 4] }, ['tokens']),
    node('proj', conv(4, { kernelSize: [1, 1], activation: 'linear' })),
    node('q', { kind: 'reshape', targetShape: [5, 4] }),
    node('scores', { kind: 'dot', axes: [2, 2], normalize: false }, ['q', 'tokens']),
    node('weights', { kind: 'activation', activation: 'softmax' }),
    node('context', { kind: 'dot', axes: [2, 1], normalize: false }, ['weights', 'tokens']),
    node('cosine', { kind: 'dot', axes: [2, 2], normalize: true }, ['context', 'q']),
    node('flatten', { kind: 'flatten' }),
    node('head', { kind: 'dense', units: 2, activation: 'softmax', useBias: true }),
  ],
};

/** The zoo as IR models with random parameters (deterministic). */
export function opZoo(): Model[] {
  return [withRandomParams(chain, 3), withRandomParams(graph, 4), withRandomParams(maskedText, 5), withRandomParams(attention, 6), withRandomParams(maskedSeries, 7)];
}
