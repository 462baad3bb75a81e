export const WAT_MODULES: readonly string[];
export function watPath(name: string): URL;
export function tsPath(name: string): URL;
export function compileWat(name: string): Promise<Uint8Array>;
export function toTs(bytes: Uint8Array, name: string): string;
