// The test every package with hand-written WASM runs: each WAT source compiles with wabt to
// exactly the bytes embedded in its generated TypeScript module.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const { WebAssembly } = globalThis;

export function describeWatModules(modules) {
  describe('the WAT modules', () => {
    for (const name of modules.names) {
      it(`${name}.wat compiles with wabt to exactly the bytes embedded in ${name}-wasm.generated.ts (run pnpm build:wasm after editing it)`, async () => {
        const bytes = await modules.compileWat(name);
        expect(WebAssembly.validate(bytes)).toBe(true);
        expect(await readFile(modules.tsPath(name), 'utf8')).toBe(modules.toTs(bytes, name));
      });
    }
  });
}
