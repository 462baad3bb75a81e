import type { WatModules } from './wat-modules.mjs';
export function describeWatModules(modules: WatModules): void;
