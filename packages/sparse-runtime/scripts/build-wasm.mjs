// Regenerates src/cpu/wasm/spmm-wasm.generated.ts from src/cpu/wasm/spmm.wat.
import { writeFile } from 'node:fs/promises';
import { compileWat, toTs, TS_PATH } from './wat-to-ts.mjs';

const bytes = await compileWat();
await writeFile(TS_PATH, toTs(bytes));
process.stdout.write(`spmm.wat → ${bytes.length} bytes of wasm\n`);
