/**
 * MNIST-style preprocessing of a hand-drawn digit, as LeCun et al. describe the data set: crop to
 * the ink, scale (aspect kept, area-averaged) so the longer side fills a 20×20 box, paste into a
 * 28×28 field so the centre of mass sits in the middle; white ink on black, values in [0, 1].
 * Pure TypeScript (no DOM), so Node tests and the page run the same code.
 */

/** Options of {@link preprocessDrawing}. */
export interface PreprocessOptions {
  /** Side of the output field; default 28. */
  readonly size?: number;
  /** Side of the box the ink is scaled into; default 20. */
  readonly box?: number;
  /** Ink below this intensity does not count for the bounding box; default 0.05. */
  readonly threshold?: number;
}

/** Area-averaging resampling along one axis: `dst[o] = mean of src over [o·n/m, (o+1)·n/m)`. */
function resampleAxis(n: number, m: number): { from: Int32Array; to: Int32Array; weights: Float32Array[] } {
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const weights: Float32Array[] = [];
  const step = n / m;
  for (let o = 0; o < m; o++) {
    const a = o * step;
    const b = (o + 1) * step;
    from[o] = Math.floor(a);
    to[o] = Math.min(n, Math.ceil(b - 1e-9));
    const w = new Float32Array(to[o] - from[o]);
    for (let i = from[o]; i < to[o]; i++) w[i - from[o]] = (Math.min(b, i + 1) - Math.max(a, i)) / step;
    weights.push(w);
  }
  return { from, to, weights };
}

/** Resamples the `sw × sh` region at (`x0`, `y0`) of a `width`-wide image to `dw × dh`. */
function resampleRegion(src: Float32Array, width: number, x0: number, y0: number, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const hx = resampleAxis(sw, dw);
  const hy = resampleAxis(sh, dh);
  const rows = new Float32Array(sh * dw);
  for (let y = 0; y < sh; y++) {
    for (let o = 0; o < dw; o++) {
      let s = 0;
      const w = hx.weights[o];
      for (let i = hx.from[o]; i < hx.to[o]; i++) s += w[i - hx.from[o]] * src[(y0 + y) * width + x0 + i];
      rows[y * dw + o] = s;
    }
  }
  const out = new Float32Array(dw * dh);
  for (let o = 0; o < dh; o++) {
    const w = hy.weights[o];
    for (let x = 0; x < dw; x++) {
      let s = 0;
      for (let i = hy.from[o]; i < hy.to[o]; i++) s += w[i - hy.from[o]] * rows[i * dw + x];
      out[o * dw + x] = s;
    }
  }
  return out;
}

/**
 * Turns a drawing (`width × height` ink intensities in [0, 1], row-major) into a `size × size`
 * MNIST-style input (default 28 × 28 = 784 values). Returns `undefined` when nothing is drawn.
 */
export function preprocessDrawing(ink: Float32Array, width: number, height: number, options: PreprocessOptions = {}): Float32Array | undefined {
  const size = options.size ?? 28;
  const box = options.box ?? 20;
  const threshold = options.threshold ?? 0.05;
  if (ink.length !== width * height) throw new RangeError(`preprocessDrawing: ${ink.length} values for ${width}×${height}`);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return undefined;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = box / Math.max(bw, bh);
  const dw = Math.max(1, Math.round(bw * scale));
  const dh = Math.max(1, Math.round(bh * scale));
  const small = resampleRegion(ink, width, x0, y0, bw, bh, dw, dh);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const v = small[y * dw + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  // As in MNIST itself, the centre of mass (in pixel indices) lands on index size / 2 (14 of 28).
  const ox = Math.round(size / 2 - mx / mass);
  const oy = Math.round(size / 2 - my / mass);
  const out = new Float32Array(size * size);
  let peak = 0;
  for (let y = 0; y < dh; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= size) continue;
    for (let x = 0; x < dw; x++) {
      const tx = x + ox;
      if (tx < 0 || tx >= size) continue;
      const v = Math.min(1, Math.max(0, small[y * dw + x]));
      out[ty * size + tx] = v;
      if (v > peak) peak = v;
    }
  }
  // A thin stroke averages below full intensity; MNIST digits peak at 1.
  if (peak > 0 && peak < 1) for (let i = 0; i < out.length; i++) out[i] /= peak;
  return out;
}
