/**
 * Keras' `Conv1DTranspose` — the decoder of 1-D convolutional autoencoders (Keras' time-series
 * anomaly detection tutorial upsamples with three) — which tfjs lacks, so such a model.json does
 * not load in tfjs. For loading, a tfjs layer of that class computes it
 * ({@link registerConv1dTransposeLayer}): the 2-D transposed convolution of a one-row image, kernel
 * `[kernel, filters, channels]` as Keras holds it; in the IR it is that `conv2dTranspose` between
 * reshapes (one-d-layers.ts), so retraining and `dc export` use tfjs's own layers.
 */
import type * as tf from '@tensorflow/tfjs';
import { transposeAxis } from '../ops/conv-transpose.js';
import { single } from './one-d-layers.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras'. */
export const CONV1D_TRANSPOSE_CLASS = 'Conv1DTranspose';

/** Its config as tfjs hands it over (camelCase); options the IR does not hold are refused by `convertConfig`. */
interface Conv1dTransposeArgs {
  readonly name?: string;
  readonly filters: number;
  readonly kernelSize: number | number[];
  readonly strides?: number | number[];
  readonly padding?: 'same' | 'valid';
  readonly activation?: string;
  readonly useBias?: boolean;
  readonly dilationRate?: number | number[];
  readonly outputPadding?: number | number[] | null;
  readonly dataFormat?: string;
}

const conv1dTransposeClass = perTfjs((tfjs): new (args: Conv1dTransposeArgs) => tf.layers.Layer => {
  class Conv1DTranspose extends tfjs.layers.Layer {
    static className = CONV1D_TRANSPOSE_CLASS;
    private readonly args: Conv1dTransposeArgs;
    private readonly activation: tf.layers.Layer;
    private kernel?: tf.LayerVariable;
    private bias?: tf.LayerVariable;
    constructor(args: Conv1dTransposeArgs) {
      super(args);
      this.args = args;
      this.activation = tfjs.layers.activation({ activation: (args.activation ?? 'linear') as never });
    }
    private get geometry() {
      return { k: single(this.args.kernelSize, 1), s: single(this.args.strides, 1), padding: this.args.padding ?? 'valid' };
    }
    override build(inputShape: tf.Shape | tf.Shape[]): void {
      const channels = (inputShape as tf.Shape).at(-1)!;
      this.kernel = this.addWeight('kernel', [this.geometry.k, this.args.filters, channels], 'float32', tfjs.initializers.glorotUniform({}));
      if (this.args.useBias ?? true) this.bias = this.addWeight('bias', [this.args.filters], 'float32', tfjs.initializers.zeros());
      this.built = true;
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const [batch, steps] = inputShape as tf.Shape;
      const { k, s, padding } = this.geometry;
      return [batch, steps === null ? null : transposeAxis(steps, k, s, padding).out, this.args.filters];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tfjs.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
        const { k, s, padding } = this.geometry;
        const [batch, steps] = x.shape;
        const rows = tfjs.expandDims(x, 1) as tf.Tensor4D;
        const kernel = tfjs.expandDims(this.kernel!.read(), 0) as tf.Tensor4D;
        let y: tf.Tensor = tfjs.conv2dTranspose(rows, kernel, [batch, 1, transposeAxis(steps, k, s, padding).out, this.args.filters], [1, s], padding);
        if (this.bias) y = tfjs.add(y, this.bias.read());
        return tfjs.squeeze(this.activation.apply(y) as tf.Tensor, [1]);
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { filters, kernelSize, strides = 1, padding = 'valid', activation = 'linear', useBias = true, dilationRate = 1, outputPadding = null, dataFormat = 'channelsLast' } = this.args;
      return { ...super.getConfig(), filters, kernelSize, strides, padding, activation, useBias, dilationRate, outputPadding, dataFormat };
    }
  }
  return Conv1DTranspose as unknown as new (args: Conv1dTransposeArgs) => tf.layers.Layer;
});

/** Registers `Conv1DTranspose` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerConv1dTransposeLayer(tfjs: typeof tf): void {
  registerClasses(tfjs, conv1dTransposeClass(tfjs));
}

/** A `Conv1DTranspose` layer (Keras'; see the module), e.g. to build a model in tfjs that a Keras one mirrors. */
export function conv1dTranspose(tfjs: typeof tf, args: Conv1dTransposeArgs): tf.layers.Layer {
  return new (conv1dTransposeClass(tfjs))(args);
}
