import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The module specifiers that the non-test TypeScript files of a folder import or re-export from
 * (`import … from '…'`, `export … from '…'`): to check that an entry point such as a decoder
 * (`@dc/huffman/decode`) depends on nothing but what it should.
 */
export function moduleImports(folder: URL): string[] {
  const dir = fileURLToPath(folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .flatMap((f) => [...readFileSync(`${dir}/${f}`, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)].map((m) => m[1]));
}
