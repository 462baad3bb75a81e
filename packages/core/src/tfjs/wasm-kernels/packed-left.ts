import type { TrainKernels } from './train-kernels.js';
import { f32, type TensorInfo, type WasmBackend } from './wasm-backend.js';

/**
 * Above this fraction of kept (nonzero) 4-row entries, the packed product of a row-major `A` is
 * slower than `gemm` on `A` itself (measured: all kept ~5-13% slower, 38% kept (MNIST pixels)
 * 2-2.5x faster); a transposed `A` is packed whatever its density, as packing replaces the transpose.
 */
export const DENSE_ABOVE = 0.85;

/**
 * The scratch of `gemm_packed`'s left operand for one `M × K` matrix (M a multiple of 4): per block
 * of 4 rows the columns where any of its values is nonzero (see pack_rows4 in train-kernels.wat).
 */
export class PackedLeft {
  private readonly idx: TensorInfo;
  private readonly vals: TensorInfo;
  private readonly starts: TensorInfo;
  /** Fraction of the `M / 4 × K` entries kept by the last {@link pack}. */
  kept = 1;

  constructor(
    private readonly backend: WasmBackend,
    readonly M: number,
    readonly K: number,
  ) {
    this.idx = backend.makeOutput([(M / 4) * K], 'float32');
    this.vals = backend.makeOutput([M * K], 'float32');
    this.starts = backend.makeOutput([M / 4 + 1], 'float32');
  }

  /** Packs the matrix at byte address `a` (row stride `lda` floats; `transposed`: stored as K × lda). */
  pack(k: TrainKernels, a: number, lda: number, transposed: boolean): void {
    const pack = transposed ? k.pack_cols4 : k.pack_rows4;
    const entries = pack(a, lda, this.M, this.K, this.at(this.idx), this.at(this.vals), this.at(this.starts));
    this.kept = entries / ((this.M / 4) * this.K);
  }

  /** `C[M, N] = A · B` for the packed `A`, B's rows `ldb` floats apart and C's `ldc` (N a multiple of 8). */
  multiply(k: TrainKernels, b: number, c: number, N: number, panel: number, ldb: number, ldc: number): void {
    k.gemm_packed(this.at(this.idx), this.at(this.vals), this.at(this.starts), b, c, this.M, this.K, N, panel, ldb, ldc);
  }

  dispose(): void {
    for (const s of [this.idx, this.vals, this.starts]) this.backend.disposeData(s.dataId);
  }

  private at(info: TensorInfo): number {
    return f32(this.backend, info).byteOffset;
  }
}
