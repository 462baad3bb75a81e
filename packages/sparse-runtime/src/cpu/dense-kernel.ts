/**
 * Sparse × dense products for dense layers, computed from codes + codebook (never densified).
 *
 * - {@link spmvSkipZeros}: one sample, EIE-style: iterate the nonzero inputs only, and for each
 *   the kept weights of its row, `y[col] += x[i] · codebook[code]`.
 * - {@link spmmTiled}: a batch, cache-tiled: a block of samples is transposed so that each input
 *   row's samples are contiguous, and each kept weight updates a contiguous output tile
 *   (`yT[col, tile] += w · xT[row, tile]`); rows whose tile is all zero are skipped.
 */
import type { SparseRows } from '../sparse/sparse-rows.js';

/** `y[yOff .. yOff + cols] += x[xOff .. xOff + rows] · W` for one sample, skipping zero inputs. */
export function spmvSkipZeros(m: SparseRows, x: Float32Array, xOff: number, y: Float32Array, yOff: number): void {
  const { rows, rowPtr, colIdx, codes, codebook } = m;
  for (let i = 0; i < rows; i++) {
    const xi = x[xOff + i];
    if (xi === 0) continue;
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) y[yOff + colIdx[k]] += xi * codebook[codes[k]];
  }
}

/** Scratch buffers reused across calls. */
export interface TileScratch {
  xT: Float32Array;
  yT: Float32Array;
}

/** Samples per tile of {@link spmmTiled}. */
export const TILE = 16;

/**
 * `Y[b, :] += X[b, :] · W` for `batch` samples, in tiles of {@link TILE} samples.
 * `y` must already hold the bias (or zeros).
 */
export function spmmTiled(m: SparseRows, x: Float32Array, y: Float32Array, batch: number, scratch: TileScratch): void {
  const { rows, cols, rowPtr, colIdx, codes, codebook } = m;
  if (scratch.xT.length < rows * TILE) scratch.xT = new Float32Array(rows * TILE);
  if (scratch.yT.length < cols * TILE) scratch.yT = new Float32Array(cols * TILE);
  const { xT, yT } = scratch;
  for (let b0 = 0; b0 < batch; b0 += TILE) {
    const t = Math.min(TILE, batch - b0);
    for (let s = 0; s < t; s++) {
      const xo = (b0 + s) * rows;
      for (let i = 0; i < rows; i++) xT[i * TILE + s] = x[xo + i];
      const yo = (b0 + s) * cols;
      for (let j = 0; j < cols; j++) yT[j * TILE + s] = y[yo + j];
    }
    for (let i = 0; i < rows; i++) {
      const xb = i * TILE;
      let any = false;
      for (let s = 0; s < t; s++) if (xT[xb + s] !== 0) { any = true; break; }
      if (!any) continue;
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) {
        const w = codebook[codes[k]];
        const yb = colIdx[k] * TILE;
        for (let s = 0; s < t; s++) yT[yb + s] += w * xT[xb + s];
      }
    }
    for (let s = 0; s < t; s++) {
      const yo = (b0 + s) * cols;
      for (let j = 0; j < cols; j++) y[yo + j] = yT[j * TILE + s];
    }
  }
}
