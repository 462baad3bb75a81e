/** `@dc/huffman/bench`: the codec and whole-file benchmark, for `pnpm bench` and the CLI. */
export { runHuffmanBench, formatHuffmanBench, type HuffmanBenchResult, type BenchResult, type HuffmanBenchOptions } from './run-bench.js';
export { syntheticLenet300, gaussianCodes } from './synthetic.js';
