/**
 * A photograph as a model input tensor, with tfjs: resized (bilinear) to the input's height and
 * width, grey when the input has one channel, channels first when the input is `[n, 3, h, w]`,
 * values in [0, 1] for a float input and [0, 255] for an int32 one. Free dimensions take
 * `freeSize`. Models expecting another range (e.g. [-1, 1]) see inputs they were not trained on:
 * fidelity is still measured on the same inputs for the original and the compressed model.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, type RandomSource } from '@dc/core';
import type { RgbImage } from '../data/images.js';

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

/** One image as a batch of one for the input `spec`. */
export function imageTensor(tfjs: typeof tf, image: RgbImage, spec: ImageInputSpec, freeSize = 256): tf.Tensor {
  const { height, width, channels, channelsFirst } = imageLayout(spec, freeSize);
  return tfjs.tidy(() => {
    let x: tf.Tensor = tfjs.tensor3d(image.rgb, [image.height, image.width, 3], 'int32').toFloat();
    x = tfjs.image.resizeBilinear(x as tf.Tensor3D, [height, width]);
    if (channels === 1) x = x.mean(2, true);
    if (channelsFirst) x = x.transpose([2, 0, 1]);
    x = x.expandDims(0);
    return spec.dtype === 'int32' ? x.round().clipByValue(0, 255).toInt() : x.div(255);
  });
}

/**
 * `x` (a batch made by {@link imageTensor}) with every value moved by −1, 0 or +1 grey level at
 * random (1/255 for a float input, 1 for an int32 one), kept in range: a change of the photograph
 * no one can see, under which the original model's outputs show what it cannot reproduce itself.
 */
export function jitterInput(tfjs: typeof tf, x: tf.Tensor, random: RandomSource): tf.Tensor {
  const step = x.dtype === 'int32' ? 1 : 1 / 255;
  const top = x.dtype === 'int32' ? 255 : 1;
  const values = x.dataSync();
  const out = x.dtype === 'int32' ? new Int32Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(top, Math.max(0, values[i] + (random.int(3) - 1) * step));
  return tfjs.tensor(out, x.shape, x.dtype);
}
