/**
 * A photograph as a model input tensor, with tfjs: resized (bilinear) to the input's height and
 * width, grey (BT.601 luma) when the input has one channel, channels first when the input is `[n, 3, h, w]`,
 * values in [0, 1] for a float input, or `byte × scale + offset` with a {@link PixelScale} (a
 * model trained on [-1, 1] or on 0–255 floats; per channel for ImageNet's mean and standard
 * deviation), and [0, 255] for an int32 one. Free dimensions take `freeSize`.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, type RandomSource } from '@dc/core';
import type { RgbImage } from '../data/images.js';
import { channelPair, mapChannels, type PixelScale } from './pixel-scale.js';

/**
 * ITU-R BT.601 luma weights of R, G, B: how a one-channel input sees a colour photograph (the
 * weights of `tf.image.rgbToGrayscale`, which the wasm backend cannot run: it has no Einsum kernel).
 */
const LUMA = [0.2989, 0.587, 0.114];

/** A model input as the images are turned into it. */
export interface ImageInputSpec {
  readonly name: string;
  /** With -1 for free dimensions. */
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** The layout `[batch, height, width, channels]` read from an input shape, or a `DATA_MISMATCH` for one that is not an image. */
export function imageLayout(spec: ImageInputSpec, freeSize = 256): { height: number; width: number; channels: 1 | 3; channelsFirst: boolean } {
  const s = spec.shape;
  const dim = (d: number) => (d > 0 ? d : freeSize);
  if (s.length === 4 && s[1] === 3 && s[3] !== 3 && s[3] !== 1) return { height: dim(s[2]), width: dim(s[3]), channels: 3, channelsFirst: true };
  if (s.length === 4 && (s[3] === 3 || s[3] === 1 || s[3] === -1)) return { height: dim(s[1]), width: dim(s[2]), channels: s[3] === 1 ? 1 : 3, channelsFirst: false };
  throw new DcError('DATA_MISMATCH', `input ${spec.name} has shape [${s.join(', ')}]: images fit only an input of shape [n, h, w, 1 or 3] or [n, 3, h, w]`, {
    hint: 'Pass a .npy array of inputs in the model\'s input shape instead of images.',
  });
}

/**
 * The channel axis of an input: that of its image layout (`[n, h, w, c]` last, `[n, 3, h, w]`
 * second), else the last, as a file's per-channel record reads it.
 */
export function channelAxisOf(spec: ImageInputSpec): number {
  try {
    return imageLayout(spec).channelsFirst ? 1 : spec.shape.length - 1;
  } catch {
    return spec.shape.length - 1;
  }
}

/**
 * `INVALID_OPTION` for a pixel scale given to an int32 input, which takes a photograph's bytes as
 * they are, and for one per channel whose count is not the input's channels (`channels`: the
 * count of the data at hand, where the input leaves it free).
 */
export function checkPixelScale(spec: ImageInputSpec, pixels: PixelScale | undefined, channels = spec.shape[channelAxisOf(spec)]): void {
  if (!pixels) return;
  if (spec.dtype === 'int32') {
    throw new DcError('INVALID_OPTION', `input ${spec.name} is int32: it takes a photograph's bytes (0–255) as they are, not scaled`, { option: 'input-scale', hint: 'Drop --input-scale / --input-offset for this model.' });
  }
  const axis = channelAxisOf(spec);
  if (pixels.scale.length > 1 && channels > 0 && pixels.scale.length !== channels) {
    throw new DcError('INVALID_OPTION', `the input scaling gives ${pixels.scale.length} values, one per channel; input ${spec.name} [${spec.shape.join(', ')}] has ${channels} channel(s) (axis ${axis})`, {
      option: 'input-scale',
      hint: `Give --input-scale and --input-offset one number, or ${channels} (one per channel).`,
    });
  }
}

/**
 * One image as a batch of one for the input `spec`, its float values `pixels` (default byte / 255);
 * `INVALID_OPTION` for `pixels` with an int32 input, which takes the bytes as they are.
 */
export function imageTensor(tfjs: typeof tf, image: RgbImage, spec: ImageInputSpec, freeSize = 256, pixels?: PixelScale): tf.Tensor {
  const { height, width, channels, channelsFirst } = imageLayout(spec, freeSize);
  checkPixelScale(spec, pixels, channels);
  return tfjs.tidy(() => {
    let x: tf.Tensor = tfjs.tensor3d(image.rgb, [image.height, image.width, 3], 'int32').toFloat();
    x = tfjs.image.resizeBilinear(x as tf.Tensor3D, [height, width]);
    if (channels === 1) x = x.mul(LUMA).sum(2, true);
    // Scaled while channels are last: a list per channel broadcasts along them.
    if (spec.dtype !== 'int32') x = pixels ? x.mul([...pixels.scale]).add([...pixels.offset]) : x.div(255);
    if (channelsFirst) x = x.transpose([2, 0, 1]);
    x = x.expandDims(0);
    return spec.dtype === 'int32' ? x.round().clipByValue(0, 255).toInt() : x;
  });
}

/**
 * `x` (a batch made by {@link imageTensor} with the same `pixels`, its channels on `channelAxis`,
 * default the last) with every value moved by −1, 0 or +1 grey level at random (1/255 for a float
 * input, its channel's scale with a pixel scale, 1 for an int32 one), kept in the range of the
 * bytes 0–255: a change of the photograph no one can see, under which the original model's outputs
 * show what it cannot reproduce itself.
 */
export function jitterInput(tfjs: typeof tf, x: tf.Tensor, random: RandomSource, pixels?: PixelScale, channelAxis = x.rank - 1): tf.Tensor {
  const int = x.dtype === 'int32';
  // Per channel: the step of one grey level and the values of bytes 0 and 255.
  const bounds = Array.from({ length: x.shape[channelAxis] ?? 1 }, (_, c) => {
    const [scale, offset] = int ? [1, 0] : pixels ? channelPair(pixels, c) : [1 / 255, 0];
    const ends = [offset, 255 * scale + offset];
    return { step: Math.abs(scale), bottom: Math.min(...ends), top: Math.max(...ends) };
  });
  const values = x.dataSync();
  const out = mapChannels(values, x.shape, channelAxis, int ? new Int32Array(values.length) : new Float32Array(values.length), (v, c) => {
    const { step, bottom, top } = bounds[c];
    return Math.min(top, Math.max(bottom, v + (random.int(3) - 1) * step));
  });
  return tfjs.tensor(out, x.shape, x.dtype);
}
