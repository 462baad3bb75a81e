import type { ConvGeometry } from './patches.js';

/**
 * The zero-padded image a convolution's output pixels read: every row and column from the top-left
 * padding to the last pixel's patch, `[N, Hp, Wp, C]`. The WASM SIMD kernels that walk patches
 * (filter gradient, col2im) run on it without bounds checks. tfjs's top and left padding are
 * never negative; input rows and columns past `Hp`, `Wp` are never read (VALID with a stride that
 * does not divide the input).
 */
export interface PaddedImage {
  readonly height: number;
  readonly width: number;
  /** Floats per padded row (`Wp · C`). */
  readonly rowFloats: number;
  /** Floats in the whole padded batch. */
  readonly size: number;
}

export function paddedImage(g: ConvGeometry): PaddedImage {
  const height = (g.outHeight - 1) * g.strideHeight + g.filterHeight;
  const width = (g.outWidth - 1) * g.strideWidth + g.filterWidth;
  const rowFloats = width * g.inChannels;
  return { height, width, rowFloats, size: g.batch * height * rowFloats };
}

/** Byte strides of the output pixels in the padded image: per image, per output row, per pixel. */
export function pixelStrides(g: ConvGeometry, p: PaddedImage): [number, number, number] {
  return [p.height * p.rowFloats * 4, g.strideHeight * p.rowFloats * 4, g.strideWidth * g.inChannels * 4];
}

/**
 * Copies the image `x[N, H, W, C]` into `padded` (or, with `back`, the interior of `padded` into
 * `x`). Copying in, `padded` must be zeroed; copying back, so must `x` (pixels no patch reads get 0).
 */
export function copyPadded(x: Float32Array, padded: Float32Array, g: ConvGeometry, p: PaddedImage, back = false): void {
  const { batch: N, inHeight: H, inWidth: W, inChannels: C } = g;
  const rows = Math.min(H, p.height - g.padTop);
  const run = Math.min(W, p.width - g.padLeft) * C;
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < rows; h++) {
      const at = (n * H + h) * W * C;
      const to = (n * p.height + h + g.padTop) * p.rowFloats + g.padLeft * C;
      if (back) x.set(padded.subarray(to, to + run), at);
      else padded.set(x.subarray(at, at + run), to);
    }
  }
}
