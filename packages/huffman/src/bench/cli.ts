/**
 * `node packages/huffman/dist/bench/cli.js [--json]` (after `pnpm build`): prints the benchmark
 * as a table, or with `--json` as one JSON object.
 */
import { formatHuffmanBench, runHuffmanBench } from './run-bench.js';

const result = await runHuffmanBench();
console.log(process.argv.includes('--json') ? JSON.stringify(result) : formatHuffmanBench(result));
