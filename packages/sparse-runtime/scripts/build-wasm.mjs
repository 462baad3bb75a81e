// Regenerates src/cpu/wasm/<name>-wasm.generated.ts from each src/cpu/wasm/<name>.wat.
import { writeFile } from 'node:fs/promises';
import { compileWat, toTs, tsPath, WAT_MODULES } from './wat-to-ts.mjs';

for (const name of WAT_MODULES) {
  const bytes = await compileWat(name);
  await writeFile(tsPath(name), toTs(bytes, name));
  process.stdout.write(`${name}.wat → ${bytes.length} bytes of wasm\n`);
}
