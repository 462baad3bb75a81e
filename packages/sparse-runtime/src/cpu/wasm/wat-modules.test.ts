import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { WASM_MODULES } from '../../../scripts/wat-to-ts.mjs';

describe('the WAT modules', () => {
  for (const name of WASM_MODULES.names) {
    it(`${name}.wat compiles with wabt to exactly the bytes embedded in ${name}-wasm.generated.ts (run pnpm build:wasm after editing it)`, async () => {
      const bytes = await WASM_MODULES.compileWat(name);
      expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
      expect(await readFile(WASM_MODULES.tsPath(name), 'utf8')).toBe(WASM_MODULES.toTs(bytes, name));
    });
  }
});
