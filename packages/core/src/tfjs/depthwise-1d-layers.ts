/**
 * Keras' `DepthwiseConv1D` and `SeparableConv1D` — the depthwise-separable convolutions of
 * keyword-spotting (DS-CNN) and time-series networks — which tfjs lacks, so such a model.json does
 * not load in tfjs. For loading, {@link registerDepthwise1dLayers} registers tfjs layers of those
 * classes that compute them: the 2-D depthwise (and pointwise) convolution of a one-row image,
 * kernels as Keras holds them (`depthwise_kernel` `[kernel, channels, multiplier]`, `pointwise_kernel`
 * `[1, channels · multiplier, filters]`; Keras 3 names a `DepthwiseConv1D`'s kernel `kernel`, which
 * `fromKeras3` renames). In the IR each is `depthwiseConv2d` (then a 1×1 `conv2d`) between reshapes
 * (one-d-layers.ts), so retraining and `dc export` use tfjs's own layers.
 */
import type * as tf from '@tensorflow/tfjs';
import { single } from './one-d-layers.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class names they serialise under: Keras'. */
export const DEPTHWISE_1D_CLASSES = ['DepthwiseConv1D', 'SeparableConv1D'] as const;

/** Their config as tfjs hands it over (camelCase); options the IR does not hold are refused by `convertConfig`. */
export interface Depthwise1dArgs {
  readonly name?: string;
  /** `SeparableConv1D` only: the pointwise convolution's filters. */
  readonly filters?: number;
  readonly kernelSize: number | number[];
  readonly strides?: number | number[];
  readonly padding?: 'same' | 'valid' | 'causal';
  readonly depthMultiplier?: number;
  readonly dilationRate?: number | number[];
  readonly activation?: string;
  readonly useBias?: boolean;
  readonly dataFormat?: string;
}

const depthwise1dClass = perTfjs((tfjs) => {
  const define = (className: (typeof DEPTHWISE_1D_CLASSES)[number]) =>
    class extends tfjs.layers.Layer {
      static className = className;
      private readonly args: Depthwise1dArgs;
      private readonly activation: tf.layers.Layer;
      private depthwise?: tf.LayerVariable;
      private pointwise?: tf.LayerVariable;
      private bias?: tf.LayerVariable;
      constructor(args: Depthwise1dArgs) {
        super(args);
        this.args = args;
        this.activation = tfjs.layers.activation({ activation: (args.activation ?? 'linear') as never });
      }
      private get geometry() {
        return { k: single(this.args.kernelSize, 1), s: single(this.args.strides, 1), d: single(this.args.dilationRate, 1), m: this.args.depthMultiplier ?? 1, padding: this.args.padding ?? 'valid' };
      }
      private outChannels(channels: number): number {
        return className === 'SeparableConv1D' ? this.args.filters! : channels * this.geometry.m;
      }
      override build(inputShape: tf.Shape | tf.Shape[]): void {
        const channels = (inputShape as tf.Shape).at(-1)!;
        const { k, m } = this.geometry;
        this.depthwise = this.addWeight('depthwise_kernel', [k, channels, m], 'float32', tfjs.initializers.glorotUniform({}));
        if (className === 'SeparableConv1D') this.pointwise = this.addWeight('pointwise_kernel', [1, channels * m, this.args.filters!], 'float32', tfjs.initializers.glorotUniform({}));
        if (this.args.useBias ?? true) this.bias = this.addWeight('bias', [this.outChannels(channels)], 'float32', tfjs.initializers.zeros());
        this.built = true;
      }
      override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
        const [batch, steps, channels] = inputShape as tf.Shape;
        const { k, s, d, padding } = this.geometry;
        const span = (k - 1) * d + 1;
        const out = steps === null ? null : padding === 'valid' ? Math.ceil((steps - span + 1) / s) : Math.ceil(steps / s);
        return [batch, out, this.outChannels(channels!)];
      }
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tfjs.tidy(() => {
          let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
          const { k, s, d, padding } = this.geometry;
          // Causal: the steps before the first, zeros, so each output sees only its past.
          if (padding === 'causal') x = tfjs.pad(x, [[0, 0], [(k - 1) * d, 0], [0, 0]]);
          const rows = tfjs.expandDims(x, 1) as tf.Tensor4D;
          const kernel = tfjs.expandDims(this.depthwise!.read(), 0) as tf.Tensor4D;
          let y: tf.Tensor4D = tfjs.depthwiseConv2d(rows, kernel, [1, s], padding === 'causal' ? 'valid' : padding, 'NHWC', [1, d]);
          if (this.pointwise) y = tfjs.conv2d(y, tfjs.expandDims(this.pointwise.read(), 0) as tf.Tensor4D, 1, 'valid');
          let out: tf.Tensor = y;
          if (this.bias) out = tfjs.add(out, this.bias.read());
          return tfjs.squeeze(this.activation.apply(out) as tf.Tensor, [1]);
        });
      }
      override getConfig(): tf.serialization.ConfigDict {
        const { filters, kernelSize, strides = 1, padding = 'valid', depthMultiplier = 1, dilationRate = 1, activation = 'linear', useBias = true, dataFormat = 'channelsLast' } = this.args;
        return { ...super.getConfig(), ...(filters === undefined ? {} : { filters }), kernelSize, strides, padding, depthMultiplier, dilationRate, activation, useBias, dataFormat };
      }
    };
  return Object.fromEntries(DEPTHWISE_1D_CLASSES.map((c) => [c, define(c)])) as unknown as Record<(typeof DEPTHWISE_1D_CLASSES)[number], new (args: Depthwise1dArgs) => tf.layers.Layer>;
});

/** Registers `DepthwiseConv1D` and `SeparableConv1D` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use them. */
export function registerDepthwise1dLayers(tfjs: typeof tf): void {
  registerClasses(tfjs, ...Object.values(depthwise1dClass(tfjs)));
}

/** A `DepthwiseConv1D` or `SeparableConv1D` layer (Keras'; see the module), e.g. to build in tfjs a model a Keras one mirrors. */
export function depthwise1dLayer(tfjs: typeof tf, className: (typeof DEPTHWISE_1D_CLASSES)[number], args: Depthwise1dArgs): tf.layers.Layer {
  return new (depthwise1dClass(tfjs)[className])(args);
}
