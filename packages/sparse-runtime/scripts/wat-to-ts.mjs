// This package's hand-written WASM modules (src/cpu/wasm/*.wat); see scripts/wat-modules.mjs at the root.
import { URL } from 'node:url';
import { watModules } from '../../../scripts/wat-modules.mjs';

export const WASM_MODULES = watModules(new URL('../', import.meta.url), 'src/cpu/wasm', ['spmm', 'sparse-conv', 'clamp', 'depthwise']);
