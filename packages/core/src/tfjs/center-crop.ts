/**
 * Keras' `CenterCrop(height, width)` — the preprocessing crop at the front of image classifiers —
 * which tfjs 4.22 has but computes wrongly: its `computeOutputShape` overwrites the shape it is
 * given (the model's declared input becomes the crop's size), and its window is off by one pixel
 * where the margin is odd. Such a layer loads as dc's tfjs layer of Keras' computation
 * ({@link registerCenterCrop}): the window of `height × width` starting at `floor((H − height) / 2)`,
 * `floor((W − width) / 2)`. In the IR it is a `cropping2d` named as the layer, which `dc export`
 * writes as tfjs's `Cropping2D`. Keras resizes an input smaller than the crop instead; that is
 * `UNSUPPORTED_LAYER`, as is `channels_first`.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import type { Layer } from '../ir/model.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** Keras' class name, as a model.json names the layer. */
export const KERAS_CENTER_CROP_CLASS = 'CenterCrop';
/** The class name dc's tfjs layer registers under (a model.json names it Keras' `CenterCrop`). */
export const CENTER_CROP_CLASS = 'DcCenterCrop';

interface CenterCropArgs {
  readonly name?: string;
  readonly height: number;
  readonly width: number;
  readonly dataFormat?: string;
}

/** The margins `[[top, bottom], [left, right]]` Keras crops from an `[h, w]` image to `height × width`. */
export function centerCropMargins(h: number, w: number, height: number, width: number): [[number, number], [number, number]] {
  const [top, left] = [Math.floor((h - height) / 2), Math.floor((w - width) / 2)];
  return [[top, h - height - top], [left, w - width - left]];
}

/** Registers dc's `CenterCrop` with `tfjs` (once per tfjs instance), so that a model.json naming it loads. */
export const registerCenterCrop = perTfjs((tfjs): void => {
  class CenterCrop extends tfjs.layers.Layer {
    static className = CENTER_CROP_CLASS;
    private readonly args: CenterCropArgs;
    constructor(args: CenterCropArgs) {
      super(args);
      this.args = args;
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const [batch, , , channels] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
      return [batch, this.args.height, this.args.width, channels];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const { height, width } = this.args;
      if (h < height || w < width) throw new DcError('UNSUPPORTED_LAYER', `layer "${this.name}" (CenterCrop): a ${h} × ${w} input is smaller than the ${height} × ${width} crop, which Keras resizes`, { tensor: this.name });
      const [[top], [left]] = centerCropMargins(h, w, height, width);
      return tfjs.slice(x, [0, top, left, 0], [-1, height, width, -1]);
    }
    override getConfig(): tf.serialization.ConfigDict {
      const { height, width, dataFormat = 'channelsLast' } = this.args;
      return { ...super.getConfig(), height, width, dataFormat };
    }
  }
  registerClasses(tfjs, CenterCrop);
});

/** `topology` (a model.json's `modelTopology`) with each Keras `CenterCrop` named as dc's layer that computes it; `topology` itself where none is. */
export function withDcCenterCrop(topology: unknown): unknown {
  return mapLayerEntries(topology, (entry) => (entry.class_name === KERAS_CENTER_CROP_CLASS ? { ...entry, class_name: CENTER_CROP_CLASS } : undefined));
}

/**
 * The IR node of a `CenterCrop` named `name` (its tfjs `config`) on an input `[h, w, channels]`
 * (without the batch axis): a `cropping2d` of Keras' margins. `UNSUPPORTED_LAYER` for an input
 * smaller than the crop (Keras resizes it) and for `channels_first`.
 */
export function centerCropNode(name: string, inputs: readonly string[], config: Record<string, unknown>, input: readonly number[]): Layer {
  const refuse = (why: string, hint: string): never => {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (CenterCrop): ${why}`, { tensor: name, hint });
  };
  const { height, width } = config as { height: number; width: number };
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') refuse(`data format ${JSON.stringify(config.dataFormat)} is not supported`, 'Save the model with channels_last (the default).');
  if (input.length !== 3 || !Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) refuse(`a crop of ${JSON.stringify(height)} × ${JSON.stringify(width)} of an input ${JSON.stringify(input)}: a positive size of an image [height, width, channels] is supported`, 'Crop images to a positive size.');
  const [h, w] = input;
  if (h < height || w < width) refuse(`the ${h} × ${w} input is smaller than the ${height} × ${width} crop, which Keras resizes and the IR does not`, 'Crop to at most the input\'s size (or resize the inputs before the model).');
  return { name, config: { kind: 'cropping2d', amounts: centerCropMargins(h, w, height, width) }, inputs: [...inputs], params: {} };
}
