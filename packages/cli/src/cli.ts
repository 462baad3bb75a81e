#!/usr/bin/env node
/** The `dc` executable. */
import { runCli } from './program.js';

process.exitCode = await runCli({ stdout: (t) => process.stdout.write(`${t}\n`), stderr: (t) => process.stderr.write(`${t}\n`) }, process.argv);
