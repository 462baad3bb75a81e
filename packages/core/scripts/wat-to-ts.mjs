// This package's hand-written WASM modules (src/tfjs/wasm-kernels/*.wat); see scripts/wat-modules.mjs at the root.
import { URL } from 'node:url';
import { watModules } from '../../../scripts/wat-modules.mjs';

export const WASM_MODULES = watModules(new URL('../', import.meta.url), 'src/tfjs/wasm-kernels', ['train-kernels']);
