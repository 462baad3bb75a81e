/**
 * `@dc/cli`: the `dc` command (`npx dc --help`) and its commands as functions, for scripts that
 * want the same results without a shell.
 */
export { createProgram, type CliIo } from './program.js';
export { inspectFile, formatInspect, type InspectResult, type InspectedNode } from './commands/inspect.js';
export { runFile, formatRun, type RunOptions, type RunResult } from './commands/run.js';
export { readLabelledData, type DataSource, type LabelledData } from './data/labelled-data.js';
export { readNpy, type NumericArray } from './data/npy.js';
