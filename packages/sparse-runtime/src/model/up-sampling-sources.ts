/** Upsampling by integer factors as tables built once per model: nearest as a gather, bilinear as per-axis source pairs and weights. */

/** For each element of the `[h·sh, w·sw, c]` output of upsampling `[h, w, c]` by `[sh, sw]`, the input element (per sample) it copies. */
export function upSamplingSources(input: readonly number[], size: readonly [number, number]): Uint32Array {
  const [H, W, C] = input;
  const [sh, sw] = size;
  const OW = W * sw;
  const source = new Uint32Array(H * sh * OW * C);
  for (let oy = 0, f = 0; oy < H * sh; oy++) {
    const row = Math.floor(oy / sh) * W;
    for (let ox = 0; ox < OW; ox++) {
      const pixel = (row + Math.floor(ox / sw)) * C;
      for (let c = 0; c < C; c++) source[f++] = pixel + c;
    }
  }
  return source;
}

/**
 * Bilinear interpolation along one axis of `inSize` upsampled to `outSize`, as tfjs's
 * `resizeBilinear` without aligned corners or half-pixel centres: output `o` reads input
 * positions `lo[o]` and `hi[o]` with weight `frac[o]` on `hi` (source `o · in / out`).
 */
export function bilinearAxis(inSize: number, outSize: number): { readonly lo: Uint32Array; readonly hi: Uint32Array; readonly frac: Float64Array } {
  const [lo, hi, frac] = [new Uint32Array(outSize), new Uint32Array(outSize), new Float64Array(outSize)];
  const ratio = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const at = ratio * o;
    lo[o] = Math.floor(at);
    hi[o] = Math.min(inSize - 1, Math.ceil(at));
    frac[o] = at - lo[o];
  }
  return { lo, hi, frac };
}
