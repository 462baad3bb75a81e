/**
 * Dense layers on the WASM SIMD kernel (spmm.wat): each prepared model gets its own module
 * instance and memory holding, per layer, the row pointers, the packed entries
 * (`col << shift | code`) and the codebook, plus scratch for one tile of 16 samples.
 * Batches run tile by tile: transpose 16 samples in, multiply, transpose out.
 */
import type { SparseRows } from '../../sparse/sparse-rows.js';
import { SPMM_WASM_BASE64 } from './spmm-wasm.generated.js';

const TILE = 16;

type Spmm16 = (xT: number, yT: number, rowPtr: number, entries: number, codebook: number, rows: number, shift: number, mask: number) => void;

let compiled: WebAssembly.Module | null | undefined;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function spmmModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = decodeBase64(SPMM_WASM_BASE64);
    compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** One dense layer's weights inside the module's memory. */
interface LayerRegion {
  readonly m: SparseRows;
  readonly rowPtr: number;
  readonly entries: number;
  readonly codebook: number;
  readonly shift: number;
  readonly mask: number;
}

/** Bits needed to hold codes `0 .. n - 1`. */
function bitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(n, 2))));
}

/** True when the layer's columns and codes fit the packed 32-bit entries. */
export function fitsWasm(m: SparseRows): boolean {
  return bitsFor(m.codebook.length) + bitsFor(m.cols) <= 32;
}

/** A WASM instance holding several dense layers' weights. */
export class WasmDenseKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly spmm: Spmm16;
  private top = 0;
  private xT = 0;
  private yT = 0;
  private readonly layers: LayerRegion[] = [];

  /** Lays out every layer's weights; `layers[i]` is addressed by index `i` later. */
  constructor(module: WebAssembly.Module, layers: readonly SparseRows[]) {
    let bytes = 64;
    const align = (n: number) => (n + 15) & ~15;
    for (const m of layers) bytes += align((m.rows + 1) * 4) + align(m.nnz * 4) + align(m.codebook.length * 4);
    const maxRows = Math.max(...layers.map((m) => m.rows));
    const maxCols = Math.max(...layers.map((m) => m.cols));
    bytes += align(maxRows * TILE * 4) + align(maxCols * TILE * 4);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.spmm = instance.exports.spmm16 as Spmm16;
    const alloc = (n: number) => {
      const at = align(this.top + 16);
      this.top = at + n;
      return at;
    };
    const buf = this.memory.buffer;
    for (const m of layers) {
      const shift = bitsFor(m.codebook.length);
      const mask = (1 << shift) - 1;
      const rowPtr = alloc((m.rows + 1) * 4);
      new Uint32Array(buf, rowPtr, m.rows + 1).set(m.rowPtr);
      const entries = alloc(m.nnz * 4);
      const e = new Uint32Array(buf, entries, m.nnz);
      for (let k = 0; k < m.nnz; k++) e[k] = ((m.colIdx[k] << shift) | m.codes[k]) >>> 0;
      const codebook = alloc(m.codebook.length * 4);
      new Float32Array(buf, codebook, m.codebook.length).set(m.codebook);
      this.layers.push({ m, rowPtr, entries, codebook, shift, mask });
    }
    this.xT = alloc(maxRows * TILE * 4);
    this.yT = alloc(maxCols * TILE * 4);
  }

  /**
   * `y[b, :] = X[b, :] · W + y[b, :]` for `batch` samples of layer `index`; `y` holds the bias
   * (or zeros) on entry.
   */
  run(index: number, x: Float32Array, y: Float32Array, batch: number): void {
    const { m, rowPtr, entries, codebook, shift, mask } = this.layers[index];
    const { rows, cols } = m;
    const xT = new Float32Array(this.memory.buffer, this.xT, rows * TILE);
    const yT = new Float32Array(this.memory.buffer, this.yT, cols * TILE);
    for (let b0 = 0; b0 < batch; b0 += TILE) {
      const t = Math.min(TILE, batch - b0);
      if (t < TILE) {
        xT.fill(0);
        yT.fill(0);
      }
      for (let s = 0; s < t; s++) {
        const xo = (b0 + s) * rows;
        for (let i = 0; i < rows; i++) xT[i * TILE + s] = x[xo + i];
        const yo = (b0 + s) * cols;
        for (let j = 0; j < cols; j++) yT[j * TILE + s] = y[yo + j];
      }
      this.spmm(this.xT, this.yT, rowPtr, entries, codebook, rows, shift, mask);
      for (let s = 0; s < t; s++) {
        const yo = (b0 + s) * cols;
        for (let j = 0; j < cols; j++) y[yo + j] = yT[j * TILE + s];
      }
    }
  }
}
