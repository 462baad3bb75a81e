/**
 * Keras' `Resizing(height, width)` — the preprocessing resize at the front of image classifiers, or
 * a segmenter's logits resized to the input — which tfjs 4.22 has but computes wrongly: its
 * bilinear and nearest resizes align the corners (Keras samples at half-pixel centres), and its
 * `cropToAspectRatio` crops nothing. Such a layer loads as dc's tfjs layer of Keras' computation
 * ({@link registerResizing}; the op, differentiable, is keras-resize.ts), and in the IR it is a
 * `resizing` node named as the layer, after a `cropping2d` (`<layer>_crop`) of Keras' window where
 * it crops to the aspect ratio, or a `zeroPadding2d` (`<layer>_pad`) of Keras' canvas where it pads
 * to it (Keras 3's `pad_to_aspect_ratio`, with zeros: another fill is refused). `dc export` writes
 * the node as dc's layer. `bicubic`, `lanczos3`, `area`, ..., `antialias` and `channels_first` are
 * `UNSUPPORTED_LAYER`.
 *
 * Keras' `RandomCrop(height, width)` (an augmentation tfjs lacks) crops at random in training only;
 * at inference it is Keras' `smart_resize`: the crop to the aspect ratio, then a bilinear resize.
 * It loads as that `Resizing`, as the other augmentation layers load as what they compute at
 * inference (retraining does not replay them).
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Layer, ResizingConfig } from '../ir/model.js';
import { aspectRatioCrop, aspectRatioPad } from '../ops/resizing-axis.js';
import { kerasResize } from './keras-resize.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** Keras' class name, as a model.json names the layer. */
export const KERAS_RESIZING_CLASS = 'Resizing';
/** Keras' random crop, a resize of its aspect-ratio window at inference. */
export const KERAS_RANDOM_CROP_CLASS = 'RandomCrop';
/** The class name dc's tfjs layer registers under (a model.json names it Keras' `Resizing`). */
export const RESIZING_CLASS = 'DcResizing';

/** dc's `Resizing` layer's arguments: Keras' (camel-cased, as tfjs reads a model.json). */
export interface ResizingArgs {
  readonly name?: string;
  readonly height: number;
  readonly width: number;
  /** `bilinear` (the default) or `nearest`. */
  readonly interpolation?: string;
  /** Crop the largest centred window of the target's aspect ratio first (Keras' `crop_to_aspect_ratio`). */
  readonly cropToAspectRatio?: boolean;
  /** Pad to the smallest centred canvas of the target's aspect ratio first, with zeros (Keras 3's `pad_to_aspect_ratio`). */
  readonly padToAspectRatio?: boolean;
}

/** The interpolation of a `Resizing` named `name`: `bilinear` or `nearest`, or `UNSUPPORTED_LAYER` naming the one tfjs cannot compute. */
function interpolationOf(name: string, interpolation: unknown): ResizingConfig['interpolation'] {
  if (interpolation === undefined || interpolation === 'bilinear') return 'bilinear';
  if (interpolation === 'nearest') return 'nearest';
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (Resizing): interpolation ${JSON.stringify(interpolation)} is not supported; bilinear and nearest are`, { tensor: name, hint: 'Resize with bilinear or nearest interpolation, or resize the inputs before the model.' });
}

const resizingClass = perTfjs((tfjs): new (args: ResizingArgs) => tf.layers.Layer => {
  class Resizing extends tfjs.layers.Layer {
    static className = RESIZING_CLASS;
    private readonly args: ResizingArgs;
    constructor(args: ResizingArgs) {
      super(args);
      this.args = args;
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const [batch, , , channels] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
      return [batch, this.args.height, this.args.width, channels];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const { height, width, cropToAspectRatio, padToAspectRatio } = this.args;
      const [, h, w] = x.shape;
      if (cropToAspectRatio) {
        const [[top, bottom], [left, right]] = aspectRatioCrop(h, w, height, width);
        x = tfjs.slice(x, [0, top, left, 0], [-1, h - top - bottom, w - left - right, -1]);
      } else if (padToAspectRatio) {
        x = tfjs.pad(x, [[0, 0], ...aspectRatioPad(h, w, height, width), [0, 0]]);
      }
      return kerasResize(tfjs, x, [height, width], interpolationOf(this.name, this.args.interpolation));
    }
    override getConfig(): tf.serialization.ConfigDict {
      // Every option as given (Keras' antialias or padding too, which the IR's conversion refuses by name).
      const { interpolation = 'bilinear', cropToAspectRatio = false } = this.args;
      return { ...super.getConfig(), ...(this.args as unknown as tf.serialization.ConfigDict), interpolation, cropToAspectRatio };
    }
  }
  return Resizing as unknown as new (args: ResizingArgs) => tf.layers.Layer;
});

/** Registers dc's `Resizing` with `tfjs` (once per tfjs instance), so that a model.json naming it loads. */
export const registerResizing = perTfjs((tfjs): void => {
  registerClasses(tfjs, resizingClass(tfjs));
});

/** dc's tfjs layer computing Keras' `Resizing` (and the IR's `resizing` node). */
export function resizing(tfjs: typeof tf, args: ResizingArgs): tf.layers.Layer {
  return new (resizingClass(tfjs))(args);
}

/**
 * `topology` (a model.json's `modelTopology`) with each Keras `Resizing` named as dc's layer that
 * computes it, and each `RandomCrop` as that layer cropping to the aspect ratio and resizing
 * bilinearly (its inference); `topology` itself where neither is.
 */
export function withDcResizing(topology: unknown): unknown {
  return mapLayerEntries(topology, (entry) => {
    if (entry.class_name === KERAS_RESIZING_CLASS) return { ...entry, class_name: RESIZING_CLASS };
    if (entry.class_name !== KERAS_RANDOM_CROP_CLASS) return undefined;
    return { ...entry, class_name: RESIZING_CLASS, config: { ...entry.config, interpolation: 'bilinear', crop_to_aspect_ratio: true } };
  });
}

/**
 * The IR nodes of a `Resizing` named `name` (its tfjs `config`) on an input `[h, w, channels]`
 * (without the batch axis): a `resizing` named as the layer, after a `cropping2d` `<name>_crop` of
 * Keras' window where it crops to the aspect ratio (and the window is smaller than the input), or
 * a `zeroPadding2d` `<name>_pad` of Keras' canvas where it pads to the aspect ratio.
 * `UNSUPPORTED_LAYER` for an interpolation other than bilinear and nearest, antialiasing, a fill
 * other than zeros and `channels_first`.
 */
export function resizingNodes(name: string, inputs: readonly string[], config: Record<string, unknown>, input: readonly number[]): Layer[] {
  const refuse = (why: string, hint: string): never => {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (Resizing): ${why}`, { tensor: name, hint });
  };
  const { height, width } = config as { height: number; width: number };
  const interpolation = interpolationOf(name, config.interpolation);
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') refuse(`data format ${JSON.stringify(config.dataFormat)} is not supported`, 'Save the model with channels_last (the default).');
  if (config.antialias === true) refuse('antialias is not supported', 'Resize without antialiasing (the default), or resize the inputs before the model.');
  if (config.padToAspectRatio === true && ((config.fillMode !== undefined && config.fillMode !== 'constant') || (config.fillValue !== undefined && config.fillValue !== 0))) refuse(`padding to the aspect ratio with fill_mode ${JSON.stringify(config.fillMode ?? 'constant')} and fill_value ${JSON.stringify(config.fillValue ?? 0)} is not supported; zeros are`, 'Pad with zeros (fill_mode "constant", fill_value 0, the defaults).');
  if (input.length !== 3 || !Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) refuse(`a resize to ${JSON.stringify(height)} × ${JSON.stringify(width)} of an input ${JSON.stringify(input)}: a positive size of an image [height, width, channels] is supported`, 'Resize images to a positive size.');
  const node: Layer = { name, config: { kind: 'resizing', size: [height, width], interpolation }, inputs: [...inputs], params: {} };
  const crop = config.cropToAspectRatio === true;
  if (!crop && config.padToAspectRatio !== true) return [node];
  const amounts = (crop ? aspectRatioCrop : aspectRatioPad)(input[0], input[1], height, width);
  if (amounts.flat().every((a) => a === 0)) return [node];
  const before = crop ? `${name}_crop` : `${name}_pad`;
  return [{ name: before, config: { kind: crop ? 'cropping2d' : 'zeroPadding2d', amounts }, inputs: [...inputs], params: {} }, { ...node, inputs: [before] }];
}
