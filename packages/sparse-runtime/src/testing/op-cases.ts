/**
 * Small compressed graphs that together run every op kind and every activation of core's table
 * (as an `activation` node and as a layer option), for the conformance suite: softmax along each
 * axis, relu with a maximum, leakyRelu's slope, thresholdedRelu's threshold, dilation 2, depthwise
 * multiplier 2, strides 1 and 2, SAME/VALID, odd sizes, every merge (some of three inputs or the
 * same input twice), concatenation on each axis, permute, reshape, padding, cropping, global
 * pooling, folded and unfolded batch norms, dropout variants, a strided 1×1 convolution,
 * rescaling, nearest and bilinear upsampling by uneven factors, nearest and bilinear resizing (up,
 * down, non-integer ratios, same size), layer normalisation, PReLU (slopes shared along none, some or all of the non-channel axes; in place), embedding tables in every layout (ids read from the input and
 * from a node's output), transposed convolutions (same and valid, strides below, at and above the
 * kernel), recurrent layers (each cell, every step or the last, linear and hard-sigmoid gates;
 * Keras' reset-after GRU; reading backwards; bidirectional with every merge; masked by an
 * Embedding's zero ids), dot
 * products of every rank pairing and axes (attention, normalised: cosine similarity).
 */
import { LAYER_ACTIVATIONS, NODE_ACTIVATIONS, type Activation, type CompressedModel, type LayerConfig } from '@dc/core';
import { withRandomParams } from '@dc/core/testing';
import { compressModel } from './compress-model.js';
import { GraphBuilder } from './graph-builder.js';

/** One op case: a name and its model. */
export interface OpCase {
  readonly name: string;
  readonly model: () => CompressedModel;
}

function finish(name: string, g: GraphBuilder, seed: number): CompressedModel {
  return compressModel(withRandomParams({ name, inputShape: g.inputShape, layers: g.layers }, seed), { density: 0.6, bits: 5, layouts: ['sparse-coded', 'dense-coded', 'sparse', 'dense'] });
}

const same = (k: number, s = 1) => ({ kernelSize: [k, k] as [number, number], strides: [s, s] as [number, number], padding: 'same' as const });
const valid = (k: number, s = 1) => ({ ...same(k, s), padding: 'valid' as const });

/** Every activation node (and softmax along each axis of a rank-3 value), side by side, concatenated. */
function activations(): CompressedModel {
  const g = new GraphBuilder([5, 3, 2]);
  const pre = g.add('pre', { kind: 'conv2d', filters: 3, ...same(1), activation: 'linear', useBias: true }, ['input']);
  const configs: LayerConfig[] = [
    ...NODE_ACTIVATIONS.map((activation): LayerConfig => ({ kind: 'activation', activation })),
    { kind: 'activation', activation: 'relu', maxValue: 0.25 },
    { kind: 'activation', activation: 'leakyRelu', alpha: -0.7 },
    { kind: 'activation', activation: 'thresholdedRelu', theta: -0.2 },
    ...[1, 2, -2, 3].map((axis): LayerConfig => ({ kind: 'activation', activation: 'softmax', axis })),
  ];
  const outs = configs.map((c) => g.add('act', c, [pre]));
  g.add('cat', { kind: 'concatenate', axis: -1 }, outs);
  return finish('activations', g, 11);
}

/** Every layer activation, fused into dense, conv2d and depthwise layers. */
function layerActivations(): CompressedModel {
  const g = new GraphBuilder([4, 4, 2]);
  const outs = LAYER_ACTIVATIONS.map((activation, i) => {
    const kind = i % 3;
    const x = kind === 2 ? g.add('flat', { kind: 'flatten' }, ['input']) : 'input';
    const y =
      kind === 0
        ? g.add('conv', { kind: 'conv2d', filters: 2, ...same(3), activation, useBias: true }, [x])
        : kind === 1
          ? g.add('dw', { kind: 'depthwiseConv2d', ...valid(2), depthMultiplier: 2, activation, useBias: true }, [x])
          : g.add('dense', { kind: 'dense', units: 5, activation, useBias: i % 2 === 0 }, [x]);
    return kind === 2 ? y : g.add('flat', { kind: 'flatten' }, [y]);
  });
  g.add('cat', { kind: 'concatenate', axis: 1 }, outs);
  return finish('layer-activations', g, 12);
}

/** Convolution geometry: dilation 2, depthwise multiplier 2 (dilated too), strides, SAME/VALID, a strided 1×1 conv. */
function convolutions(): CompressedModel {
  const g = new GraphBuilder([9, 7, 3]);
  const a = g.add('dil', { kind: 'conv2d', filters: 4, ...same(3), dilationRate: [2, 2], activation: 'relu', useBias: true }, ['input']);
  const b = g.add('dilv', { kind: 'conv2d', filters: 4, ...valid(2), dilationRate: [2, 1], activation: 'linear', useBias: false }, [a]);
  const c = g.add('dw2', { kind: 'depthwiseConv2d', ...same(3, 2), depthMultiplier: 2, activation: 'linear', useBias: true }, [b]);
  const d = g.add('dwd', { kind: 'depthwiseConv2d', ...same(2), dilationRate: [2, 2], depthMultiplier: 2, activation: 'tanh', useBias: false }, ['input']);
  const e = g.add('pw', { kind: 'conv2d', filters: 5, ...valid(1, 2), activation: 'relu', useBias: true }, [d]);
  const f = g.add('s2', { kind: 'conv2d', filters: 3, ...valid(3, 2), activation: 'elu', useBias: true }, [e]);
  const h = g.add('dwv', { kind: 'depthwiseConv2d', ...valid(2, 2), depthMultiplier: 1, activation: 'linear', useBias: true }, ['input']);
  const outs = [c, f, h].map((x) => g.add('flat', { kind: 'flatten' }, [x]));
  g.add('cat', { kind: 'concatenate', axis: -1 }, outs);
  return finish('convolutions', g, 13);
}

/** Batch norms: folded (conv, depthwise, dense), unfolded (after a nonlinearity, with two readers, no scale/center). */
function batchNorms(): CompressedModel {
  const g = new GraphBuilder([6, 5, 2]);
  const a = g.add('bn', { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true }, [g.add('conv', { kind: 'conv2d', filters: 3, ...same(3), activation: 'linear', useBias: false }, ['input'])]);
  const b = g.add('bn', { kind: 'batchNorm', epsilon: 1e-2, center: false, scale: true }, [g.add('dw', { kind: 'depthwiseConv2d', ...valid(2), depthMultiplier: 2, activation: 'linear', useBias: true }, [a])]);
  const twice = g.add('conv', { kind: 'conv2d', filters: 4, ...same(1), activation: 'linear', useBias: true }, [b]);
  const c = g.add('bn', { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: false }, [twice]);
  const d = g.add('add', { kind: 'add' }, [c, twice]);
  const e = g.add('bn', { kind: 'batchNorm', epsilon: 0.1, center: false, scale: false }, [g.add('act', { kind: 'activation', activation: 'relu' }, [d])]);
  const dense = g.add('dense', { kind: 'dense', units: 6, activation: 'linear', useBias: true }, [g.add('gap', { kind: 'globalAvgPool2d' }, [e])]);
  g.add('bn', { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true }, [dense]);
  return finish('batch-norms', g, 14);
}

/** Pooling (SAME/VALID, strides), global pooling, padding, cropping, permute, reshape, dropout variants. */
function spatial(): CompressedModel {
  const g = new GraphBuilder([7, 9, 2]);
  const p = g.add('pad', { kind: 'zeroPadding2d', amounts: [[1, 2], [0, 3]] }, ['input']);
  const c = g.add('crop', { kind: 'cropping2d', amounts: [[2, 0], [1, 3]] }, [p]);
  const avg = g.add('avg', { kind: 'avgPool2d', poolSize: [3, 3], strides: [2, 2], padding: 'same' }, [c]);
  const max = g.add('max', { kind: 'maxPool2d', poolSize: [2, 3], strides: [1, 2], padding: 'same' }, [c]);
  const maxv = g.add('maxv', { kind: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, ['input']);
  const avgv = g.add('avgv', { kind: 'avgPool2d', poolSize: [3, 2], strides: [1, 1], padding: 'valid' }, [maxv]);
  const perm = g.add('perm', { kind: 'permute', dims: [3, 1, 2] }, [max]);
  const reshaped = g.add('reshape', { kind: 'reshape', targetShape: [-1, 4] }, [perm]);
  const drops = (['dropout', 'spatialDropout1d', 'gaussianNoise', 'gaussianDropout', 'alphaDropout'] as const).reduce(
    (x, variant) => g.add('drop', { kind: 'dropout', rate: 0.3, variant }, [x]),
    reshaped,
  );
  const outs = [g.add('gmp', { kind: 'globalMaxPool2d' }, [avg]), g.add('gap', { kind: 'globalAvgPool2d' }, [avgv]), g.add('flat', { kind: 'flatten' }, [drops])];
  g.add('cat', { kind: 'concatenate', axis: -1 }, outs);
  return finish('spatial', g, 15);
}

/** Every merge (three inputs, the same input twice), concatenation along each axis. */
function merges(): CompressedModel {
  const g = new GraphBuilder([4, 3, 2]);
  const a = g.add('a', { kind: 'conv2d', filters: 2, ...same(1), activation: 'tanh', useBias: true }, ['input']);
  const b = g.add('b', { kind: 'conv2d', filters: 2, ...same(3), activation: 'linear', useBias: true }, ['input']);
  const outs = (['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum'] as const).map((kind) => g.add(kind, { kind }, kind === 'subtract' ? [a, b] : [a, b, 'input']));
  const twice = g.add('twice', { kind: 'multiply' }, [outs[0], outs[0]]);
  const h = g.add('cat', { kind: 'concatenate', axis: 1 }, [twice, outs[1], outs[2]]);
  const w = g.add('cat', { kind: 'concatenate', axis: 2 }, [h, h]);
  const rest = g.add('cat', { kind: 'concatenate', axis: 1 }, [outs[3], outs[4], outs[5]]);
  const c = g.add('cat', { kind: 'concatenate', axis: -1 }, [w, g.add('cat', { kind: 'concatenate', axis: 2 }, [rest, rest])]);
  g.add('dense', { kind: 'dense', units: 7, activation: 'softmax', useBias: true }, [g.add('flat', { kind: 'flatten' }, [c])]);
  return finish('merges', g, 16);
}

/** Rescaling of the input (bytes to [−1, 1]), of a layer's output (in place), and of a flat value. */
function rescales(): CompressedModel {
  const g = new GraphBuilder([5, 4, 3]);
  const a = g.add('rescale', { kind: 'rescale', scale: 1 / 127.5, offset: -1 }, ['input']);
  const b = g.add('conv', { kind: 'conv2d', filters: 3, ...same(3), activation: 'relu', useBias: true }, [a]);
  const c = g.add('rescale', { kind: 'rescale', scale: -2.5, offset: 0.25 }, [b]);
  const flat = g.add('flat', { kind: 'flatten' }, [g.add('add', { kind: 'add' }, [c, a])]);
  g.add('rescale', { kind: 'rescale', scale: 0.5, offset: 0 }, [g.add('dense', { kind: 'dense', units: 4, activation: 'linear', useBias: true }, [flat])]);
  return finish('rescales', g, 17);
}

/** Nearest and bilinear upsampling by square, uneven and unit factors, around convolutions (an autoencoder's decoder). */
function upsampling(): CompressedModel {
  const g = new GraphBuilder([3, 5, 2]);
  const a = g.add('up', { kind: 'upSampling2d', size: [2, 2] }, ['input']);
  const b = g.add('conv', { kind: 'conv2d', filters: 3, ...same(3), activation: 'relu', useBias: true }, [a]);
  const c = g.add('up', { kind: 'upSampling2d', size: [1, 3] }, [b]);
  const d = g.add('down', { kind: 'conv2d', filters: 2, ...valid(2, 2), activation: 'linear', useBias: true }, [c]);
  const e = g.add('up', { kind: 'upSampling2d', size: [3, 1] }, [d]);
  const f = g.add('bilinear', { kind: 'upSampling2d', size: [2, 3], interpolation: 'bilinear' }, [e]);
  g.add('bilinear', { kind: 'upSampling2d', size: [1, 1], interpolation: 'bilinear' }, [f]);
  return finish('upsampling', g, 18);
}

/**
 * Resizing as Keras' `Resizing` (half-pixel centres), bilinear and nearest: up and down by
 * non-integer ratios, one axis up and the other down, to the same size, to and from one column,
 * around a convolution.
 */
function resizing(): CompressedModel {
  const g = new GraphBuilder([5, 4, 2]);
  const resize = (size: [number, number], interpolation: 'bilinear' | 'nearest', input: string) => g.add(interpolation, { kind: 'resizing', size, interpolation }, [input]);
  const conv = g.add('conv', { kind: 'conv2d', filters: 3, ...same(3), activation: 'relu', useBias: true }, [resize([8, 7], 'bilinear', 'input')]);
  const down = resize([3, 5], 'nearest', conv);
  const outs = [
    // Up again, then to the same size.
    resize([7, 11], 'bilinear', resize([7, 11], 'nearest', down)),
    resize([5, 2], 'nearest', resize([5, 2], 'bilinear', conv)),
    // Rows up and columns down to one column, then from it.
    resize([3, 9], 'bilinear', resize([13, 1], 'bilinear', 'input')),
    resize([12, 3], 'nearest', 'input'),
  ];
  g.add('cat', { kind: 'concatenate', axis: -1 }, outs.map((x) => g.add('flat', { kind: 'flatten' }, [x])));
  return finish('resizing', g, 30);
}

/** Layer normalisation of an image's channels and of a sequence's features, with and without gamma and beta (a mixer block's shape). */
function layerNorms(): CompressedModel {
  const g = new GraphBuilder([4, 5, 6]);
  const a = g.add('ln', { kind: 'layerNorm', epsilon: 1e-3, center: true, scale: true }, ['input']);
  const b = g.add('conv', { kind: 'conv2d', filters: 8, ...same(3), activation: 'gelu', useBias: true }, [a]);
  const tokens = g.add('tokens', { kind: 'reshape', targetShape: [20, 8] }, [b]);
  const c = g.add('ln', { kind: 'layerNorm', epsilon: 1e-6, center: false, scale: true }, [tokens]);
  const d = g.add('ln', { kind: 'layerNorm', epsilon: 1e-5, center: true, scale: false }, [g.add('flat', { kind: 'flatten' }, [c])]);
  g.add('dense', { kind: 'dense', units: 5, activation: 'softmax', useBias: true }, [d]);
  return finish('layer-norms', g, 19);
}

/** Layer normalisation over several trailing axes: an image's whole feature map (Keras' `axis=[1, 2, 3]`), then a sequence's steps and features together without beta. */
function layerNormsOverSeveralAxes(): CompressedModel {
  const g = new GraphBuilder([4, 5, 6]);
  const a = g.add('ln', { kind: 'layerNorm', epsilon: 1e-3, center: true, scale: true, trailingAxes: 3 }, ['input']);
  const b = g.add('conv', { kind: 'conv2d', filters: 8, ...same(3), activation: 'gelu', useBias: true }, [a]);
  const tokens = g.add('tokens', { kind: 'reshape', targetShape: [20, 8] }, [b]);
  const c = g.add('ln', { kind: 'layerNorm', epsilon: 1e-5, center: false, scale: true, trailingAxes: 2 }, [tokens]);
  g.add('dense', { kind: 'dense', units: 5, activation: 'softmax', useBias: true }, [g.add('flat', { kind: 'flatten' }, [c])]);
  return finish('layer-norms-several-axes', g, 29);
}

/** Group normalisation (Keras' `GroupNormalization`): an image's 8 channels in 4 groups with gamma and beta, a sequence's 6 features in 2 groups without, and one group (the whole sample). */
function groupNorms(): CompressedModel {
  const g = new GraphBuilder([4, 5, 8]);
  const a = g.add('gn', { kind: 'groupNorm', groups: 4, epsilon: 1e-3, center: true, scale: true }, ['input']);
  const b = g.add('conv', { kind: 'conv2d', filters: 6, ...same(3), activation: 'swish', useBias: true }, [a]);
  const tokens = g.add('tokens', { kind: 'reshape', targetShape: [20, 6] }, [b]);
  const c = g.add('gn', { kind: 'groupNorm', groups: 2, epsilon: 1e-5, center: false, scale: false }, [tokens]);
  const d = g.add('gn', { kind: 'groupNorm', groups: 1, epsilon: 1e-3, center: true, scale: false }, [c]);
  g.add('dense', { kind: 'dense', units: 5, activation: 'softmax', useBias: true }, [g.add('flat', { kind: 'flatten' }, [d])]);
  return finish('group-norms', g, 33);
}

/** Unit (L2) normalisation: an image's channels, its whole feature map, and an embedding head's vector (Keras' `UnitNormalization`), one row all zeros. */
function unitNorms(): CompressedModel {
  const g = new GraphBuilder([4, 5, 6]);
  const a = g.add('un', { kind: 'unitNorm' }, ['input']);
  const b = g.add('conv', { kind: 'conv2d', filters: 8, ...same(3), activation: 'relu', useBias: true }, [a]);
  const c = g.add('un', { kind: 'unitNorm', trailingAxes: 3 }, [b]);
  const embedding = g.add('embed', { kind: 'dense', units: 6, activation: 'linear', useBias: true }, [g.add('flat', { kind: 'flatten' }, [c])]);
  const zeros = g.add('zeros', { kind: 'activation', activation: 'relu', maxValue: 0 }, [embedding]);
  g.add('cat', { kind: 'concatenate', axis: -1 }, [g.add('un', { kind: 'unitNorm' }, [embedding]), g.add('un', { kind: 'unitNorm' }, [zeros])]);
  return finish('unit-norms', g, 31);
}

/**
 * PReLU as face-recognition and super-resolution nets use it: one slope per channel (`sharedAxes`
 * [1, 2]) on the input and after a convolution, one per element, slopes shared along one axis
 * only, on a sequence ([1]: per feature) and on a dense layer's units; in place where its input
 * dies, beside a reader of the same input where it does not.
 */
function prelus(): CompressedModel {
  const g = new GraphBuilder([4, 5, 6]);
  const a = g.add('prelu', { kind: 'prelu', sharedAxes: [1, 2] }, ['input']);
  const b = g.add('conv', { kind: 'conv2d', filters: 8, ...same(3), activation: 'linear', useBias: true }, [a]);
  const c = g.add('prelu', { kind: 'prelu' }, [b]);
  const d = g.add('add', { kind: 'add' }, [c, b]);
  const e = g.add('prelu', { kind: 'prelu', sharedAxes: [2] }, [d]);
  const tokens = g.add('tokens', { kind: 'reshape', targetShape: [20, 8] }, [e]);
  const f = g.add('prelu', { kind: 'prelu', sharedAxes: [1] }, [tokens]);
  const h = g.add('dense', { kind: 'dense', units: 7, activation: 'linear', useBias: true }, [g.add('flat', { kind: 'flatten' }, [f])]);
  g.add('dense', { kind: 'dense', units: 5, activation: 'softmax', useBias: true }, [g.add('prelu', { kind: 'prelu' }, [h])]);
  return finish('prelus', g, 27);
}

/**
 * Embedding tables in each layout, on six token ids: one reads the input (ids 0 and 1: the random
 * inputs lie in [-0.5, 1.5)), three read ids spread by a rescale to 0..14 (fractions truncated).
 */
function embeddings(): CompressedModel {
  const g = new GraphBuilder([6]);
  const direct = g.add('embed', { kind: 'embedding', inputDim: 3, outputDim: 5 }, ['input']);
  const ids = g.add('ids', { kind: 'rescale', scale: 7, offset: 4 }, ['input']);
  const tables = [16, 15, 15].map((inputDim, i) => g.add('embed', { kind: 'embedding', inputDim, outputDim: 4 - i }, [ids]));
  const features = g.add('cat', { kind: 'concatenate', axis: -1 }, [direct, ...tables]);
  g.add('dense', { kind: 'dense', units: 4, activation: 'softmax', useBias: true }, [g.add('flat', { kind: 'flatten' }, [features])]);
  return finish('embeddings', g, 20);
}

/** Transposed convolutions: same and valid padding, strides below, equal to and above the kernel, with and without bias. */
function convTransposes(): CompressedModel {
  const g = new GraphBuilder([5, 4, 3]);
  const t = (filters: number, kernelSize: [number, number], strides: [number, number], padding: 'same' | 'valid', activation: Activation, useBias: boolean): LayerConfig => ({ kind: 'conv2dTranspose', filters, kernelSize, strides, padding, activation, useBias });
  const a = g.add('up', t(4, [3, 3], [2, 2], 'same', 'relu', true), ['input']);
  const b = g.add('up', t(2, [2, 1], [1, 3], 'valid', 'linear', false), [a]);
  const c = g.add('up', t(3, [4, 4], [2, 2], 'valid', 'swish', true), ['input']);
  const d = g.add('up', t(2, [1, 2], [3, 1], 'same', 'sigmoid', true), [c]);
  const flat = [b, d].map((x) => g.add('flat', { kind: 'flatten' }, [x]));
  g.add('cat', { kind: 'concatenate', axis: 1 }, flat);
  return finish('conv-transposes', g, 21);
}

/** SimpleRNN, LSTM and GRU (tfjs's and Keras' reset-after one) over 6 steps of 3 features: every step's state, then the last; tfjs's hard-sigmoid gates and Keras' sigmoid. */
function recurrents(): CompressedModel {
  const g = new GraphBuilder([6, 3]);
  const rnn = (cell: 'simpleRnn' | 'lstm' | 'gru', units: number, activation: Activation, gates: Activation | undefined, returnSequences: boolean): LayerConfig => ({ kind: 'recurrent', cell, units, activation, ...(gates ? { recurrentActivation: gates } : {}), useBias: cell !== 'gru', returnSequences });
  const a = g.add('lstm', rnn('lstm', 5, 'tanh', 'hardSigmoid', true), ['input']);
  const b = g.add('gru', rnn('gru', 4, 'tanh', 'sigmoid', true), [a]);
  const c = g.add('rnn', rnn('simpleRnn', 3, 'relu', undefined, false), [b]);
  const d = g.add('lstm', rnn('lstm', 2, 'linear', 'sigmoid', false), ['input']);
  const e = g.add('gru', rnn('gru', 3, 'relu', 'hardSigmoid', false), ['input']);
  // Keras' GRU (reset_after=True, its default): two biases, every step read by one without bias.
  const keras = g.add('gru_keras', { ...rnn('gru', 4, 'tanh', 'sigmoid', true), useBias: true, resetAfter: true } as LayerConfig, ['input']);
  const f = g.add('gru_keras', { ...rnn('gru', 3, 'relu', 'hardSigmoid', false), resetAfter: true } as LayerConfig, [keras]);
  g.add('cat', { kind: 'concatenate', axis: 1 }, [c, d, e, f]);
  return finish('recurrents', g, 22);
}

/**
 * Recurrent layers reading backwards (each cell, every step or the last) and bidirectional ones
 * (tfjs's `Bidirectional`) with every merge, every step or the last, one wrapping a backward layer.
 */
function bidirectionals(): CompressedModel {
  const g = new GraphBuilder([5, 3]);
  const rnn = (cell: 'simpleRnn' | 'lstm' | 'gru', units: number, returnSequences: boolean, more: object): LayerConfig =>
    ({ kind: 'recurrent', cell, units, activation: 'tanh', ...(cell === 'simpleRnn' ? {} : { recurrentActivation: 'hardSigmoid' }), useBias: true, returnSequences, ...more }) as LayerConfig;
  const flat = (x: string, sequences: boolean) => (sequences ? g.add('flat', { kind: 'flatten' }, [x]) : x);
  const outs: string[] = [];
  (['simpleRnn', 'lstm', 'gru'] as const).forEach((cell, i) => {
    for (const sequences of [true, false]) outs.push(flat(g.add('back', rnn(cell, 3 + i, sequences, { goBackwards: true }), ['input']), sequences));
  });
  const merges = ['concat', 'sum', 'mul', 'ave'] as const;
  merges.forEach((merge, i) => {
    const cell = (['lstm', 'gru', 'simpleRnn', 'lstm'] as const)[i];
    for (const sequences of [true, false]) outs.push(flat(g.add('bi', rnn(cell, 2 + i, sequences, { merge, ...(i === 3 && sequences ? { goBackwards: true } : {}) }), ['input']), sequences));
  });
  // Stacked: a bidirectional layer's every step read by another.
  const seq = g.add('bi', rnn('gru', 3, true, { merge: 'concat' }), ['input']);
  outs.push(g.add('bi', rnn('lstm', 2, false, { merge: 'sum' }), [seq]));
  // Keras' reset-after GRU both ways: each pass its own two bias rows.
  outs.push(flat(g.add('bi_keras', rnn('gru', 3, true, { merge: 'concat', resetAfter: true }), ['input']), true), g.add('bi_keras', rnn('gru', 2, false, { merge: 'ave', resetAfter: true, goBackwards: true }), ['input']));
  g.add('cat', { kind: 'concatenate', axis: 1 }, outs);
  return finish('bidirectionals', g, 23);
}

/**
 * Recurrent layers masked as after tfjs's `Embedding({maskZero: true})`: ids `relu(7x − 5)` from
 * the input (about 80 % of the steps exactly 0, so zeros at the end, in the middle and whole rows
 * of them; ids in (0, 1) look up row 0 yet are not masked: the mask compares the raw value). Each
 * cell stacked (every step), read backwards, bidirectional with three merges, every step or the
 * last (one's every step read by an LSTM), one behind a dropout and one behind a position-wise dense (reshape, 1×1 conv, reshape);
 * one masked by the model input itself.
 */
function maskedRecurrents(): CompressedModel {
  const g = new GraphBuilder([6]);
  const ids = g.add('ids', { kind: 'activation', activation: 'relu' }, [g.add('scale', { kind: 'rescale', scale: 7, offset: -5 }, ['input'])]);
  const embedded = g.add('embed', { kind: 'embedding', inputDim: 6, outputDim: 3, maskZero: true }, [ids]);
  const rnn = (cell: 'simpleRnn' | 'lstm' | 'gru', units: number, returnSequences: boolean, x: string, more: object = {}): string =>
    g.add(cell, { kind: 'recurrent', cell, units, activation: 'tanh', ...(cell === 'simpleRnn' ? {} : { recurrentActivation: 'hardSigmoid' }), useBias: true, returnSequences, maskValue: 0, ...more } as LayerConfig, [x, ids]);
  const flat = (x: string) => g.add('flat', { kind: 'flatten' }, [x]);
  const outs: string[] = [];
  const lstm = rnn('lstm', 4, true, g.add('drop', { kind: 'dropout', rate: 0.3 }, [embedded]));
  const gru = rnn('gru', 3, true, lstm);
  outs.push(flat(gru), rnn('simpleRnn', 2, false, gru));
  (['simpleRnn', 'lstm', 'gru'] as const).forEach((cell, i) => {
    outs.push(flat(rnn(cell, 2 + i, true, embedded, { goBackwards: true })), rnn(cell, 3, false, embedded, { goBackwards: true }));
  });
  outs.push(flat(rnn('lstm', 2, true, embedded, { merge: 'concat' })), rnn('gru', 3, false, embedded, { merge: 'sum' }));
  outs.push(flat(rnn('simpleRnn', 2, true, embedded, { merge: 'ave', goBackwards: true })), rnn('lstm', 2, false, embedded, { merge: 'mul' }));
  // A bidirectional layer's every step read by the next, still masked.
  outs.push(rnn('lstm', 2, false, rnn('gru', 2, true, embedded, { merge: 'concat' })));
  const wide = g.add('dense_2d', { kind: 'reshape', targetShape: [1, -1, 3] }, [embedded]);
  const projected = g.add('dense_nd', { kind: 'reshape', targetShape: [6, 4] }, [g.add('dense', { kind: 'conv2d', filters: 4, ...same(1), activation: 'relu', useBias: true }, [wide])]);
  outs.push(rnn('gru', 2, false, projected));
  outs.push(flat(rnn('gru', 3, true, embedded, { resetAfter: true })), rnn('gru', 2, false, embedded, { resetAfter: true, merge: 'concat' }));
  // Masked by the model input itself (half its values are 0).
  const direct = g.add('embed', { kind: 'embedding', inputDim: 6, outputDim: 2, maskZero: true }, ['input']);
  outs.push(g.add('lstm', { kind: 'recurrent', cell: 'lstm', units: 3, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false, merge: 'concat', maskValue: 0 }, [direct, 'input']));
  g.add('cat', { kind: 'concatenate', axis: 1 }, outs);
  return finish('masked-recurrents', g, 24);
}

/**
 * Recurrent layers masked by a `Masking` layer (maskValue 0): a recording of 6 steps whose
 * value `relu(7x − 5)` is 0 for most steps, projected without bias to 3 features (so a zero step is
 * all zeros), masked, then an LSTM (every step) and a GRU read backwards.
 */
function maskingLayerRecurrents(): CompressedModel {
  const g = new GraphBuilder([6, 1]);
  const level = g.add('level', { kind: 'activation', activation: 'relu' }, [g.add('scale', { kind: 'rescale', scale: 7, offset: -5 }, ['input'])]);
  const wide = g.add('wide', { kind: 'reshape', targetShape: [1, 6, 1] }, [level]);
  const features = g.add('features', { kind: 'reshape', targetShape: [6, 3] }, [g.add('project', { kind: 'conv2d', filters: 3, ...same(1), activation: 'linear', useBias: false }, [wide])]);
  const masked = g.add('mask', { kind: 'masking', maskValue: 0 }, [features]);
  const lstm = g.add('lstm', { kind: 'recurrent', cell: 'lstm', units: 4, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: true, maskValue: 0 }, [masked, features]);
  g.add('gru', { kind: 'recurrent', cell: 'gru', units: 3, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false, goBackwards: true, maskValue: 0 }, [lstm, features]);
  return finish('masking-layer-recurrents', g, 25);
}

/**
 * A `Masking` layer of mask value −1 (recordings padded with −1s): the steps of the masking-layer
 * case shifted by −1 (a zero step becomes all −1), masked, then read two ways: an LSTM (every step)
 * and a backward GRU masked at −1, and a Dense over the flattened masked steps, which sees the
 * padded steps as −0s; the two joined.
 */
function maskingValueRecurrents(): CompressedModel {
  const g = new GraphBuilder([6, 1]);
  const level = g.add('level', { kind: 'activation', activation: 'relu' }, [g.add('scale', { kind: 'rescale', scale: 7, offset: -5 }, ['input'])]);
  const wide = g.add('wide', { kind: 'reshape', targetShape: [1, 6, 1] }, [level]);
  const features = g.add('features', { kind: 'reshape', targetShape: [6, 3] }, [g.add('project', { kind: 'conv2d', filters: 3, ...same(1), activation: 'linear', useBias: false }, [wide])]);
  const padded = g.add('padded', { kind: 'rescale', scale: 1, offset: -1 }, [features]);
  const masked = g.add('mask', { kind: 'masking', maskValue: -1 }, [padded]);
  const lstm = g.add('lstm', { kind: 'recurrent', cell: 'lstm', units: 4, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: true, maskValue: -1 }, [masked, padded]);
  const gru = g.add('gru', { kind: 'recurrent', cell: 'gru', units: 3, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false, goBackwards: true, maskValue: -1 }, [lstm, padded]);
  const steps = g.add('steps', { kind: 'dense', units: 3, activation: 'tanh', useBias: true }, [g.add('flat', { kind: 'flatten' }, [masked])]);
  g.add('joined', { kind: 'concatenate', axis: -1 }, [gru, steps]);
  return finish('masking-value-recurrents', g, 26);
}

/**
 * Dot products (tfjs's `Dot`) of every rank pairing and axes tfjs allows, from a sequence `a`
 * `[4, 6]`: self-attention (scores on axes [2, 2], a softmax, context on [2, 1]), `[t, d]` with
 * `[t, d]`, `[d, t]`, `[d]` and `[t]` on each axis pairing, `[d]` with `[d]` (`[1]`), the same input
 * twice, with and without `normalize` (cosine similarities).
 */
function dots(): CompressedModel {
  const g = new GraphBuilder([4, 6]);
  const dot = (x: string, y: string, axes: [number, number], normalize: boolean) => g.add('dot', { kind: 'dot', axes, normalize }, [x, y]);
  const a = 'input';
  const wide = g.add('wide', { kind: 'conv2d', filters: 6, ...same(1), activation: 'tanh', useBias: true }, [g.add('row', { kind: 'reshape', targetShape: [1, 4, 6] }, [a])]);
  const b = g.add('b', { kind: 'reshape', targetShape: [4, 6] }, [wide]);
  const c = g.add('c', { kind: 'permute', dims: [2, 1] }, [b]);
  const p = g.add('p', { kind: 'globalAvgPool2d' }, [wide]);
  const w = g.add('w', { kind: 'dense', units: 4, activation: 'linear', useBias: true }, [p]);
  const v = g.add('v', { kind: 'dense', units: 6, activation: 'relu', useBias: true }, [w]);
  const weights = g.add('softmax', { kind: 'activation', activation: 'softmax' }, [dot(a, b, [2, 2], false)]);
  const outs = [
    dot(weights, b, [2, 1], false),
    dot(a, b, [2, 2], true),
    dot(a, c, [2, 1], false),
    dot(a, b, [1, 1], true),
    dot(a, c, [1, 2], false),
    dot(a, p, [2, 1], true),
    dot(a, w, [1, 1], false),
    dot(w, b, [1, 1], true),
    dot(p, a, [1, 2], false),
    dot(p, v, [1, 1], false),
    dot(p, v, [1, 1], true),
    dot(a, a, [2, 2], true),
  ];
  g.add('cat', { kind: 'concatenate', axis: 1 }, outs.map((x) => (g.shape(x).length === 1 ? x : g.add('flat', { kind: 'flatten' }, [x]))));
  return finish('dots', g, 28);
}

/** The op cases of the conformance suite. */
export function opCases(): OpCase[] {
  return [
    { name: 'op: every activation node', model: activations },
    { name: 'op: every layer activation', model: layerActivations },
    { name: 'op: convolutions', model: convolutions },
    { name: 'op: batch norms', model: batchNorms },
    { name: 'op: pooling, padding, cropping, permute, reshape, dropout', model: spatial },
    { name: 'op: merges and concatenation', model: merges },
    { name: 'op: rescaling', model: rescales },
    { name: 'op: upsampling', model: upsampling },
    { name: 'op: resizing (half-pixel centres)', model: resizing },
    { name: 'op: layer normalisation', model: layerNorms },
    { name: 'op: layer normalisation over several trailing axes', model: layerNormsOverSeveralAxes },
    { name: 'op: unit normalisation', model: unitNorms },
    { name: 'op: group normalisation', model: groupNorms },
    { name: 'op: prelu', model: prelus },
    { name: 'op: embedding', model: embeddings },
    { name: 'op: transposed convolution', model: convTransposes },
    { name: 'op: recurrent layers', model: recurrents },
    { name: 'op: backward and bidirectional recurrent layers', model: bidirectionals },
    { name: 'op: masked recurrent layers (Embedding maskZero)', model: maskedRecurrents },
    { name: 'op: recurrent layers masked by a Masking layer', model: maskingLayerRecurrents },
    { name: 'op: a Masking layer of mask value −1 (masked steps zeroed, recurrent layers masked at −1)', model: maskingValueRecurrents },
    { name: 'op: dot products (attention, cosine similarity)', model: dots },
  ];
}
