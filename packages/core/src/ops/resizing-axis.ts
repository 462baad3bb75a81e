/**
 * Where each output row (or column) of a `resizing` node reads the input: one table per axis,
 * shared by every runtime's kernel and by the tfjs layer's gradient, so that all of them sample the
 * same pixels with the same weights.
 */
import type { ResizingConfig } from '../ir/model.js';

/**
 * The samples of one axis of `inSize` resized to `outSize`: output `o` is
 * `x[lo[o]] + (x[hi[o]] − x[lo[o]]) · frac[o]`. Bilinear with half-pixel centres (source
 * `(o + 0.5) · in / out − 0.5`; `lo` its floor and `hi` its ceiling, both clamped to the axis, and
 * `frac` the source less the clamped floor, as tfjs's `resizeBilinear` with `halfPixelCenters`
 * computes them: where the source falls before the first pixel both read it); nearest reads
 * `min(in − 1, floor((o + 0.5) · in / out))` with `frac` 0.
 */
export function resizingAxis(inSize: number, outSize: number, interpolation: ResizingConfig['interpolation']): { readonly lo: Uint32Array; readonly hi: Uint32Array; readonly frac: Float64Array } {
  const [lo, hi, frac] = [new Uint32Array(outSize), new Uint32Array(outSize), new Float64Array(outSize)];
  const ratio = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    if (interpolation === 'nearest') {
      lo[o] = hi[o] = Math.min(inSize - 1, Math.floor((o + 0.5) * ratio));
      continue;
    }
    const at = ratio * (o + 0.5) - 0.5;
    lo[o] = Math.max(0, Math.floor(at));
    hi[o] = Math.min(inSize - 1, Math.ceil(at));
    frac[o] = at - lo[o];
  }
  return { lo, hi, frac };
}

/**
 * The sides of an `[h, w]` image's window of the aspect ratio of `height × width`, as Keras computes
 * them (in float32, truncated): the height that matches the image's width and the width that
 * matches its height.
 */
function aspectSides(h: number, w: number, height: number, width: number): [number, number] {
  return [Math.trunc(Math.fround(Math.fround(w * height) / width)), Math.trunc(Math.fround(Math.fround(h * width) / height))];
}

/** `extra` pixels split around a centred window as Keras splits them: the odd one after. */
function centred(extra: number): [number, number] {
  const before = Math.trunc(extra / 2);
  return [before, extra - before];
}

/**
 * The margins `[[top, bottom], [left, right]]` that Keras' `Resizing(crop_to_aspect_ratio=True)`
 * crops from an `[h, w]` image before resizing it to `height × width`: the largest centred window
 * of the target's aspect ratio (at least one pixel).
 */
export function aspectRatioCrop(h: number, w: number, height: number, width: number): [[number, number], [number, number]] {
  const [sideH, sideW] = aspectSides(h, w, height, width);
  return [centred(h - Math.max(1, Math.min(h, sideH))), centred(w - Math.max(1, Math.min(w, sideW)))];
}

/**
 * The margins `[[top, bottom], [left, right]]` that Keras' `Resizing(pad_to_aspect_ratio=True)`
 * pads around an `[h, w]` image before resizing it to `height × width`: the smallest centred canvas
 * of the target's aspect ratio.
 */
export function aspectRatioPad(h: number, w: number, height: number, width: number): [[number, number], [number, number]] {
  const [sideH, sideW] = aspectSides(h, w, height, width);
  return [centred(Math.max(h, sideH) - h), centred(Math.max(w, sideW) - w)];
}
