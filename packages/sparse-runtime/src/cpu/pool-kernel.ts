/** Max and average pooling, NHWC; average pooling counts only in-bounds elements (as tfjs). */
import type { PlannedPool } from '../model/plan.js';

/**
 * Pools `batch` samples of `x` into a new array. For each output pixel, the window's pixels are
 * visited in order and the channel loop is innermost, so every read is contiguous.
 */
export function pool(step: PlannedPool, x: Float32Array, batch: number): Float32Array {
  const [H, W, C] = step.input;
  const [OH, OW] = step.output;
  const [PH, PW] = step.poolSize;
  const [SY, SX] = step.strides;
  const { top, left } = step.pads;
  const isMax = step.op === 'maxPool';
  const out = new Float32Array(batch * OH * OW * C);
  for (let b = 0; b < batch; b++) {
    const xb = b * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(oy * SY - top, 0);
      const y1 = Math.min(oy * SY - top + PH, H);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = Math.max(ox * SX - left, 0);
        const x1 = Math.min(ox * SX - left + PW, W);
        const o = ((b * OH + oy) * OW + ox) * C;
        const first = xb + (y0 * W + x0) * C;
        for (let c = 0; c < C; c++) out[o + c] = x[first + c];
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const i = xb + (iy * W + ix) * C;
            if (isMax) {
              for (let c = 0; c < C; c++) if (x[i + c] > out[o + c]) out[o + c] = x[i + c];
            } else {
              for (let c = 0; c < C; c++) out[o + c] += x[i + c];
            }
          }
        }
        if (!isMax) {
          const inv = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < C; c++) out[o + c] /= inv;
        }
      }
    }
  }
  return out;
}
