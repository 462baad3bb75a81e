import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileWat, toTs, TS_PATH } from '../../../scripts/wat-to-ts.mjs';

describe('spmm.wat', () => {
  it('compiles with wabt to exactly the bytes embedded in spmm-wasm.generated.ts (run pnpm build:wasm after editing it)', async () => {
    const bytes = await compileWat();
    expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(await readFile(TS_PATH, 'utf8')).toBe(toTs(bytes));
  });
});
