/** Activations applied in place on a batch buffer (softmax over the last axis, as tfjs). */
import type { Activation } from '@dc/core';

/** Applies `act` in place to `data`, whose last axis has `lastDim` elements. */
export function applyActivation(data: Float32Array, act: Activation, lastDim: number): void {
  const n = data.length;
  switch (act) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (data[i] < 0) data[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) data[i] = 1 / (1 + Math.exp(-data[i]));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) data[i] = Math.tanh(data[i]);
      return;
    case 'softmax':
      for (let o = 0; o < n; o += lastDim) {
        let max = -Infinity;
        for (let j = 0; j < lastDim; j++) if (data[o + j] > max) max = data[o + j];
        let sum = 0;
        for (let j = 0; j < lastDim; j++) {
          const e = Math.exp(data[o + j] - max);
          data[o + j] = e;
          sum += e;
        }
        for (let j = 0; j < lastDim; j++) data[o + j] /= sum;
      }
      return;
  }
}

/** Writes `bias` (or zeros) into each of `batch` rows of `out` (`cols` wide). */
export function fillBias(out: Float32Array, batch: number, cols: number, bias: Float32Array | null): void {
  if (!bias) {
    out.fill(0);
    return;
  }
  for (let b = 0; b < batch; b++) out.set(bias, b * cols);
}
