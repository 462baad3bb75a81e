/** `@dc/rans/bench`: the codec benchmark, for `pnpm bench` and the CLI. */
export { runRansBench, formatRansBench, benchStreams, type RansBenchResult, type RansBenchOptions, type RansStreamBench, type ReferenceCoder } from './run-bench.js';
