/**
 * Patch copying between NHWC images and the matrices a convolution becomes (im2col / col2im),
 * in plain JS on views of the WASM heap. These loops are memory-bound; the arithmetic runs in
 * the wasm backend's XNNPACK matrix multiply.
 */

/** The geometry of one 2-D convolution, NHWC, no dilation. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Writes the transposed patch matrix `colT[K, M]` of `x[N, H, W, C]`, where row
 * `k = (r * KW + q) * C + c` is filter tap (r, q, c) and column `m = (n * OH + oh) * OW + ow` is an
 * output pixel; taps that fall into the padding are 0. `colT @ dy[M, CO]` is the filter gradient.
 * For each tap (r, q) the C channels of one input pixel are read together (one contiguous run)
 * and spread over C output rows, so `x` is read sequentially KH * KW times.
 */
export function im2colTransposed(x: Float32Array, colT: Float32Array, g: ConvGeometry): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const M = batch * OH * OW;
  for (let r = 0; r < g.filterHeight; r++) {
    for (let q = 0; q < g.filterWidth; q++) {
      const row0 = (r * g.filterWidth + q) * C * M;
      let m = 0;
      for (let n = 0; n < batch; n++) {
        const xn = n * H * W * C;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * g.strideHeight - g.padTop + r;
          if (ih < 0 || ih >= H) {
            for (let c = 0; c < C; c++) colT.fill(0, row0 + c * M + m, row0 + c * M + m + OW);
            m += OW;
            continue;
          }
          const xr = xn + ih * W * C;
          for (let ow = 0; ow < OW; ow++, m++) {
            const iw = ow * g.strideWidth - g.padLeft + q;
            let o = row0 + m;
            if (iw < 0 || iw >= W) {
              for (let c = 0; c < C; c++, o += M) colT[o] = 0;
            } else {
              let a = xr + iw * C;
              for (let c = 0; c < C; c++, o += M) colT[o] = x[a++];
            }
          }
        }
      }
    }
  }
}

/**
 * Adds the patch matrix `col[M, K]` (row m = output pixel, column k = filter tap (r, q, c)) back
 * onto the image `dx[N, H, W, C]`, which must start zeroed: the input gradient of a convolution
 * is `col2im(dy[M, CO] @ filterT[CO, K])`. Taps in the padding are dropped.
 */
export function col2im(col: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = g;
  const run = KW * C;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const xn = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * g.strideHeight - g.padTop;
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * g.strideWidth - g.padLeft;
        const inside = iw0 >= 0 && iw0 + KW <= W;
        for (let r = 0; r < KH; r++) {
          const ih = ih0 + r;
          if (ih < 0 || ih >= H) {
            o += run;
            continue;
          }
          const xr = xn + ih * W * C;
          if (inside) {
            let a = xr + iw0 * C;
            for (let j = 0; j < run; j++) dx[a++] += col[o++];
          } else {
            for (let q = 0; q < KW; q++) {
              const iw = iw0 + q;
              if (iw < 0 || iw >= W) {
                o += C;
                continue;
              }
              let a = xr + iw * C;
              for (let c = 0; c < C; c++) dx[a++] += col[o++];
            }
          }
        }
      }
    }
  }
}
