export interface WatModules {
  readonly names: readonly string[];
  watPath(name: string): URL;
  tsPath(name: string): URL;
  compileWat(name: string): Promise<Uint8Array>;
  toTs(bytes: Uint8Array, name: string): string;
  buildAll(log?: (line: string) => void): Promise<void>;
}
export function watModules(packageDir: URL, dir: string, names: readonly string[]): WatModules;
