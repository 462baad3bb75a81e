import type { WatModules } from '../../../scripts/wat-modules.mjs';
export const WASM_MODULES: WatModules;
