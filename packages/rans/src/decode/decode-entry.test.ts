import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('@dc/rans/decode entry', () => {
  it('imports nothing but @dc/core and its own folder (usable without the encoder)', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const specifiers = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => [...readFileSync(dir + f, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)].map((m) => m[1]));
    expect(specifiers.length).toBeGreaterThan(3);
    expect(specifiers.filter((s) => s !== '@dc/core' && !/^\.\/[\w-]+\.js$/.test(s))).toEqual([]);
  });
});
