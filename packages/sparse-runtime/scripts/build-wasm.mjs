// Regenerates src/cpu/wasm/<name>-wasm.generated.ts from each src/cpu/wasm/<name>.wat.
import { WASM_MODULES } from './wat-to-ts.mjs';

await WASM_MODULES.buildAll();
