/** relu and relu6 over a whole buffer, and two-input adds, in WASM SIMD (clamp.wat), one instance per thread. */
import { clampModule } from './wasm-modules.js';

interface ClampExports {
  readonly memory: WebAssembly.Memory;
  clamp(n: number, hi: number): void;
  add(y: number, n: number, relu: number, hi: number): void;
}

let instance: ClampExports | null | undefined;

function exportsOf(): ClampExports | null {
  if (instance !== undefined) return instance;
  const module = clampModule();
  instance = module ? (new WebAssembly.Instance(module).exports as unknown as ClampExports) : null;
  return instance;
}

/**
 * `data[i] = min(max(data[i], 0), hi)` in place through the module's memory (grown to fit);
 * false (nothing done) where WebAssembly SIMD is unavailable.
 */
export function clampInWasm(data: Float32Array, hi: number): boolean {
  const wasm = exportsOf();
  if (!wasm) return false;
  const bytes = data.length * 4;
  const missing = bytes - wasm.memory.buffer.byteLength;
  if (missing > 0) wasm.memory.grow(Math.ceil(missing / 65536));
  const heap = new Float32Array(wasm.memory.buffer, 0, data.length);
  heap.set(data);
  wasm.clamp(data.length, hi);
  data.set(heap);
  return true;
}

/**
 * `out[i] = a[i] + b[i]` for `i < n`, then `min(max(out[i], 0), hi)` unless `hi` is null, through
 * the module's memory (grown to fit; `out` may be `a` or `b`); false (nothing done) where
 * WebAssembly SIMD is unavailable.
 */
export function addInWasm(a: Float32Array, b: Float32Array, out: Float32Array, n: number, hi: number | null): boolean {
  const wasm = exportsOf();
  if (!wasm) return false;
  const y = (n * 4 + 15) & ~15;
  const missing = y + n * 4 - wasm.memory.buffer.byteLength;
  if (missing > 0) wasm.memory.grow(Math.ceil(missing / 65536));
  const heap = new Float32Array(wasm.memory.buffer);
  heap.set(a.subarray(0, n), 0);
  heap.set(b.subarray(0, n), y / 4);
  wasm.add(y, n, hi === null ? 0 : 1, hi ?? Infinity);
  out.set(heap.subarray(0, n));
  return true;
}
