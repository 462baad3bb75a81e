import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileWat, toTs, tsPath, WAT_MODULES } from '../../../scripts/wat-to-ts.mjs';

describe('the WAT modules', () => {
  for (const name of WAT_MODULES) {
    it(`${name}.wat compiles with wabt to exactly the bytes embedded in ${name}-wasm.generated.ts (run pnpm build:wasm after editing it)`, async () => {
      const bytes = await compileWat(name);
      expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
      expect(await readFile(tsPath(name), 'utf8')).toBe(toTs(bytes, name));
    });
  }
});
