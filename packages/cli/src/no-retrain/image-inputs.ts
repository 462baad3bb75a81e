/**
 * A photograph as a model input tensor, with tfjs: resized (bilinear) to the input's height and
 * width, grey (BT.601 luma) when the input has one channel, channels first when the input is `[n, 3, h, w]`,
 * values in [0, 1] for a float input, or `byte × scale + offset` with a {@link PixelScale} (a
 * model trained on [-1, 1] or on 0–255 floats), and [0, 255] for an int32 one. Free dimensions
 * take `freeSize`.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, type Preprocessing, type RandomSource } from '@dc/core';
import type { RgbImage } from '../data/images.js';

/**
 * How a float input takes a photograph's bytes: `x = byte × scale + offset` (the CLI's
 * `--input-scale`, `--input-offset`), e.g. `{ scale: 2 / 255, offset: -1 }` for a model trained on
 * [-1, 1]. Without one: `byte / 255`.
 */
export interface PixelScale {
  readonly scale: number;
  readonly offset: number;
}

/** The pixel scale of `--input-scale` / `--input-offset` when either is given (the other defaulting to 1/255 and 0), else undefined: byte / 255. */
export function pixelScaleOf(o: { readonly inputScale?: number; readonly inputOffset?: number }): PixelScale | undefined {
  return o.inputScale === undefined && o.inputOffset === undefined ? undefined : { scale: o.inputScale ?? 1 / 255, offset: o.inputOffset ?? 0 };
}

/**
 * ITU-R BT.601 luma weights of R, G, B: how a one-channel input sees a colour photograph (the
 * weights of `tf.image.rgbToGrayscale`, which the wasm backend cannot run: it has no Einsum kernel).
 */
const LUMA = [0.2989, 0.587, 0.114];

/**
 * The one scale and offset a `.dcm` file records for its input (`dc compress --input-scale`
 * records one for every channel), or `INVALID_OPTION` for a record whose channels differ, which
 * photographs here cannot take. Scale 1, offset 0 (float training data, taken as given) says
 * nothing about photographs: undefined, so they stay byte / 255 (and a `.npy` as given either way).
 */
export function pixelScaleOfRecord(file: string, record: Preprocessing | undefined): PixelScale | undefined {
  if (!record || record.scale.length === 0) return undefined;
  const [scale, offset] = [record.scale[0], record.offset[0] ?? 0];
  if (scale === 1 && offset === 0 && record.scale.every((s) => s === 1) && record.offset.every((b) => b === 0)) return undefined;
  if (record.scale.some((s) => s !== scale) || record.offset.some((b) => b !== offset)) {
    throw new DcError('INVALID_OPTION', `${file} records a different input scale per channel (scale ${record.scale.join('/')}, offset ${record.offset.join('/')}); --reference applies one to every input value`, {
      option: 'input-scale',
      hint: 'Pass --input-scale and --input-offset, or give --data a .npy of inputs already scaled (with --input-scale 1 --input-offset 0).',
    });
  }
  return { scale, offset };
}

/** The pixel scale a command applies, and where it came from: its flags, or the file's record. */
export type InputScaling = PixelScale & { readonly source: 'flags' | 'file' };

/** The flags' pixel scale when either flag is given, else the file's record ({@link pixelScaleOfRecord}), else undefined: byte / 255. */
export function inputScaling(o: { readonly inputScale?: number; readonly inputOffset?: number }, file: string, record: Preprocessing | undefined): InputScaling | undefined {
  const flags = pixelScaleOf(o);
  if (flags) return { ...flags, source: 'flags' };
  const recorded = pixelScaleOfRecord(file, record);
  return recorded ? { ...recorded, source: 'file' } : undefined;
}

/** A model input as the images are turned into it. */
export interface ImageInputSpec {
  readonly name: string;
  /** With -1 for free dimensions. */
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** `INVALID_OPTION` for a pixel scale given to an int32 input, which takes a photograph's bytes as they are. */
export function checkPixelScale(spec: ImageInputSpec, pixels: PixelScale | undefined): void {
  if (pixels && spec.dtype === 'int32') {
    throw new DcError('INVALID_OPTION', `input ${spec.name} is int32: it takes a photograph's bytes (0–255) as they are, not scaled`, { option: 'input-scale', hint: 'Drop --input-scale / --input-offset for this model.' });
  }
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
 * One image as a batch of one for the input `spec`, its float values `pixels` (default byte / 255);
 * `INVALID_OPTION` for `pixels` with an int32 input, which takes the bytes as they are.
 */
export function imageTensor(tfjs: typeof tf, image: RgbImage, spec: ImageInputSpec, freeSize = 256, pixels?: PixelScale): tf.Tensor {
  const { height, width, channels, channelsFirst } = imageLayout(spec, freeSize);
  checkPixelScale(spec, pixels);
  return tfjs.tidy(() => {
    let x: tf.Tensor = tfjs.tensor3d(image.rgb, [image.height, image.width, 3], 'int32').toFloat();
    x = tfjs.image.resizeBilinear(x as tf.Tensor3D, [height, width]);
    if (channels === 1) x = x.mul(LUMA).sum(2, true);
    if (channelsFirst) x = x.transpose([2, 0, 1]);
    x = x.expandDims(0);
    if (spec.dtype === 'int32') return x.round().clipByValue(0, 255).toInt();
    return pixels ? x.mul(pixels.scale).add(pixels.offset) : x.div(255);
  });
}

/**
 * `x` (a batch made by {@link imageTensor} with the same `pixels`) with every value moved by −1, 0
 * or +1 grey level at random (1/255 for a float input, `pixels.scale` with a pixel scale, 1 for an
 * int32 one), kept in the range of the bytes 0–255: a change of the photograph no one can see,
 * under which the original model's outputs show what it cannot reproduce itself.
 */
export function jitterInput(tfjs: typeof tf, x: tf.Tensor, random: RandomSource, pixels?: PixelScale): tf.Tensor {
  const int = x.dtype === 'int32';
  const step = int ? 1 : pixels ? Math.abs(pixels.scale) : 1 / 255;
  const ends = int ? [0, 255] : pixels ? [pixels.offset, 255 * pixels.scale + pixels.offset] : [0, 1];
  const [bottom, top] = [Math.min(...ends), Math.max(...ends)];
  const values = x.dataSync();
  const out = int ? new Int32Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(top, Math.max(bottom, values[i] + (random.int(3) - 1) * step));
  return tfjs.tensor(out, x.shape, x.dtype);
}
