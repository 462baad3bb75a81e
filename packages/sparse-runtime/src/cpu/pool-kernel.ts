/** Max and average pooling, NHWC; average pooling counts only in-bounds elements (as tfjs). */
import type { PlannedPool } from '../model/plan.js';

/** Pools `batch` samples of `x` into a new array. */
export function pool(step: PlannedPool, x: Float32Array, batch: number): Float32Array {
  const [H, W, C] = step.input;
  const [OH, OW] = step.output;
  const [PH, PW] = step.poolSize;
  const [SY, SX] = step.strides;
  const { top, left } = step.pads;
  const isMax = step.op === 'maxPool';
  const out = new Float32Array(batch * OH * OW * C);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xb = b * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(oy * SY - top, 0);
      const y1 = Math.min(oy * SY - top + PH, H);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = Math.max(ox * SX - left, 0);
        const x1 = Math.min(ox * SX - left + PW, W);
        const count = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < C; c++) {
          let acc = isMax ? -Infinity : 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const v = x[xb + (iy * W + ix) * C + c];
              if (isMax) { if (v > acc) acc = v; } else acc += v;
            }
          }
          out[o++] = isMax ? acc : acc / count;
        }
      }
    }
  }
  return out;
}
