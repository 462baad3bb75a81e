/**
 * The compiled hand-written WASM modules (`spmm.wat`, `sparse-conv.wat`, `depthwise.wat`, `clamp.wat`), compiled once per
 * process; null where WebAssembly SIMD is unavailable (the TypeScript kernels run instead).
 */
import { CLAMP_WASM_BASE64 } from './clamp-wasm.generated.js';
import { DEPTHWISE_WASM_BASE64 } from './depthwise-wasm.generated.js';
import { SPARSE_CONV_WASM_BASE64 } from './sparse-conv-wasm.generated.js';
import { SPMM_WASM_BASE64 } from './spmm-wasm.generated.js';

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function compiler(b64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled !== undefined) return compiled;
    try {
      const bytes = decodeBase64(b64);
      compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
    return compiled;
  };
}

/** The dense-layer and pooling kernels (spmm.wat), or null without WebAssembly SIMD. */
export const spmmModule = compiler(SPMM_WASM_BASE64);

/** The direct sparse convolution (sparse-conv.wat), or null without WebAssembly SIMD. */
export const sparseConvModule = compiler(SPARSE_CONV_WASM_BASE64);

/** The depthwise convolution on NHWC (depthwise.wat), or null without WebAssembly SIMD. */
export const depthwiseModule = compiler(DEPTHWISE_WASM_BASE64);

/** relu / relu6 in place (clamp.wat), or null without WebAssembly SIMD. */
export const clampModule = compiler(CLAMP_WASM_BASE64);
