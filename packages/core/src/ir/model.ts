/**
 * The model intermediate representation: a graph of named nodes ("layers") with named float32
 * tensors, independent of TensorFlow.js. Stages read and return this, never tfjs objects.
 *
 * Nodes are kept in topological order. A node's `inputs` name earlier nodes or the model input;
 * without `inputs` a node takes the previous node's output (the first node: the model input), so a
 * plain chain needs no edges at all. The last node is the model's single output. Ops and their
 * semantics follow the Keras/tfjs layers of the same name; `ops/` in this package is the one place
 * that validates configurations and infers shapes (docs/format.md §6 specifies them).
 */
import type { TrainingRecord } from './training-record.js';

/** A named float32 tensor, row-major (tfjs layout: dense kernels `[in, out]`, conv kernels `[kh, kw, in, out]`). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Activation functions, by their tfjs names. As a layer option (`dense`, `conv2d`, ...) any but
 * `leakyRelu` and `thresholdedRelu`; an `activation` node may also use those two and carry parameters.
 */
export type Activation =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'tanh'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'mish'
  | 'gelu'
  | 'gelu_new'
  | 'hard_silu'
  | 'softmax'
  | 'leakyRelu'
  | 'thresholdedRelu';

/** Padding of convolutions and pooling, as in tfjs (`same` puts the odd pixel after). */
export type Padding = 'same' | 'valid';

/** A fully connected layer on a rank-1 input: `y = act(x · kernel + bias)`, kernel `[in, units]`. */
export interface DenseConfig {
  readonly kind: 'dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
}

/** What every convolution has: its window, how it moves, its activation and bias. */
export interface ConvWindowConfig {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  /** Default `[1, 1]`; strides and dilation are not both above 1 (as in tfjs). */
  readonly dilationRate?: readonly [number, number];
  readonly activation: Activation;
  readonly useBias: boolean;
}

/** A 2-D convolution, channels last, kernel `[kh, kw, in, filters]`. */
export interface Conv2dConfig extends ConvWindowConfig {
  readonly kind: 'conv2d';
  readonly filters: number;
}

/**
 * A transposed 2-D convolution (tfjs's `Conv2DTranspose`, a "deconvolution"), channels last: input
 * pixel `(y, x)` adds its kernel window, weighted by its channels, into the output at
 * `(y · sy + ky − top, x · sx + kx − left)`. Output extent per axis with input `n`, kernel `k`,
 * stride `s`: `valid`: `n · s + max(k − s, 0)`, nothing cropped; `same`: `n · s`, the first
 * `floor(max(k − s, 0) / 2)` cropped (top/left). Kernel `[kh, kw, filters, in]` (tfjs's layout:
 * output channels before input channels), bias `[filters]`. Op set 3.
 */
export interface Conv2dTransposeConfig {
  readonly kind: 'conv2dTranspose';
  readonly filters: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly activation: Activation;
  readonly useBias: boolean;
}

/**
 * A depthwise 2-D convolution, channels last: each input channel `c` is convolved with
 * `depthMultiplier` filters of its own, giving output channel `c · depthMultiplier + m`.
 * Kernel `[kh, kw, in, depthMultiplier]`, bias `[in · depthMultiplier]`.
 */
export interface DepthwiseConv2dConfig extends ConvWindowConfig {
  readonly kind: 'depthwiseConv2d';
  readonly depthMultiplier: number;
}

/**
 * Batch normalisation in inference form, over the last axis:
 * `y = (x − movingMean) / sqrt(movingVariance + epsilon) · gamma + beta`
 * (`gamma` is 1 without `scale`, `beta` is 0 without `center`).
 */
export interface BatchNormConfig {
  readonly kind: 'batchNorm';
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  /**
   * The statistics are constants of the model, never re-estimated: Keras' `Normalization` (a
   * preprocessing layer adapted to the training data), or a `BatchNormalization` frozen by
   * `trainable: false` (which Keras runs as at inference while the rest trains). Retraining runs it
   * as at inference and leaves it unchanged; inference is the same either way. Op set 3.
   */
  readonly fixed?: boolean;
}

/**
 * Layer normalisation over the last axis, or the last `trailingAxes` axes, per sample and position
 * of the other axes (tfjs's `LayerNormalization` with the last axis, or with `axis` `[1, 2, 3]` of
 * an image: the whole feature map): `y = (x − mean) / sqrt(variance + epsilon) · gamma + beta`,
 * the mean and the (biased) variance taken over those axes, `gamma` and `beta` of their shape (1
 * without `scale`, 0 without `center`). Op set 3.
 */
export interface LayerNormConfig {
  readonly kind: 'layerNorm';
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  /** How many trailing axes are normalised over together (at most the input's rank); absent: 1, the last. */
  readonly trailingAxes?: number;
}

/**
 * Keras' `GroupNormalization` over the last axis: its `C` channels split into `groups` groups of
 * `C / groups`, each sample's values of a group (every position, the group's channels) normalised
 * by their mean and biased variance, `(x − mean) / sqrt(var + epsilon)`, then scaled and shifted per
 * channel by `gamma` and `beta` (`[C]`, where `scale` and `center`). Op set 3.
 */
export interface GroupNormConfig {
  readonly kind: 'groupNorm';
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
}

/**
 * Keras' `UnitNormalization`: each row of the trailing axes divided by its L2 norm,
 * `x / sqrt(max(Σ x², 1e-12))` (TensorFlow's `l2_normalize`; embedding heads end with it). Op set 3.
 */
export interface UnitNormConfig {
  readonly kind: 'unitNorm';
  /** How many trailing axes are normalised over together (at most the input's rank); absent: 1, the last. */
  readonly trailingAxes?: number;
}

/**
 * A parametric ReLU (tfjs's `PReLU`), element-wise: `y = x < 0 ? alpha · x : x`, `alpha` a learned
 * tensor broadcast against the input: the input's shape (without batch) with extent 1 on each axis
 * of `sharedAxes` (tfjs holds it so: `[1, 1, C]` for an image with `sharedAxes` `[1, 2]`, one slope
 * per channel; `[H, W, C]` without). Op set 3.
 */
export interface PreluConfig {
  readonly kind: 'prelu';
  /**
   * The axes one slope is shared along, counted with batch as 0 as tfjs and Keras count them
   * (`[1, 2]`: height and width of an image), strictly increasing. Absent: none, one slope per element.
   */
  readonly sharedAxes?: readonly number[];
}

/**
 * A lookup table (tfjs's `Embedding`): each input value, truncated toward zero to an integer id,
 * becomes row `id` of `kernel` `[inputDim, outputDim]`; an id outside `[0, inputDim)` (or NaN)
 * gives a row of zeros. Any input shape → that shape with `outputDim` appended. Op set 3.
 */
export interface EmbeddingConfig {
  readonly kind: 'embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  /**
   * tfjs's `maskZero`: recorded so the layer converts back to tfjs as it came. It changes nothing
   * the node computes (id 0 still looks up row 0); what a mask does downstream is explicit in the
   * graph: each `recurrent` node the mask reaches takes the ids as its mask input
   * ({@link RecurrentConfig.maskValue}). Absent: false. Op set 3.
   */
  readonly maskZero?: boolean;
}

/** The recurrent cells: tfjs's `SimpleRNN`, `LSTM` and `GRU` (the original GRU, the reset gate before the product, tfjs's only one; or Keras' default with `resetAfter`). */
export type RecurrentCell = 'simpleRnn' | 'lstm' | 'gru';

/**
 * How a bidirectional recurrent layer joins its forward and backward outputs (tfjs's
 * `Bidirectional` `mergeMode`): `concat` (forward then backward features), `sum`, `mul`, `ave`.
 */
export type RecurrentMerge = 'concat' | 'sum' | 'mul' | 'ave';

/**
 * A recurrent layer over a sequence `[steps, features]`, state zero before the first step, as
 * tfjs computes it with gates (`g` of them: 1, 4 or 3) in tfjs's order: `simpleRnn`:
 * `h = act(x·K + b + h·R)`; `lstm` (gates i, f, c, o): `z = x·K + h·R + b`, `c = σ(z_f)·c +
 * σ(z_i)·act(z_c)`, `h = σ(z_o)·act(c)`; `gru` (gates z, r, h): `z = σ(x·K_z + b_z + h·R_z)`,
 * `r = σ(x·K_r + b_r + h·R_r)`, `h = z·h + (1 − z)·act(x·K_h + b_h + (r·h)·R_h)`, with σ the
 * `recurrentActivation`. With `resetAfter` (`gru` only: Keras' GRU default, `reset_after=True`)
 * the reset gate scales the recurrent product and each product has its bias (`b` then `b'`):
 * `z = σ(x·K_z + b_z + h·R_z + b'_z)`, `r = σ(x·K_r + b_r + h·R_r + b'_r)`,
 * `h = z·h + (1 − z)·act(x·K_h + b_h + r·(h·R_h + b'_h))`. Output: the last `h` `[units]`, or every step's `[steps, units]` with
 * `returnSequences`, in the order the steps were read (`goBackwards`: last to first, as tfjs).
 * Kernel `[features, g·units]`, recurrent kernel `[units, g·units]`, bias `[g·units]` (with
 * `resetAfter` `[2, g·units]`: `b`, then `b'`).
 *
 * With `merge` the node is tfjs's `Bidirectional` wrapper: a second pass of the same cell reads
 * the steps the other way; each parameter holds both passes stacked along its last axis (the
 * first pass's `g·units` columns, then the second's: kernel `[features, 2·g·units]`, ...). With
 * `returnSequences` the second pass's outputs (in its reading order) are reversed before the
 * merge, as tfjs does: back to the steps' order unless `goBackwards`. `concat` gives `2·units`
 * features.
 *
 * With `maskValue` the node takes a second input, the mask source `[steps, ...]` (for tfjs's
 * `Embedding({maskZero: true})`: the token ids `[steps]`, `maskValue` 0). Step `t` is masked when
 * every value of the mask source's step `t` equals `maskValue` (compared on the raw values, as
 * tfjs's `notEqual(ids, 0)`). A pass reaching a masked step keeps its state (`h`, and an LSTM's
 * `c`) and emits its previous output, as tfjs's `rnn()` does: `out_t = m·step_t + (1 − m)·h_{t−1}`,
 * `state_t = m·state'_t + (1 − m)·state_{t−1}` (zero before the first step). Each pass reads the
 * mask in its own reading order (`goBackwards`, a bidirectional node's second pass: last to first).
 * Op set 3.
 */
export interface RecurrentConfig {
  readonly kind: 'recurrent';
  readonly cell: RecurrentCell;
  readonly units: number;
  readonly activation: Activation;
  /** The gates' activation (`lstm`, `gru`; tfjs's default is `hardSigmoid`); absent for `simpleRnn`. */
  readonly recurrentActivation?: Activation;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  /** Read the steps last to first (tfjs's `goBackwards`); absent: first to last. */
  readonly goBackwards?: boolean;
  /** Bidirectional: a second pass reading the steps the other way, merged so; absent: one pass. */
  readonly merge?: RecurrentMerge;
  /** Masking: the node takes a second input, the mask source, and skips the steps whose values all equal this; absent: no mask, one input. */
  readonly maskValue?: number;
  /** `gru` only: the reset gate after the recurrent product, with a bias of its own (Keras' `reset_after=True`); absent: before. */
  readonly resetAfter?: boolean;
}

/** Max or average pooling, channels last. Average pooling divides by the in-bounds elements. */
export interface Pool2dConfig {
  readonly kind: 'maxPool2d' | 'avgPool2d';
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
}

/** Mean or maximum over height and width: `[h, w, c]` → `[c]`. */
export interface GlobalPool2dConfig {
  readonly kind: 'globalAvgPool2d' | 'globalMaxPool2d';
}

/** Zero rows/columns added (`zeroPadding2d`) or removed (`cropping2d`): `[[top, bottom], [left, right]]`. */
export interface Padding2dConfig {
  readonly kind: 'zeroPadding2d' | 'cropping2d';
  readonly amounts: readonly [readonly [number, number], readonly [number, number]];
}

/** Flattens everything but the batch dimension (row-major: channels fastest). */
export interface FlattenConfig {
  readonly kind: 'flatten';
}

/** A reshape of everything but the batch dimension (row-major; one `-1` may be inferred). */
export interface ReshapeConfig {
  readonly kind: 'reshape';
  readonly targetShape: readonly number[];
}

/** Permutes the non-batch axes: output axis `i` is input axis `dims[i]` (1-based, as in Keras). */
export interface PermuteConfig {
  readonly kind: 'permute';
  readonly dims: readonly number[];
}

/**
 * A standalone activation. `alpha`: slope of `leakyRelu` (default 0.3); `maxValue`: upper clip of
 * `relu`; `axis`: softmax axis counted with the batch axis as 0 (negative counts from the end;
 * default -1); `theta`: the threshold of `thresholdedRelu` (default 1; op set 3), which passes
 * `x` where `x > theta` and gives 0 elsewhere (tfjs's `ThresholdedReLU`).
 */
export interface ActivationConfig {
  readonly kind: 'activation';
  readonly activation: Activation;
  readonly alpha?: number;
  readonly maxValue?: number;
  readonly axis?: number;
  readonly theta?: number;
}

/** Identity at inference: Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout. */
export interface DropoutConfig {
  readonly kind: 'dropout';
  /** The drop rate (the standard deviation for `gaussianNoise`). */
  readonly rate: number;
  /** Which training-time noise it was; default `dropout`. */
  readonly variant?: 'dropout' | 'spatialDropout1d' | 'gaussianNoise' | 'gaussianDropout' | 'alphaDropout';
  /**
   * `dropout` only (op set 3): the axes, counted with the batch as 0, along which one mask is shared
   * while training (tfjs's `noiseShape` entries of 1: `[1, 2]` drops whole channels of an image).
   * Strictly increasing; absent: every element drawn on its own. Nothing changes at inference.
   */
  readonly sharedAxes?: readonly number[];
}

/**
 * tfjs's `Masking` layer: a step (a position of every axis but the last) whose values all equal
 * `maskValue` becomes zeros, and every other step passes unchanged (tfjs:
 * `x · any(x ≠ maskValue, last axis)`; with `maskValue` 0 the output equals the input). Its mask
 * reaches the recurrent nodes downstream as their mask input: each takes this node's input as its
 * mask source with the same `maskValue` ({@link RecurrentConfig.maskValue}). Op set 3.
 */
export interface MaskingConfig {
  readonly kind: 'masking';
  /** The value a masked step holds in every feature; finite. */
  readonly maskValue: number;
}

/**
 * `y = x · scale + offset`, element-wise (Keras' and tfjs's `Rescaling` layer, e.g. bytes to
 * [0, 1] or [−1, 1] inside the model). Op set 3.
 */
export interface RescaleConfig {
  readonly kind: 'rescale';
  readonly scale: number;
  readonly offset: number;
}

/**
 * Upsampling of `[h, w, c]` by integer factors `size` `[rows, columns]` (Keras' and tfjs's
 * `UpSampling2D`): `nearest` (the default) repeats each pixel into a `size` block; `bilinear`
 * interpolates as tfjs's `resizeBilinear` without aligned corners. Op set 3.
 */
export interface UpSampling2dConfig {
  readonly kind: 'upSampling2d';
  readonly size: readonly [number, number];
  readonly interpolation?: 'nearest' | 'bilinear';
}

/**
 * Resizing of `[h, w, c]` to `[height, width, c]` (`size`) as Keras' `Resizing` layer computes it,
 * TensorFlow's `tf.image.resize` without antialiasing: pixel centres at half-integers, so output
 * row `o` samples the input at `(o + 0.5) · h / height − 0.5`. `bilinear` interpolates the two
 * nearest rows and columns (clamped to the image: as tfjs's `resizeBilinear` with
 * `halfPixelCenters`); `nearest` copies row `min(h − 1, floor((o + 0.5) · h / height))` and the
 * column likewise. Any sizes, up or down. Op set 4.
 */
export interface ResizingConfig {
  readonly kind: 'resizing';
  readonly size: readonly [number, number];
  readonly interpolation: 'bilinear' | 'nearest';
}

/** Element-wise merge of inputs of equal shape (`subtract`: exactly two, first minus second). */
export interface MergeConfig {
  readonly kind: 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';
}

/**
 * The dot product of two inputs along one axis of each, per sample (tfjs's `Dot` layer). Inputs
 * of rank 1 (`[d]`) or 2 (`[t, d]`) without the batch axis; `axes` `[a, b]`, counted with the batch
 * axis as 0 (so 1, or 2 for a rank-2 input), name the axis of the first input and of the second
 * that are summed over, their extents equal. The output holds the first input's other axis (if
 * any), then the second's: `[t1, d] · [t2, d]` on axes `[2, 2]` → `[t1, t2]` (attention scores),
 * `[t, s] · [s, d]` on `[2, 1]` → `[t, d]`, `[t, d] · [d]` on `[2, 1]` → `[t]`; two rank-1 inputs
 * give `[1]`. With `normalize`, each input is first divided by its L2 norm along its summed axis,
 * `x / sqrt(max(Σ x², 1e-7))` (tfjs's `l2Normalize`), so the products are cosine similarities.
 * Op set 3.
 */
export interface DotConfig {
  readonly kind: 'dot';
  readonly axes: readonly [number, number];
  readonly normalize: boolean;
}

/** Concatenation along `axis`, counted with the batch axis as 0 (negative counts from the end). */
export interface ConcatenateConfig {
  readonly kind: 'concatenate';
  readonly axis: number;
}

/** The configuration of a node, discriminated by `kind`. */
export type LayerConfig =
  | DenseConfig
  | Conv2dConfig
  | Conv2dTransposeConfig
  | DepthwiseConv2dConfig
  | BatchNormConfig
  | LayerNormConfig
  | UnitNormConfig
  | GroupNormConfig
  | PreluConfig
  | EmbeddingConfig
  | RecurrentConfig
  | Pool2dConfig
  | GlobalPool2dConfig
  | Padding2dConfig
  | FlattenConfig
  | ReshapeConfig
  | PermuteConfig
  | ActivationConfig
  | DropoutConfig
  | MaskingConfig
  | RescaleConfig
  | UpSampling2dConfig
  | ResizingConfig
  | MergeConfig
  | ConcatenateConfig
  | DotConfig;

/** Every node kind of the IR. */
export type LayerKind = LayerConfig['kind'];

/** Parameter slots of a node; which ones a kind has is in the op table (`ops/`). */
export type ParamName = 'kernel' | 'recurrentKernel' | 'bias' | 'gamma' | 'beta' | 'movingMean' | 'movingVariance' | 'alpha';

/**
 * Every parameter slot, in the order parameters are listed (kernel first; `prelu`'s `alpha`, of op
 * set 3, last, so the tensors of every earlier file keep their order).
 */
export const PARAM_NAMES: readonly ParamName[] = ['kernel', 'recurrentKernel', 'bias', 'gamma', 'beta', 'movingMean', 'movingVariance', 'alpha'];

/** The parameters that are weight matrices, which the stages prune and cluster: a layer's kernel and a recurrent layer's recurrent kernel. */
export const WEIGHT_PARAMS: readonly ParamName[] = ['kernel', 'recurrentKernel'];

/** One node: a unique name, its configuration, its inputs and its parameters. */
export interface Layer<C extends LayerConfig = LayerConfig> {
  readonly name: string;
  readonly config: C;
  /** Names of earlier nodes or of the model input; absent: the previous node (or the model input). */
  readonly inputs?: readonly string[];
  readonly params: Readonly<Partial<Record<ParamName, Tensor>>>;
}

/**
 * How raw inputs become model inputs: `x = raw · scale + offset`, per channel (last axis) when the
 * arrays have one entry per channel, else one entry for all. MNIST pixels: `scale [1/255]`.
 */
export interface Preprocessing {
  readonly scale: readonly number[];
  readonly offset: readonly number[];
}

/** A model: an input shape (without the batch dimension) and a graph of nodes, output last. */
export interface Model {
  readonly name: string;
  /** Input shape without the batch dimension, e.g. `[784]` or `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** The name `inputs` use for the model input; default `'input'`. Not a node name. */
  readonly inputName?: string;
  readonly layers: readonly Layer[];
  /** The input scaling the model expects, recorded in the file for runtimes and the CLI. */
  readonly preprocessing?: Preprocessing;
  /** The loss the model was trained with, recorded in the file when known. */
  readonly training?: TrainingRecord;
}
