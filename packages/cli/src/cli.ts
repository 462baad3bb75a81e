#!/usr/bin/env node
/** The `dc` executable. */
import { CommanderError } from 'commander';
import { createProgram } from './program.js';

const program = createProgram(
  { stdout: (t) => process.stdout.write(`${t}\n`), stderr: (t) => process.stderr.write(`${t}\n`) },
  (code) => {
    process.exitCode = code;
  },
);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Commander reports usage errors and --help itself; its exit code is ours.
  process.exitCode = e instanceof CommanderError ? e.exitCode : 1;
  if (!(e instanceof CommanderError)) process.stderr.write(`dc: ${String(e)}\n`);
}
