/**
 * Data augmentation of image training data, applied in JS while a batch is assembled (no tensor
 * ops, no extra pass over the data): the rows a training batch gets are changed copies, the data
 * set itself never changes, and evaluation never sees it.
 */
import { optionChecks, type OptionChecks, type OptionKeys } from '../options/option-checks.js';
import type { RandomSource } from '../random.js';
import type { TrainingData } from './training-data.js';

/** Options of the trainer's `augment` (image training data only). */
export interface ImageAugmentation {
  /**
   * Random translation: every training image, each time it is drawn into a batch (so once per
   * epoch), is shifted by an integer offset drawn uniformly from `[-translate, translate]` on each
   * axis (the two independently); pixels shifted in from outside are 0. `2` is what MNIST recipes
   * use. `0` turns it off.
   */
  readonly translate: number;
  /**
   * Random horizontal flips: each time an image is drawn into a batch, it is mirrored left to right
   * (after its translation) with probability 1/2 — for photographs, whose classes do not depend on
   * left and right (not for digits or text). Default false; without it the draws, and so the
   * batches of a seed, are those of translation alone.
   */
  readonly flip?: boolean;
}

const KEYS: OptionKeys<ImageAugmentation> = { translate: true, flip: true };
const check: OptionChecks = optionChecks('dc:trainer', {
  augment: 'Pass augment: { translate: <pixels>, flip?: true } (random integer shifts, and mirroring left to right), or leave it out.',
  'augment.translate': 'Use a small whole number of pixels, e.g. translate: 2 for 28×28 digits.',
  'augment.flip': 'true mirrors half the drawn images left to right; leave it out for digits and text.',
});

/** Checks an `augment` option (`INVALID_OPTION` with a hint) against images `height × width`. */
export function checkAugmentation(augment: unknown, image?: { readonly height: number; readonly width: number }): ImageAugmentation {
  check.object<ImageAugmentation>(augment, 'augment', KEYS);
  const { translate, flip } = augment;
  check.number(translate, 'augment.translate', { integer: true, min: 0 });
  if (flip !== undefined) check.that(typeof flip === 'boolean', 'augment.flip', 'must be true or false');
  if (image) {
    const side = Math.min(image.height, image.width);
    check.that(translate < side, 'augment.translate', `translate ${translate} shifts ${image.height}×${image.width} images out of the frame`, `Translate by fewer pixels than the image's smaller side (${side}); MNIST recipes use 2.`);
  }
  return flip ? { translate, flip } : { translate };
}

/**
 * Copies the `height × width` image at `src[from…]` into `dst[to…]` shifted by `dx` columns (right
 * when positive) and `dy` rows (down when positive): `dst(y, x) = src(y − dy, x − dx)`, 0 where
 * that falls outside the image. `dst` must be zero there already (a fresh batch buffer is).
 */
export function translateImage(src: Float32Array, from: number, dst: Float32Array, to: number, height: number, width: number, dx: number, dy: number): void {
  const x0 = Math.max(0, dx);
  const x1 = Math.min(width, width + dx);
  if (x1 <= x0) return;
  for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
    const row = from + (y - dy) * width - dx;
    dst.set(src.subarray(row + x0, row + x1), to + y * width + x0);
  }
}

/** Mirrors the `height × width` image of `channels` interleaved values at `dst[at…]` left to right, in place. */
export function mirrorImage(dst: Float32Array, at: number, height: number, width: number, channels: number): void {
  for (let y = 0; y < height; y++) {
    const row = at + y * width * channels;
    for (let l = 0, r = width - 1; l < r; l++, r--) {
      for (let c = 0; c < channels; c++) {
        const [a, b] = [row + l * channels + c, row + r * channels + c];
        [dst[a], dst[b]] = [dst[b], dst[a]];
      }
    }
  }
}

/**
 * An image copier for batch assembly: with a translation, each call draws `dx`, `dy` from
 * `random` and copies the shifted image; with flips, then draws whether to mirror it; without
 * either (or without `random`: evaluation), a plain copy. Images are `height × width × channels`,
 * channels interleaved (NHWC).
 */
export function imageCopier(augment: ImageAugmentation | undefined, random: RandomSource | undefined, height: number, width: number, channels = 1) {
  const px = height * width * channels;
  const t = augment?.translate ?? 0;
  const flip = augment?.flip === true;
  const copy = (src: Float32Array, k: number, dst: Float32Array, i: number) => dst.set(src.subarray(k * px, (k + 1) * px), i * px);
  if ((t === 0 && !flip) || !random) return copy;
  return (src: Float32Array, k: number, dst: Float32Array, i: number) => {
    if (t === 0) copy(src, k, dst, i);
    else {
      const dx = random.int(2 * t + 1) - t;
      const dy = random.int(2 * t + 1) - t;
      // A row of `width` pixels of `channels` values each: a shift by dx pixels is dx × channels values.
      translateImage(src, k * px, dst, i * px, height, width * channels, dx * channels, dy);
    }
    if (flip && random.int(2) === 1) mirrorImage(dst, i * px, height, width, channels);
  };
}

/** Height, width and channels of image rows `[h, w]` or `[h, w, c]`; undefined for other shapes. */
export function imageRowShape(row: readonly number[]): { height: number; width: number; channels: number } | undefined {
  if (row.length === 2) return { height: row[0], width: row[1], channels: 1 };
  if (row.length === 3) return { height: row[0], width: row[1], channels: row[2] };
  return undefined;
}

/** Checks the trainer's `augment` option against its training data (images only), or throws `INVALID_OPTION`. */
export function augmentationFor(augment: unknown, train: TrainingData): ImageAugmentation {
  const t = train as { images?: unknown; height?: number; width?: number; xs?: { shape?: unknown } };
  const shape = t.xs && Array.isArray(t.xs.shape) ? (t.xs.shape as number[]) : undefined;
  const image = t.images !== undefined && t.height !== undefined && t.width !== undefined ? { height: t.height, width: t.width } : shape ? imageRowShape(shape.slice(1)) : undefined;
  const needs = 'needs image training data: an ImageSet, or { xs, ys } tensors with xs shaped [n, height, width] or [n, height, width, channels]';
  check.that(image !== undefined, 'augment', needs, 'Pass the images as an ImageSet (e.g. from @dc/core/mnist) or as image-shaped tensors, or augment inside your own tf.data pipeline and leave augment out.');
  return checkAugmentation(augment, image);
}
