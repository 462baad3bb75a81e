/**
 * Keras' bilinear `UpSampling2D` (U-Net and DeepLab decoders), which tfjs computes differently:
 * Keras resizes with `tf.image.resize`, sampling at half-pixel centres (output `o` reads
 * `(o + 0.5) / factor − 0.5`), while tfjs's layer reads `o / factor`, shifting the whole map by
 * half an input pixel. A model.json Keras wrote (2.4 or later, or Keras 3: `writtenByKeras` of
 * tfjs-readable.ts; older Keras resized as tfjs does) loads each bilinear `UpSampling2D` as dc's layer of Keras' computation
 * ({@link registerKerasUpSampling}), which becomes a `resizing` to `h · rows × w · columns` named
 * as the layer. A model tfjs wrote keeps tfjs's computation (an `upSampling2d`), as it was trained;
 * nearest upsampling is the same in both.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Layer } from '../ir/model.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { perTfjs, registerClasses } from './per-tfjs.js';
import { kerasResize } from './keras-resize.js';

/** The class name dc's tfjs layer registers under (a Keras model.json names it `UpSampling2D`). */
export const KERAS_UP_SAMPLING_CLASS = 'DcKerasUpSampling2D';

interface KerasUpSamplingArgs {
  readonly name?: string;
  readonly size?: number | readonly [number, number];
  readonly interpolation?: string;
  readonly dataFormat?: string;
}

const factors = (size: KerasUpSamplingArgs['size']): [number, number] => (size === undefined ? [2, 2] : typeof size === 'number' ? [size, size] : [size[0], size[1]]);

/** Registers dc's Keras `UpSampling2D` with `tfjs` (once per tfjs instance), so that a model.json naming it loads. */
export const registerKerasUpSampling = perTfjs((tfjs): void => {
  class KerasUpSampling2D extends tfjs.layers.Layer {
    static className = KERAS_UP_SAMPLING_CLASS;
    private readonly args: KerasUpSamplingArgs;
    constructor(args: KerasUpSamplingArgs) {
      super(args);
      this.args = args;
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const [batch, h, w, channels] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
      const [rows, columns] = factors(this.args.size);
      return [batch, h === null ? null : h * rows, w === null ? null : w * columns, channels];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [rows, columns] = factors(this.args.size);
      return kerasResize(tfjs, x, [x.shape[1] * rows, x.shape[2] * columns], 'bilinear');
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...(this.args as unknown as tf.serialization.ConfigDict) };
    }
  }
  registerClasses(tfjs, KerasUpSampling2D);
});

/**
 * `topology` with each bilinear `UpSampling2D` named as dc's layer of Keras' computation where
 * `byKeras` (Keras wrote the file, `writtenByKeras` of tfjs-readable.ts); `topology` itself otherwise or where none is.
 */
export function withKerasUpSampling(topology: unknown, byKeras: boolean): unknown {
  if (!byKeras) return topology;
  return mapLayerEntries(topology, (entry) => {
    const config = entry.config as { interpolation?: unknown } | undefined;
    return entry.class_name === 'UpSampling2D' && config?.interpolation === 'bilinear' ? { ...entry, class_name: KERAS_UP_SAMPLING_CLASS } : undefined;
  });
}

/**
 * The IR node of dc's Keras `UpSampling2D` named `name` (its tfjs `config`) on an input
 * `[h, w, channels]`: a bilinear `resizing` to `h · rows × w · columns`.
 */
export function kerasUpSamplingNode(name: string, inputs: readonly string[], config: Record<string, unknown>, input: readonly number[]): Layer {
  const [rows, columns] = factors(config.size as KerasUpSamplingArgs['size']);
  return { name, config: { kind: 'resizing', size: [input[0] * rows, input[1] * columns], interpolation: 'bilinear' }, inputs: [...inputs], params: {} };
}
