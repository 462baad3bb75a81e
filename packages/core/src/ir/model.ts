/**
 * The model intermediate representation: a chain of layers with named float32 tensors,
 * independent of TensorFlow.js. Stages read and return this, never tfjs objects.
 */

/** A named float32 tensor, row-major (tfjs layout: dense kernels `[in, out]`, conv kernels `[kh, kw, in, out]`). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Activation functions the IR, the converters and the runtimes know. */
export type Activation = 'linear' | 'relu' | 'softmax' | 'sigmoid' | 'tanh';

/** Padding of convolutions and pooling, as in tfjs. */
export type Padding = 'same' | 'valid';

/** A fully connected layer: `y = act(x · kernel + bias)`. */
export interface DenseConfig {
  readonly kind: 'dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
}

/** A 2-D convolution, channels last. */
export interface Conv2dConfig {
  readonly kind: 'conv2d';
  readonly filters: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly activation: Activation;
  readonly useBias: boolean;
}

/** Max or average pooling, channels last. */
export interface Pool2dConfig {
  readonly kind: 'maxPool2d' | 'avgPool2d';
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
}

/** Flattens everything but the batch dimension. */
export interface FlattenConfig {
  readonly kind: 'flatten';
}

/** A standalone activation. */
export interface ActivationConfig {
  readonly kind: 'activation';
  readonly activation: Activation;
}

/** Dropout: identity at inference. */
export interface DropoutConfig {
  readonly kind: 'dropout';
  readonly rate: number;
}

/** A reshape of everything but the batch dimension. */
export interface ReshapeConfig {
  readonly kind: 'reshape';
  readonly targetShape: readonly number[];
}

/** The configuration of a layer, discriminated by `kind`. */
export type LayerConfig =
  | DenseConfig
  | Conv2dConfig
  | Pool2dConfig
  | FlattenConfig
  | ActivationConfig
  | DropoutConfig
  | ReshapeConfig;

/** Every layer kind of the IR. */
export type LayerKind = LayerConfig['kind'];

/** Parameter slots of a layer. Dense and conv2d layers have `kernel` and, with `useBias`, `bias`. */
export type ParamName = 'kernel' | 'bias';

/** One layer: a unique name, its configuration and its parameters. */
export interface Layer<C extends LayerConfig = LayerConfig> {
  readonly name: string;
  readonly config: C;
  readonly params: Readonly<Partial<Record<ParamName, Tensor>>>;
}

/** A model: an input shape (without the batch dimension) and a chain of layers. */
export interface Model {
  readonly name: string;
  /** Input shape without the batch dimension, e.g. `[784]` or `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  readonly layers: readonly Layer[];
}
