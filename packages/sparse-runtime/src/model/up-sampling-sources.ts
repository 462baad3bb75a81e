/** Nearest-neighbour upsampling as a gather: the input element each output element repeats. */

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
