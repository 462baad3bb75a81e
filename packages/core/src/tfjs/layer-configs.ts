/**
 * tfjs layer class + config → IR node configuration(s). Checks every option the IR cannot express
 * (channels-first data, shared axes, unusual defaults) and fails with `UNSUPPORTED_LAYER` naming the
 * layer, its class, the reason and the supported classes.
 */
import { DcError } from '../errors/dc-error.js';
import type { Activation, DotConfig, LayerConfig, Padding, RecurrentConfig, RecurrentMerge } from '../ir/model.js';
import { LAYER_ACTIVATIONS } from '../ops/activation.js';
import { MAX_MASK_VALUE } from '../ops/masking.js';
import { CELL_ACTIVATIONS, RECURRENT_MERGES } from '../ops/recurrent.js';
import { ONE_D_CLASSES, single } from './one-d-layers.js';
import { stepPair } from './keras-1d-layers.js';
import { SPATIAL_DROPOUT_2D_CLASS } from './spatial-dropout-2d.js';
import { UNIT_NORMALIZATION_CLASS } from './unit-normalization.js';
import { GROUP_NORMALIZATION_CLASS } from './group-normalization.js';
import { ATTENTION_CLASS } from './attention-layer.js';
import { ADDITIVE_ATTENTION_CLASS } from './additive-attention.js';
import { checkMultiHeadAttention, MULTI_HEAD_ATTENTION_CLASS } from './multi-head-attention.js';
import { NORMALIZATION_CLASS_NAME, normalizationConfig } from './normalization-layer.js';
import { rescalingConfig } from './channel-rescaling.js';
import { rnnCellLayers } from './rnn-cells.js';
import { RESET_AFTER_GRU_CLASS } from './reset-after-gru.js';
import { KEPT_POOLING_CLASS, keptPoolingConfig } from './kept-pooling-axes.js';
import { CENTER_CROP_CLASS } from './center-crop.js';
import { RESIZING_CLASS } from './resizing.js';
import { KERAS_UP_SAMPLING_CLASS } from './keras-up-sampling.js';
import { CHANNELS_FIRST_POOLING_CLASS } from './channels-first-pooling.js';
import { AUGMENTATION_CLASSES, isAugmentation } from './augmentation-layers.js';

type Config = Record<string, unknown>;

/** Every tfjs layer class `fromLayersModel` converts. */
export const SUPPORTED_CLASSES = [
  'Dense', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'LayerNormalization', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'Flatten', 'Reshape', 'Permute',
  'Activation', 'ReLU', 'LeakyReLU', 'ThresholdedReLU', 'PReLU', 'ELU', 'Softmax', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout',
  'AlphaDropout', 'Rescaling', 'Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'RNN', 'Bidirectional', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot', 'InputLayer',
  ...ONE_D_CLASSES,
  'TimeDistributed',
  'RepeatVector',
  'Masking',
  'Normalization',
  SPATIAL_DROPOUT_2D_CLASS,
  UNIT_NORMALIZATION_CLASS,
  GROUP_NORMALIZATION_CLASS,
  ATTENTION_CLASS,
  ADDITIVE_ATTENTION_CLASS,
  MULTI_HEAD_ATTENTION_CLASS,
  // Keras' reset-after GRU as tfjs saves it (reset-after-gru.ts), a 2-D global pooling with keepdims (kept-pooling-axes.ts).
  RESET_AFTER_GRU_CLASS,
  KEPT_POOLING_CLASS,
  // Keras' CenterCrop as dc's layer that computes it (center-crop.ts), a 1-D global pooling over channels first (channels-first-pooling.ts).
  CENTER_CROP_CLASS,
  CHANNELS_FIRST_POOLING_CLASS,
  // Keras' Resizing and bilinear UpSampling2D as dc's layers that compute them (resizing.ts, keras-up-sampling.ts).
  RESIZING_CLASS,
  KERAS_UP_SAMPLING_CLASS,
  // Image augmentation: the identity at inference, no node (augmentation-layers.ts).
  ...AUGMENTATION_CLASSES,
] as const;

function unsupported(name: string, cls: string, why: string): never {
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${cls}): ${why}`, { tensor: name, hint: `Supported layer classes: ${SUPPORTED_CLASSES.join(', ')}.` });
}

function pair(v: unknown): [number, number] {
  return Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : [v as number, v as number];
}

function pairs(v: unknown): [[number, number], [number, number]] {
  if (typeof v === 'number') return [[v, v], [v, v]];
  const [a, b] = v as unknown[];
  return [pair(a), pair(b)];
}

/** The `recurrent` node of a tfjs `SimpleRNN`, `LSTM` or `GRU` (`cls` may say it is wrapped: `Bidirectional(LSTM)`). */
function recurrentConfig(name: string, cls: string, c: Config): RecurrentConfig {
  for (const flag of ['returnState', 'stateful'] as const) if (c[flag] === true) unsupported(name, cls, `${flag} is not supported`);
  const inner = cls.endsWith(')') ? cls.slice(cls.indexOf('(') + 1, -1) : cls;
  const cell = inner === 'SimpleRNN' ? 'simpleRnn' : inner === 'LSTM' ? 'lstm' : 'gru';
  // Keras' GRU default (reset_after=True), built by dc's layer (reset-after-gru.ts); tfjs's own GRU has none.
  const resetAfter = cell === 'gru' && c.resetAfter === true ? { resetAfter: true } : {};
  const cellActivation = (field: 'activation' | 'recurrentActivation', fallback: Activation): Activation => {
    const a = (c[field] ?? fallback) as string;
    if (!(CELL_ACTIVATIONS as readonly string[]).includes(a)) unsupported(name, cls, `${field} "${a}" is not supported (supported: ${CELL_ACTIVATIONS.join(', ')})`);
    return a as Activation;
  };
  const gates = cell === 'simpleRnn' ? {} : { recurrentActivation: cellActivation('recurrentActivation', 'hardSigmoid') };
  return {
    kind: 'recurrent',
    cell,
    units: c.units as number,
    activation: cellActivation('activation', 'tanh'),
    ...gates,
    useBias: (c.useBias ?? true) as boolean,
    returnSequences: (c.returnSequences ?? false) as boolean,
    ...(c.goBackwards === true ? { goBackwards: true } : {}),
    ...resetAfter,
  };
}

/**
 * The `dot` node of a tfjs `Dot` layer. `c.inputShapes` (its two input shapes without the batch
 * axis, which the converter adds: tfjs's config holds axes as given) resolve a single axis and
 * negative ones as tfjs's `interpretAxis` does, to axes counted with the batch axis as 0.
 */
function dotConfig(name: string, cls: string, c: Config): DotConfig {
  const shapes = c.inputShapes as readonly (readonly number[])[] | undefined;
  if (!Array.isArray(shapes) || shapes.length !== 2) unsupported(name, cls, 'it must be applied to exactly two inputs of known shape');
  shapes.forEach((s, i) => {
    if (s.length !== 1 && s.length !== 2) unsupported(name, cls, `input ${i + 1} has rank ${s.length + 1} ([${['batch', ...s].join(', ')}]): only inputs of rank 2 and 3 with the batch axis ([batch, d], [batch, t, d]) are supported`);
  });
  const given = Array.isArray(c.axes) ? (c.axes as unknown[]) : [c.axes, c.axes];
  if (given.length !== 2 || given.some((a) => typeof a !== 'number' || !Number.isInteger(a))) unsupported(name, cls, `axes ${JSON.stringify(c.axes)}: one integer or two are needed`);
  const axes = (given as number[]).map((a, i) => {
    const rank = shapes[i].length + 1;
    const axis = a < 0 ? ((a % rank) + rank) % rank : a;
    if (axis === 0) unsupported(name, cls, `axes ${JSON.stringify(c.axes)}: axis 0 of input ${i + 1} is the batch axis; only a product over a non-batch axis of each sample is supported`);
    if (axis >= rank) unsupported(name, cls, `axes ${JSON.stringify(c.axes)}: input ${i + 1} has no axis ${axis} (its rank is ${rank} with the batch axis)`);
    return axis;
  });
  const [d1, d2] = [shapes[0][axes[0] - 1], shapes[1][axes[1] - 1]];
  if (d1 !== d2) unsupported(name, cls, `axes ${JSON.stringify(c.axes)}: the summed axes differ in extent (${d1} and ${d2})`);
  if (c.normalize != null && typeof c.normalize !== 'boolean') unsupported(name, cls, `normalize ${JSON.stringify(c.normalize)}: true or false is needed`);
  return { kind: 'dot', axes: [axes[0], axes[1]], normalize: c.normalize === true };
}

/**
 * The IR configuration(s) of one tfjs layer: one, or two for `SeparableConv2D` (depthwise, then a
 * 1×1 pointwise convolution with the layer's bias and activation).
 */
export function convertConfig(name: string, cls: string, c: Config): LayerConfig[] {
  const channelsLast = () => {
    if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') unsupported(name, cls, 'channelsFirst data is not supported (use channelsLast)');
  };
  const act = (): Activation => {
    const a = (c.activation ?? 'linear') as string;
    if (!(LAYER_ACTIVATIONS as readonly string[]).includes(a)) unsupported(name, cls, `activation "${String(a)}" is not supported (supported: ${LAYER_ACTIVATIONS.join(', ')})`);
    return a as Activation;
  };
  const padding = (): Padding => {
    if (c.padding === 'same' || c.padding === 'valid') return c.padding;
    return unsupported(name, cls, `padding "${String(c.padding)}" is not supported`);
  };
  const positive = (v: unknown, what: string): number => {
    const n = single(v, NaN);
    return Number.isInteger(n) && n >= 1 ? n : unsupported(name, cls, `${what} ${JSON.stringify(v)}: a positive integer is needed`);
  };
  const steps = (v: unknown, what: string): [number, number] => {
    const pair = stepPair(v, NaN);
    return pair.every((n) => Number.isInteger(n) && n >= 0) ? pair : unsupported(name, cls, `${what} ${JSON.stringify(v)}: one or two integers ≥ 0 are needed`);
  };
  const dilation = () => {
    const d = pair(c.dilationRate ?? 1);
    return d[0] === 1 && d[1] === 1 ? {} : { dilationRate: d };
  };
  // Image augmentation is the identity at inference: convert-from gives it no node.
  if (isAugmentation(cls)) return [];
  switch (cls) {
    case 'Dense':
      return [{ kind: 'dense', units: c.units as number, activation: act(), useBias: c.useBias as boolean }];
    case 'Conv2D':
      channelsLast();
      return [{ kind: 'conv2d', filters: c.filters as number, kernelSize: pair(c.kernelSize), strides: pair(c.strides ?? 1), padding: padding(), ...dilation(), activation: act(), useBias: c.useBias as boolean }];
    case 'Conv2DTranspose': {
      channelsLast();
      const d = pair(c.dilationRate ?? 1);
      if (d[0] !== 1 || d[1] !== 1) unsupported(name, cls, 'dilationRate other than 1 is not supported (tfjs computes none)');
      if (c.outputPadding != null) unsupported(name, cls, 'outputPadding is not supported');
      return [{ kind: 'conv2dTranspose', filters: c.filters as number, kernelSize: pair(c.kernelSize), strides: pair(c.strides ?? 1), padding: padding(), activation: act(), useBias: c.useBias as boolean }];
    }
    case 'DepthwiseConv2D':
    case 'SeparableConv2D': {
      channelsLast();
      // tfjs's SeparableConv2D dilates its depthwise half; its DepthwiseConv2D layer drops the dilation.
      const d = pair(c.dilationRate ?? 1);
      if (cls === 'DepthwiseConv2D' && (d[0] !== 1 || d[1] !== 1)) unsupported(name, cls, `dilationRate [${d.join(', ')}] is not supported: tfjs 4.22's DepthwiseConv2D computes none (it runs the kernel undilated), Keras does, so the model's weights fit only one of the two`);
      const depthwise: LayerConfig = {
        kind: 'depthwiseConv2d',
        kernelSize: pair(c.kernelSize),
        strides: pair(c.strides ?? 1),
        padding: padding(),
        ...dilation(),
        depthMultiplier: (c.depthMultiplier ?? 1) as number,
        activation: cls === 'DepthwiseConv2D' ? act() : 'linear',
        useBias: cls === 'DepthwiseConv2D' ? (c.useBias as boolean) : false,
      };
      if (cls === 'DepthwiseConv2D') return [depthwise];
      return [depthwise, { kind: 'conv2d', filters: c.filters as number, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: act(), useBias: c.useBias as boolean }];
    }
    case 'BatchNormalization': {
      // Keras 2 saves the axis as a one-element list ([3]) once the layer is built.
      const axis = Array.isArray(c.axis) && c.axis.length === 1 ? (c.axis[0] as unknown) : (c.axis ?? -1);
      if (axis !== -1 && axis !== 3 && axis !== 1) unsupported(name, cls, `axis ${String(axis)}: only the last (channels) axis is supported`);
      // A frozen one (trainable: false) runs as at inference while the model trains, as Keras runs it.
      return [{ kind: 'batchNorm', epsilon: (c.epsilon ?? 1e-3) as number, center: (c.center ?? true) as boolean, scale: (c.scale ?? true) as boolean, ...(c.trainable === false ? { fixed: true } : {}) }];
    }
    case 'LayerNormalization': {
      // configOf gives the axes counted from the end once the layer is built ([2] of a rank-3 input: -1).
      // tfjs shapes gamma and beta by the axes in the order given but broadcasts them by a reshape, which scrambles decreasing axes.
      const axes = Array.isArray(c.axis) ? (c.axis as unknown[]) : [c.axis ?? -1];
      if (axes.some((a, i) => i > 0 && (a as number) <= (axes[i - 1] as number))) unsupported(name, cls, `axis ${JSON.stringify(c.axis)}: give the axes in increasing order`);
      if (!axes.every((a, i) => a === i - axes.length)) unsupported(name, cls, `axis ${JSON.stringify(c.axis)}: only the last axis, or several last axes together (axis [1, 2, 3] of an image), is supported`);
      const config = { kind: 'layerNorm' as const, epsilon: (c.epsilon ?? 1e-3) as number, center: (c.center ?? true) as boolean, scale: (c.scale ?? true) as boolean };
      return [axes.length === 1 ? config : { ...config, trailingAxes: axes.length }];
    }
    case GROUP_NORMALIZATION_CLASS: {
      // dc's tfjs layer of Keras' class (group-normalization.ts); configOf gives the axis counted from the end.
      if (c.axis !== undefined && c.axis !== -1) unsupported(name, cls, `axis ${JSON.stringify(c.axis)}: only the last axis (the channels) is supported`);
      const groups = c.groups ?? 32;
      if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) unsupported(name, cls, `groups ${JSON.stringify(groups)}: a positive integer is needed`);
      return [{ kind: 'groupNorm', groups, epsilon: (c.epsilon ?? 1e-3) as number, center: (c.center ?? true) as boolean, scale: (c.scale ?? true) as boolean }];
    }
    case UNIT_NORMALIZATION_CLASS: {
      // dc's tfjs layer of Keras' class (unit-normalization.ts); configOf gives the axes counted from the end.
      const axes = [...new Set(Array.isArray(c.axis) ? (c.axis as number[]) : [(c.axis ?? -1) as number])].sort((a, b) => a - b);
      if (!axes.every((a, i) => a === i - axes.length)) unsupported(name, cls, `axis ${JSON.stringify(c.axis)}: only the last axis, or several last axes together, is supported`);
      return [axes.length === 1 ? { kind: 'unitNorm' } : { kind: 'unitNorm', trailingAxes: axes.length }];
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return [recurrentConfig(name, cls, c)];
    case RESET_AFTER_GRU_CLASS:
      return [recurrentConfig(name, 'GRU', c)];
    case 'RNN':
      return rnnCellLayers(name, c).map((cell) => recurrentConfig(name, `RNN(${cell.cls})`, cell.config));
    case 'Bidirectional': {
      // tfjs's wrapper: the layer (forward) and a copy with goBackwards flipped (backward).
      const inner = (c.layer ?? {}) as { className?: string; config?: Config };
      const innerCls = inner.className === RESET_AFTER_GRU_CLASS ? 'GRU' : String(inner.className);
      if (!['SimpleRNN', 'LSTM', 'GRU'].includes(innerCls)) unsupported(name, cls, `it wraps ${innerCls}: only SimpleRNN, LSTM and GRU are supported`);
      const merge = c.mergeMode === undefined ? 'concat' : c.mergeMode;
      if (merge === null) unsupported(name, cls, 'mergeMode null (the two directions as two outputs) is not supported: use concat, sum, mul or ave');
      if (!(RECURRENT_MERGES as readonly unknown[]).includes(merge)) unsupported(name, cls, `mergeMode ${JSON.stringify(merge)} is not supported (supported: ${RECURRENT_MERGES.join(', ')})`);
      return [{ ...recurrentConfig(name, `${cls}(${innerCls})`, inner.config ?? {}), merge: merge as RecurrentMerge }];
    }
    case 'Embedding':
      // maskZero changes nothing here: the recurrent layers the mask reaches take the ids as a mask input (masks.ts).
      return [{ kind: 'embedding', inputDim: c.inputDim as number, outputDim: c.outputDim as number, ...(c.maskZero === true ? { maskZero: true } : {}) }];
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      channelsLast();
      return [{ kind: cls === 'MaxPooling2D' ? 'maxPool2d' : 'avgPool2d', poolSize: pair(c.poolSize), strides: pair(c.strides ?? c.poolSize), padding: padding() }];
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      channelsLast();
      if (c.keepDims === true) unsupported(name, cls, 'keepDims is not supported');
      return [{ kind: cls === 'GlobalAveragePooling2D' ? 'globalAvgPool2d' : 'globalMaxPool2d' }];
    case KEPT_POOLING_CLASS:
      // Its nodes: kept-pooling-axes.ts.
      return [keptPoolingConfig(c)];
    case CHANNELS_FIRST_POOLING_CLASS:
      // Its nodes (a permute, then the pooling): channels-first-pooling.ts.
      return [{ kind: c.pooling === 'max' ? 'globalMaxPool2d' : 'globalAvgPool2d' }];
    case CENTER_CROP_CLASS:
      // Its margins follow from the input's shape, and it checks its data format: center-crop.ts.
      return [{ kind: 'cropping2d', amounts: [[0, 0], [0, 0]] }];
    case RESIZING_CLASS:
      // Its nodes (a crop or pad to the aspect ratio, then the resize) follow from the input's shape: resizing.ts.
      return [{ kind: 'resizing', size: [c.height as number, c.width as number], interpolation: 'bilinear' }];
    case KERAS_UP_SAMPLING_CLASS:
      // Its size follows from the input's shape: keras-up-sampling.ts.
      channelsLast();
      return [{ kind: 'resizing', size: pair(c.size ?? [2, 2]), interpolation: 'bilinear' }];
    case 'ZeroPadding2D':
      channelsLast();
      return [{ kind: 'zeroPadding2d', amounts: pairs(c.padding ?? 1) }];
    case 'Cropping2D':
      channelsLast();
      return [{ kind: 'cropping2d', amounts: pairs(c.cropping ?? 0) }];
    case 'Flatten':
      channelsLast();
      return [{ kind: 'flatten' }];
    case 'Reshape':
      // tfjs's getConfig writes an inferred extent (-1) as null.
      return [{ kind: 'reshape', targetShape: (c.targetShape as (number | null)[]).map((d) => d ?? -1) }];
    case 'Permute':
      return [{ kind: 'permute', dims: [...(c.dims as number[])] }];
    case 'Activation':
      return [{ kind: 'activation', activation: act() }];
    case 'ReLU':
      return [c.maxValue == null ? { kind: 'activation', activation: 'relu' } : { kind: 'activation', activation: 'relu', maxValue: c.maxValue as number }];
    case 'LeakyReLU':
      return [{ kind: 'activation', activation: 'leakyRelu', alpha: (c.alpha ?? 0.3) as number }];
    case 'ThresholdedReLU':
      return [{ kind: 'activation', activation: 'thresholdedRelu', theta: (c.theta ?? 1) as number }];
    case 'PReLU': {
      // alphaInitializer, alphaRegularizer and alphaConstraint only shape training; the learned alpha comes with the weights.
      const shared = c.sharedAxes == null ? [] : Array.isArray(c.sharedAxes) ? (c.sharedAxes as unknown[]) : [c.sharedAxes];
      if (!shared.every((a) => typeof a === 'number' && Number.isInteger(a) && a >= 1)) {
        unsupported(name, cls, `sharedAxes ${JSON.stringify(c.sharedAxes)}: only non-batch axes (integers from 1) are supported`);
      }
      const sharedAxes = [...new Set(shared as number[])].sort((a, b) => a - b);
      return [sharedAxes.length === 0 ? { kind: 'prelu' } : { kind: 'prelu', sharedAxes }];
    }
    case 'ELU':
      if ((c.alpha ?? 1) !== 1) unsupported(name, cls, 'alpha other than 1 is not supported (tfjs implements none)');
      return [{ kind: 'activation', activation: 'elu' }];
    case 'Softmax':
      return [{ kind: 'activation', activation: 'softmax', axis: (Array.isArray(c.axis) ? unsupported(name, cls, 'several axes') : (c.axis ?? -1)) as number }];
    case 'Dropout': {
      if (c.noiseShape == null) return [{ kind: 'dropout', rate: c.rate as number }];
      // An entry of 1 shares the mask along that axis (batch included); null or the axis' extent draws it per element.
      const noise = c.noiseShape as unknown;
      if (!Array.isArray(noise) || !noise.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 1))) unsupported(name, cls, `noiseShape ${JSON.stringify(noise)}: only positive integers and null are supported`);
      // tfjs broadcasts a shorter noise shape against the last axes; one entry per axis says each axis' sharing.
      const rank = (c.inputShapes as readonly (readonly unknown[])[] | undefined)?.[0]?.length;
      if (rank !== undefined && noise.length !== rank + 1) unsupported(name, cls, `noiseShape ${JSON.stringify(noise)} has ${noise.length} entries for an input of rank ${rank + 1} (with the batch axis): give one per axis`);
      const sharedAxes = (noise as (number | null)[]).flatMap((d, axis) => (d === 1 ? [axis] : []));
      return [sharedAxes.length === 0 ? { kind: 'dropout', rate: c.rate as number } : { kind: 'dropout', rate: c.rate as number, sharedAxes }];
    }
    case 'SpatialDropout1D':
      return [{ kind: 'dropout', rate: c.rate as number, variant: 'spatialDropout1d' }];
    case SPATIAL_DROPOUT_2D_CLASS:
      // dc's tfjs layer of Keras' class (spatial-dropout-2d.ts): one mask per feature map.
      channelsLast();
      return [{ kind: 'dropout', rate: c.rate as number, sharedAxes: [1, 2] }];
    case 'GaussianNoise':
      return [{ kind: 'dropout', rate: c.stddev as number, variant: 'gaussianNoise' }];
    case 'GaussianDropout':
      return [{ kind: 'dropout', rate: c.rate as number, variant: 'gaussianDropout' }];
    case 'AlphaDropout':
      return [{ kind: 'dropout', rate: c.rate as number, variant: 'alphaDropout' }];
    case 'Masking': {
      // Its mask reaches recurrent layers as their mask input (masks.ts).
      const maskValue = (c.maskValue ?? 0) as number;
      if (!Number.isFinite(maskValue) || Math.abs(maskValue) > MAX_MASK_VALUE) unsupported(name, cls, `maskValue ${JSON.stringify(c.maskValue)} is not a finite number within ±${MAX_MASK_VALUE}`);
      return [{ kind: 'masking', maskValue }];
    }
    case 'Add': return [{ kind: 'add' }];
    case 'Subtract': return [{ kind: 'subtract' }];
    case 'Multiply': return [{ kind: 'multiply' }];
    case 'Average': return [{ kind: 'average' }];
    case 'Maximum': return [{ kind: 'maximum' }];
    case 'Minimum': return [{ kind: 'minimum' }];
    case 'Concatenate':
      return [{ kind: 'concatenate', axis: (c.axis ?? -1) as number }];
    case ATTENTION_CLASS:
    case ADDITIVE_ATTENTION_CLASS:
      // dc's tfjs layers of Keras' classes; their nodes (scores, softmax, this weighted sum) come from attention-layer.ts and additive-attention.ts.
      return [{ kind: 'dot', axes: [2, 1], normalize: false }];
    case MULTI_HEAD_ATTENTION_CLASS:
      // dc's tfjs layer of Keras' class; its nodes (projections per head, scores, softmax, sums, output) come from multi-head-attention.ts.
      checkMultiHeadAttention(name, c, {});
      return [{ kind: 'reshape', targetShape: [-1] }];
    case 'Dot':
      return [dotConfig(name, cls, c)];
    case 'Conv1D': {
      channelsLast();
      const [k, d] = [single(c.kernelSize, 1), single(c.dilationRate, 1)];
      const causal = c.padding === 'causal';
      return [{
        kind: 'conv2d',
        filters: c.filters as number,
        kernelSize: [1, k],
        strides: [1, single(c.strides, 1)],
        padding: causal ? 'valid' : padding(),
        ...(d === 1 ? {} : { dilationRate: [1, d] as [number, number] }),
        activation: act(),
        useBias: c.useBias as boolean,
      }];
    }
    case 'DepthwiseConv1D':
    case 'SeparableConv1D': {
      // dc's tfjs layers of Keras' classes (depthwise-1d-layers.ts), as a one-row depthwiseConv2d (then a 1×1 conv2d).
      channelsLast();
      const d = single(c.dilationRate, 1);
      const causal = c.padding === 'causal';
      const depthwise: LayerConfig = {
        kind: 'depthwiseConv2d',
        kernelSize: [1, single(c.kernelSize, 1)],
        strides: [1, single(c.strides, 1)],
        padding: causal ? 'valid' : padding(),
        ...(d === 1 ? {} : { dilationRate: [1, d] as [number, number] }),
        depthMultiplier: (c.depthMultiplier ?? 1) as number,
        activation: cls === 'DepthwiseConv1D' ? act() : 'linear',
        useBias: cls === 'DepthwiseConv1D' ? (c.useBias as boolean) : false,
      };
      if (cls === 'DepthwiseConv1D') return [depthwise];
      return [depthwise, { kind: 'conv2d', filters: c.filters as number, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: act(), useBias: c.useBias as boolean }];
    }
    case 'Conv1DTranspose': {
      // dc's tfjs layer of Keras' class (conv1d-transpose.ts), as a one-row conv2dTranspose.
      channelsLast();
      if (single(c.dilationRate, 1) !== 1) unsupported(name, cls, 'dilationRate other than 1 is not supported');
      if (c.outputPadding != null) unsupported(name, cls, 'outputPadding is not supported');
      return [{ kind: 'conv2dTranspose', filters: c.filters as number, kernelSize: [1, single(c.kernelSize, 1)], strides: [1, single(c.strides, 1)], padding: padding(), activation: act(), useBias: c.useBias as boolean }];
    }
    // dc's tfjs layers of Keras' classes (keras-1d-layers.ts), as 2-D ops on one row.
    case 'UpSampling1D':
      return [{ kind: 'upSampling2d', size: [1, positive(c.size ?? 2, 'size')] }];
    case 'ZeroPadding1D':
      return [{ kind: 'zeroPadding2d', amounts: [[0, 0], steps(c.padding ?? 1, 'padding')] }];
    case 'Cropping1D':
      return [{ kind: 'cropping2d', amounts: [[0, 0], steps(c.cropping ?? 1, 'cropping')] }];
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      const p = single(c.poolSize, 2);
      return [{ kind: cls === 'MaxPooling1D' ? 'maxPool2d' : 'avgPool2d', poolSize: [1, p], strides: [1, single(c.strides, p)], padding: padding() }];
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      channelsLast();
      if (c.keepDims === true) unsupported(name, cls, 'keepDims is not supported');
      return [{ kind: cls === 'GlobalAveragePooling1D' ? 'globalAvgPool2d' : 'globalMaxPool2d' }];
    case 'UpSampling2D': {
      channelsLast();
      const interpolation = (c.interpolation ?? 'nearest') as string;
      if (interpolation !== 'nearest' && interpolation !== 'bilinear') unsupported(name, cls, `interpolation "${interpolation}": nearest and bilinear are supported`);
      return [{ kind: 'upSampling2d', size: pair(c.size ?? [2, 2]), ...(interpolation === 'bilinear' ? { interpolation } : {}) }];
    }
    case 'RepeatVector': {
      // Nodes around it: repeat-vector.ts.
      const n = c.n as unknown;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) unsupported(name, cls, `n ${JSON.stringify(n)}: a positive integer is needed`);
      return [{ kind: 'upSampling2d', size: [n, 1] }];
    }
    case 'Rescaling':
      // A scale or offset per channel (tfjs broadcasts them; the IR's rescale holds one number): channel-rescaling.ts.
      return [rescalingConfig(name, c)];
    case NORMALIZATION_CLASS_NAME:
      return [normalizationConfig(name, c)];
    default:
      return unsupported(name, cls, 'this layer class is not supported');
  }
}
