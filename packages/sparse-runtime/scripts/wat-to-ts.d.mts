export const WAT_PATH: URL;
export const TS_PATH: URL;
export function compileWat(): Promise<Uint8Array>;
export function toTs(bytes: Uint8Array): string;
