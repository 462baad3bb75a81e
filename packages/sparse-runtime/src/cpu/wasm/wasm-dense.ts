/**
 * One sample of a dense layer on the WASM module spmm.wat (the EIE loop, skipping zero inputs):
 * each prepared model gets its own module instance and memory holding, per layer, the row
 * pointers, the packed entries (`col << shift | code`), the codebook and the bias, plus one
 * sample's input and output. Batches of dense layers and every convolution run the direct
 * convolution (wasm-conv.ts); pooling runs in the convolutions' memory (wasm-pool.ts).
 */
import type { SparseRows } from '../../sparse/sparse-rows.js';
import { outputBuffer } from '../output-buffer.js';

/** One dense layer's weights inside the module's memory. */
interface LayerRegion {
  readonly m: SparseRows;
  readonly rowPtr: number;
  readonly entries: number;
  readonly codebook: number;
  /** Address of the bias, or 0 without bias. */
  readonly bias: number;
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

interface Exports {
  spmv1(x: number, y: number, rowPtr: number, entries: number, codebook: number, rows: number, shift: number, mask: number, cols: number, bias: number, relu: number, hi: number): void;
}

/** A layer for {@link WasmDenseKernels}: its sparse rows and bias. */
export interface WasmDenseLayer {
  readonly m: SparseRows;
  readonly bias: Float32Array | null;
}

/** A WASM instance holding several dense layers' weights. */
export class WasmDenseKernels {
  private readonly memory: WebAssembly.Memory;
  /** The memory as floats (it never grows: everything is laid out at construction). */
  private readonly heap: Float32Array;
  private readonly fns: Exports;
  private top = 0;
  private readonly xIn: number;
  private readonly yOut: number;
  private readonly layers: LayerRegion[] = [];

  /** Lays out every layer's weights; `layers[i]` is addressed by index `i` later. */
  constructor(module: WebAssembly.Module, layers: readonly WasmDenseLayer[]) {
    const align = (n: number) => (n + 15) & ~15;
    let bytes = 64;
    for (const { m } of layers) bytes += align((m.rows + 1) * 4) + align(m.nnz * 4) + align(m.codebook.length * 4) + align(m.cols * 4) + 64;
    const maxRows = Math.max(0, ...layers.map((l) => l.m.rows));
    const maxCols = Math.max(0, ...layers.map((l) => l.m.cols));
    bytes += align(maxRows * 4) + align(maxCols * 4) + 128;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.fns = instance.exports as unknown as Exports;
    this.heap = new Float32Array(this.memory.buffer);
    const alloc = (n: number) => {
      const at = align(this.top + 16);
      this.top = at + n;
      return at;
    };
    const buf = this.memory.buffer;
    for (const { m, bias: b } of layers) {
      const shift = bitsFor(m.codebook.length);
      const mask = (1 << shift) - 1;
      const rowPtr = alloc((m.rows + 1) * 4);
      new Uint32Array(buf, rowPtr, m.rows + 1).set(m.rowPtr);
      const entries = alloc(m.nnz * 4);
      const e = new Uint32Array(buf, entries, m.nnz);
      for (let k = 0; k < m.nnz; k++) e[k] = ((m.colIdx[k] << shift) | m.codes[k]) >>> 0;
      const codebook = alloc(m.codebook.length * 4);
      new Float32Array(buf, codebook, m.codebook.length).set(m.codebook);
      const bias = b ? alloc(m.cols * 4) : 0;
      if (b) new Float32Array(buf, bias, m.cols).set(b);
      this.layers.push({ m, rowPtr, entries, codebook, bias, shift, mask });
    }
    this.xIn = alloc(maxRows * 4);
    this.yOut = alloc(maxCols * 4);
  }

  /** The layers' output arrays, kept from one call to the next (as `output-buffer.ts` arrays are). */
  private readonly outputs: ((length: number) => Float32Array)[] = [];

  /**
   * `act(x · W + bias)` for one sample of layer `index`, where `act` is relu clamped at `clamp`
   * (`reluBound`; in WASM, -0 stored as +0), or nothing for null. The result is kept for the
   * layer's next call.
   */
  runOne(index: number, x: Float32Array, clamp: number | null): Float32Array {
    const { m, rowPtr, entries, codebook, bias, shift, mask } = this.layers[index];
    const { rows, cols } = m;
    const heap = this.heap;
    heap.set(x.length === rows ? x : x.subarray(0, rows), this.xIn / 4);
    this.fns.spmv1(this.xIn, this.yOut, rowPtr, entries, codebook, rows, shift, mask, cols, bias, clamp === null ? 0 : 1, clamp ?? Infinity);
    const y = (this.outputs[index] ??= outputBuffer())(cols);
    y.set(heap.subarray(this.yOut / 4, this.yOut / 4 + cols));
    return y;
  }
}
