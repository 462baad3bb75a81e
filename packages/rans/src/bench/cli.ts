/**
 * `node packages/rans/dist/bench/cli.js [--json]` (after `pnpm build`): prints the benchmark as a
 * table, or with `--json` as one JSON object. `pnpm bench --only rans` also times Huffman beside it.
 */
import { formatRansBench, runRansBench } from './run-bench.js';

const result = await runRansBench();
console.log(process.argv.includes('--json') ? JSON.stringify(result) : formatRansBench(result));
