import { describeWatModules } from '../../../../../scripts/describe-wat-modules.mjs';
import { WASM_MODULES } from '../../../scripts/wat-to-ts.mjs';

describeWatModules(WASM_MODULES);
