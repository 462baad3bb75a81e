/**
 * The `dc` command line, as a commander program that writes through injected streams, so tests run
 * it in process. `dc inspect`, `dc run`, `dc compress`; `--json` prints one JSON object on stdout;
 * progress goes to stderr; a failure exits 1 with its `DcError` code.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatInspect, inspectFile } from './commands/inspect.js';
import { formatRun, runFile } from './commands/run.js';
import { formatCliError, toCliError } from './errors.js';

/** Where the program writes, and how it ends. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function positiveInt(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${v}"`);
    return n;
  };
}

function finite(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number, got "${v}"`);
    return n;
  };
}

/** Runs `action`, printing its result as text or JSON; returns the exit code. */
async function report<T>(io: CliIo, json: boolean | undefined, action: () => Promise<T>, text: (r: T) => string): Promise<number> {
  try {
    const result = await action();
    io.stdout(json ? JSON.stringify(result) : text(result));
    return 0;
  } catch (e) {
    const err = toCliError(e);
    io.stderr(formatCliError(err));
    if (json) io.stdout(JSON.stringify(err));
    return 1;
  }
}

/** Builds the program; `exit` receives each command's exit code. */
export function createProgram(io: CliIo, exit: (code: number) => void): Command {
  const program = new Command()
    .name('dc')
    .description('Deep Compression for TensorFlow.js: prune, cluster and Huffman-code a model into a .dcm file, and run that file')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout(s.trimEnd()), writeErr: (s) => io.stderr(s.trimEnd()) })
    .exitOverride();

  program
    .command('inspect')
    .description('what a .dcm file holds: each node (kind, shape, parameters, kept, bits, bytes) and where every byte goes')
    .argument('<file>', 'a .dcm file')
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, o: { json?: boolean }) => exit(await report(io, o.json, () => inspectFile(file), formatInspect)));

  program
    .command('run')
    .description('run a .dcm file on data with the sparse runtime and report its accuracy')
    .argument('<file>', 'a .dcm file')
    .requiredOption('--data <path>', 'a folder of IDX files (MNIST layout, .gz accepted) or a .npy array of inputs [N, ...input shape]')
    .option('--labels <file>', 'a .npy array of integer class labels [N] (with .npy inputs)')
    .addOption(new Option('--split <split>', 'split of an IDX folder').choices(['test', 'train']).default('test'))
    .option('--limit <n>', 'only the first N samples', positiveInt('--limit'))
    .addOption(new Option('--backend <name>', 'runtime backend').choices(['cpu', 'tfjs', 'webgpu']).default('cpu'))
    .option('--threads <n>', 'worker threads of the cpu backend', positiveInt('--threads'))
    .option('--input-scale <x>', "multiply raw inputs by x (overrides the file's preprocessing record)", finite('--input-scale'))
    .option('--input-offset <x>', "then add x (overrides the file's preprocessing record)", finite('--input-offset'))
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, o: Parameters<typeof runFile>[1] & { json?: boolean }) => exit(await report(io, o.json, () => runFile(file, o), formatRun)));

  return program;
}
