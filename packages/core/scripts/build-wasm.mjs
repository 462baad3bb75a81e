// Regenerates src/tfjs/wasm-kernels/<name>-wasm.generated.ts from each <name>.wat there.
import { WASM_MODULES } from './wat-to-ts.mjs';

await WASM_MODULES.buildAll();
