/**
 * The `dc` command line, as a commander program that writes through injected streams, so tests run
 * it in process. `dc inspect`, `dc run`, `dc compress`; `--json` prints one JSON object on stdout;
 * progress goes to stderr; a failure exits 1 with its `DcError` code.
 */
import { createRequire } from 'node:module';
import { OUTPUT_KINDS } from '@dc/allocate';
import { DcError } from '@dc/core';
import { addRetrainingOptions } from './retraining-options.js';
import { Command, CommanderError, Option } from 'commander';
import { formatCompress, type compressFile, type CompressResult } from './commands/compress.js';
import { compressCalibrated, formatCalibrated } from './commands/compress-calibrated.js';
import { compressGraphFile, formatCompressGraph, isGraphModelFile, type CompressGraphResult } from './commands/compress-graph.js';
import { compressLayersFile } from './commands/compress-as-given.js';
import { filesRead, refuseUnwritableOut } from './compress/output-path.js';
import { exportFile, formatExport } from './commands/export.js';
import { formatInspectAny, inspectAnyFile, isGraphModelDcm, readHead } from './commands/inspect-graph.js';
import { formatRunAny, runAnyFile } from './commands/run-graph.js';
import { formatReferenceRun, runAgainstReference } from './commands/run-reference.js';
import { refuseInapplicableRunFlags } from './commands/run-inapplicable-flags.js';
import { formatCliError, toCliError, usageError } from './errors.js';
import { bitLevels, classNames, finiteNumbers, inputShape, nonNegativeInt, openFraction, outputKinds, perLayer, positiveInt, positiveNumber, threadCount } from './flags.js';
import { allocationGoal } from './compress/allocation-goal.js';
import { compressMode, refuseInapplicableFlags } from './compress/inapplicable-flags.js';
import { NO_RETRAIN_DEFAULTS, resolveSettings } from './compress/settings.js';
import { refuseGraphInputShape } from './compress/input-shape.js';
import { lineProgress } from './compress/progress.js';
import { printableIo } from './printable.js';
import { quietTfjs } from './quiet-tfjs.js';

/** The sparsity and bits of a retraining run without flags (both presets share them), for the help. */
const RETRAINED = resolveSettings({});

/** Where the program writes, and how it ends. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
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

/** `INVALID_OPTION` when `--seeded-connectivity` comes with what never retrains a LayersModel on the masks. */
function refuseSeeded(o: { seededConnectivity?: number }, what: string): void {
  if (o.seededConnectivity === undefined) return;
  throw new DcError('INVALID_OPTION', `--seeded-connectivity retrains a LayersModel on masks drawn from the seed; it does not apply to ${what}`, {
    option: 'seededConnectivity',
    hint: 'Drop --seeded-connectivity, or compress a LayersModel with training data (--data).',
  });
}

/** Whether the user gave the option `key` on the command line (not a default), for the refusals of flags a run has no use for. */
const givenOnCommandLine = (command: Command) => (key: string): boolean => command.getOptionValueSource(key) === 'cli';

/** @dc/cli's version, from its package.json (one folder above both src/ and dist/). */
const CLI_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Help of the CSV column flags, shared by `dc compress` and `dc run`. */
const COLUMN_HELP = {
  label: 'with a CSV --data (and --test-data) table: the column (its header name, or an index from 0) holding the integer class labels; the other columns are the inputs',
  targets: 'with a CSV --data (and --test-data) table: the columns (comma-separated names or indices) holding the float targets, in place of --label-column; the other columns are the inputs',
  classes: 'with --label-column: the class names its cells hold (setosa,versicolor,virginica), comma-separated, in the order the model was trained on (output i is the i-th name)',
} as const;

/** A comma-separated list of column names. */
const columnList = (v: string): string[] => v.split(',').map((c) => c.trim()).filter((c) => c !== '');

/** Builds the program; `exit` receives each command's exit code. Every line it writes is made printable (`printableIo`): names from files cannot act on the terminal. */
export function createProgram(rawIo: CliIo, exit: (code: number) => void): Command {
  const io = printableIo(rawIo);
  const program = new Command()
    .name('dc')
    .description('Deep Compression for TensorFlow.js: prune, cluster and Huffman-code a model into a .dcm file, and run that file')
    .version(CLI_VERSION, '-V, --version', "print dc's version (@dc/cli's)")
    // Usage errors are reported by runCli, as every other refusal is (usageError).
    .configureOutput({ writeOut: (s) => io.stdout(s.trimEnd()), writeErr: (s) => io.stderr(s.trimEnd()), outputError: () => undefined })
    // dc compress always loads tfjs: it keeps tfjs's console advice to itself from the start. `dc run`
    // and `dc export` load it only where they need it (quiet-tfjs.ts), and `dc inspect` never.
    .hook('preAction', async (_program, command) => (command.name() === 'compress' ? void (await quietTfjs()) : undefined))
    .exitOverride();

  program
    .command('inspect')
    .description('what a .dcm file holds: each node (kind, shape, parameters, kept, bits, bytes), or each weight of a GraphModel file, and where every byte goes')
    .argument('<file>', 'a .dcm file')
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, o: { json?: boolean }) => exit(await report(io, o.json, () => inspectAnyFile(file), formatInspectAny)));

  program
    .command('export')
    .description("write a .dcm file's model as a tfjs model.json and weights.bin (dense float32 weights: pruned ones exact zeros, clustered ones their centroids), a LayersModel or a GraphModel as it came, for tf.loadLayersModel / tf.loadGraphModel, further training or tensorflowjs_converter")
    .argument('<file>', 'a .dcm file')
    .requiredOption('-o, --out <path>', 'a folder (model.json and weights.bin are written in it; created if missing) or a .json path')
    .option('--force', 'replace a model.json or weight file already there (default: refuse)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, o: { out: string; force?: boolean; json?: boolean }) => exit(await report(io, o.json, () => exportFile(file, o.out, { force: o.force }), formatExport)));

  program
    .command('run')
    .description('run a .dcm file on data with the sparse runtime and report its accuracy; a GraphModel file runs through tfjs and reports each output; with --reference, its fidelity to the original model')
    .argument('<file>', 'a .dcm file')
    .option('--data <path>', 'a folder of IDX files (MNIST layout, .gz accepted), a folder of photographs in class folders (<class>/<image>, or train/<class>/ and test/<class>/; classes in sorted name order), photographs without them (a folder, or one photograph: classified, or measured with --labels in file name order), a .npy array of inputs [N, ...input shape] or a CSV table (one row per sample; a header row of column names optional); required except for GraphModel files (without it: one synthetic sample)')
    .option('--labels <file>', 'a .npy array of integer class labels [N] (with .npy inputs); [N, ...positions] for a model whose output is [...positions, classes] (a tagger, a segmenter)')
    .option('--targets <file>', 'in place of --labels, for a model that is not a classifier: a .npy array of float targets [N, ...output shape] (an autoencoder\'s: its inputs); reports the mean squared and absolute error, and for a sigmoid head with 0/1 targets (multi-label) the binary cross-entropy and binary error')
    .option('--label-column <name>', COLUMN_HELP.label)
    .option('--target-columns <list>', COLUMN_HELP.targets, columnList)
    .option('--classes <names>', COLUMN_HELP.classes, classNames)
    .option('--from-logits', "with --targets: the model's linear head gives logits (a multi-label classifier trained from logits): binary cross-entropy and binary error from them")
    .addOption(new Option('--split <split>', 'split of an IDX folder').choices(['test', 'train']).default('test'))
    .option('--limit <n>', 'only the first N samples (with --reference too; photographs in class-folder, then name order)', positiveInt('--limit'))
    .option('--input-shape <dims>', 'for a GraphModel file (or --reference) whose input leaves dimensions free: their size, without the batch axis, e.g. 320,320,3 (photographs are resized to it; default 256 × 256); a layer-graph file runs at its own shape', inputShape)
    .addOption(new Option('--backend <name>', 'runtime backend (GraphModel files: tfjs cpu, wasm for "tfjs", or webgpu); webgpu in Node needs the webgpu package (Dawn)').choices(['cpu', 'tfjs', 'webgpu']).default('cpu'))
    .option('--threads <n>', 'worker threads of the cpu backend', positiveInt('--threads'))
    .option('--input-scale <x>', "multiply raw inputs by x (overrides the file's preprocessing record); for photographs, a GraphModel file and --reference: x = byte × scale + offset, as given to dc compress (default: the file's record, else 1/255)", finiteNumbers('--input-scale'))
    .option('--input-offset <x>', "then add x (overrides the file's preprocessing record; default 0)", finiteNumbers('--input-offset'))
    .option('--reference <model.json>', 'compare the file with the model it was compressed from, output by output (LayersModel or GraphModel; --data: a folder of photographs, one photograph or a .npy of inputs; for a model of several inputs one per input, comma-separated, in input order)')
    .option('--max-output-drift <d>', 'with --reference: the fidelity budget the report judges against (default 0.02)', openFraction('--max-output-drift'))
    .option('--output-kinds <list>', `with --reference: the kind of each output (${OUTPUT_KINDS.join(', ')}; default: detected)`, outputKinds)
    .option('--judge-unstable', "with --reference and photographs: judge also the keypoints, samples, scores and mask pixels the original itself changes beyond the budget when the photographs are jittered by one grey level (default: those are not judged, and counted)")
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, o: Parameters<typeof runAnyFile>[1] & Partial<Parameters<typeof runAgainstReference>[1]> & { json?: boolean }, command: Command) => {
      const given = givenOnCommandLine(command);
      if (o.reference !== undefined) {
        const options = { ...o, reference: o.reference };
        return exit(await report(io, o.json, async () => (refuseInapplicableRunFlags('reference', given), runAgainstReference(file, options)), formatReferenceRun));
      }
      const run = async () => {
        refuseInapplicableRunFlags(isGraphModelDcm(await readHead(file)) ? 'graph' : 'layer-graph', given);
        return runAnyFile(file, o);
      };
      return exit(await report(io, o.json, run, formatRunAny));
    });

  const compress = program
    .command('compress')
    .description('compress a tfjs model.json: prune (+ retrain), fold BatchNorm, cluster (+ fine-tune), Huffman-code; write the .dcm file and measure it by running it')
    .argument('<model.json>', 'a tfjs LayersModel, or a GraphModel with --no-retrain (model.json with its weight files beside it)')
    .requiredOption('-o, --out <file>', 'the .dcm file to write')
    .option('--data <path>', 'training data: an IDX folder (train split; its test split measures the file), photographs in class folders (train/<class>/ and test/<class>/, or <class>/ alone: then the held-out validation rows measure the file unless --test-data), a .npy array of inputs [N, ...input shape] or a CSV table (one row per sample; a header row of column names optional; --label-column or --target-columns name the columns that are not inputs)')
    .option('--labels <file>', 'a .npy array of integer class labels [N] (with .npy inputs); [N, ...positions] for a model whose output is [...positions, classes] (a tagger, a segmenter)')
    .option('--test-data <file>', 'a .npy array of test inputs (default: the IDX folder\'s test split; without either, the held-out validation samples); with --calibration, the same forms as it, one per model input')
    .option('--test-labels <file>', 'a .npy array of test labels')
    .option('--targets <file>', 'in place of --labels, for a model that is not a single-label classifier (compiled with a regression loss — meanSquaredError, meanAbsoluteError, huber, logcosh, poisson, ... — or binaryCrossentropy for multi-label): a .npy array of float targets [N, ...output shape] (an autoencoder\'s: its inputs); the run retrains on them and reports the file\'s test loss')
    .option('--test-targets <file>', 'a .npy array of test targets (with --targets)')
    .option('--label-column <name>', COLUMN_HELP.label)
    .option('--target-columns <list>', COLUMN_HELP.targets, columnList)
    .option('--classes <names>', COLUMN_HELP.classes, classNames)
    .option('--input-shape <dims>', "for a LayersModel whose input leaves dimensions unknown (null in model.json: sequences of any length, a fully convolutional image model): the shape, without the batch axis, to compress and run it at, comma-separated (e.g. 100, or 224,224,3; default: the shape of the rows of a .npy or CSV --data or --calibration); for a GraphModel with --calibration, the size of its free dimensions its calibration and test inputs take (photographs are resized to it; default 256 × 256)", inputShape)
    .addOption(new Option('-p, --preset <name>', 'hyper-parameter preset').choices(['quick', 'paper']).default('quick'))
    .option('--no-retrain', 'post-training compression: prune and cluster the trained weights without any training (no data needed)')
    .option('--sparsity <list>', `fraction of weights pruned: one number for every dense/conv2d layer, or per layer, e.g. "*=0.7,stem=0.3" (default: the preset's, ${String(RETRAINED.sparsity)}; with --no-retrain, ${NO_RETRAIN_DEFAULTS.sparsity})`, perLayer('--sparsity', (n) => n >= 0 && n < 1, 'a fraction from 0 to below 1'))
    .option('--bits <list>', `codebook bits: one number for every dense/conv2d layer, or per layer, e.g. "*=5,logits=6" (depthwise layers are clustered when named: "*=5,block1_dw=6"; default: the preset's, ${String(RETRAINED.bits)}; with --no-retrain, ${NO_RETRAIN_DEFAULTS.bits})`, perLayer('--bits', (n) => Number.isInteger(n) && n >= 1 && n <= 8, 'a whole number from 1 to 8'))
    .option('--prune-rounds <n>', 'prune → retrain rounds (sparsity rises over them)', positiveInt('--prune-rounds'))
    .option('--seeded-connectivity <seed>', 'prune to masks drawn from this seed (kept share 1 - sparsity per layer) instead of by magnitude, and retrain on them: the file stores the seeds, not the positions', nonNegativeInt('--seeded-connectivity'))
    .option('--target-ratio <x>', "automatic allocation: each dense/conv2d layer's sparsity and bits chosen from its measured sensitivity on the validation split for a file x times smaller than the float32 parameters (e.g. 30), in place of --sparsity and --bits; with --no-retrain --calibration, a size target for the post-training plan (see --target-bytes)", positiveNumber('--target-ratio'))
    .option('--target-bytes <n>', 'automatic allocation for a file of n bytes (see --target-ratio); with --no-retrain --calibration, a size target for the post-training plan: the least predicted drift that fits, its fidelity reported', positiveInt('--target-bytes'))
    .option('--sensitivity-samples <n>', 'with a goal flag: the validation samples each sensitivity pass evaluates, the first n of the validation split (default 2000; the allocation evaluates the model once per layer and level, 17 times per layer by default)', positiveInt('--sensitivity-samples'))
    .option('--recovery-rounds <n>', "with a goal flag: rounds that run the plan's pruning and clustering briefly (one epoch each on --recovery-samples training rows), price each by what retraining left on the validation rows, and plan again; the plan whose probe left the least validation error (loss, with --targets) is kept (default 2, 3 with a budget; 0: the one-shot plan)", nonNegativeInt('--recovery-rounds'))
    .option('--recovery-samples <n>', 'with --recovery-rounds: the training rows each probe retrains on, the first n of the training part (default 20000)', positiveInt('--recovery-samples'))
    .option('--bit-levels <list>', 'with a goal flag: the bits per code a layer may get, comma-separated (default 2,3,4,5,6,8; e.g. 4,5,6 where retraining cannot recover coarse codes)', bitLevels)
    .option('--max-error-increase <pp>', 'automatic allocation for an accuracy budget: the smallest file whose predicted one-shot validation error increase stays within pp percentage points (e.g. 0.5; retraining recovers part of it); with --recovery-rounds, each round plans a smaller file on rescaled curves and the smallest whose probe left no more than pp, or than the one-shot plan\'s probe, is kept', positiveNumber('--max-error-increase'))
    .option('--max-loss-increase <percent>', "with --targets, automatic allocation for a loss budget: the smallest file whose predicted one-shot validation loss stays within percent % above the unchanged model's (e.g. 5); the size goals measure such a model by its validation loss too", positiveNumber('--max-loss-increase'));
  addRetrainingOptions(compress)
    .option('--no-fold-batch-norm', 'keep BatchNormalization nodes (default: folded into the preceding convolution before clustering)')
    .option('--batch-size <n>', 'batch size of every training run', positiveInt('--batch-size'))
    .option('--seed <n>', 'random seed (shuffling, k-means)', nonNegativeInt('--seed'))
    .option('--training-threads <n>', "training threads, data-parallel: each batch shared with worker threads ('auto': one per core for a convnet, 1 for a dense network; default 1, the same figures on every machine)", threadCount('--training-threads'))
    .option('--augment-translate <px>', 'retrain on training images shifted by a random offset in [-px, px] per axis (models with image inputs [h, w, c]; default 0: off)', nonNegativeInt('--augment-translate'))
    .option('--augment-flip', 'retrain on training images mirrored left to right at random (half of them each time they are drawn; photographs, not digits or text; models with image inputs [h, w] or [h, w, c])')
    .option('--validation-split <x>', 'fraction of the training data held out for the per-stage accuracy (default 0.1)', positiveNumber('--validation-split'))
    .option('--train-limit <n>', 'train on the first N samples only', positiveInt('--train-limit'))
    .option('--test-limit <n>', 'measure the file on the first N test samples only', positiveInt('--test-limit'))
    .option('--input-scale <x>', 'x = raw × scale + offset, recorded in the file (default: byte data × 1/255, float data as given; as given for a LayersModel whose first layer is a Rescaling); with --calibration, photographs are byte data (e.g. 0.00784 and -1 for a model trained on [-1, 1]); dc run applies the record', finiteNumbers('--input-scale'))
    .option('--input-offset <x>', 'see --input-scale', finiteNumbers('--input-offset'))
    .option('--from-logits', 'the model outputs logits (a linear last layer) and was saved without a compiled loss that says so')
    .addOption(new Option('--backend <name>', 'runtime backend that runs the written file').choices(['cpu', 'tfjs', 'webgpu']).default('cpu'))
    .option('--float32', 'store biases, codebooks and batch-norm values as float32 (default float16)')
    .option('--calibration <path>', 'with --no-retrain: choose per-tensor sparsity and bits within --max-output-drift, measured on these inputs (a folder of .png/.jpg photographs or one, class folders of them — train/<class>/ when split, as --data reads — or a .npy array [N, ...input shape]; keep them apart from your test inputs); a model of several inputs takes one source per input, comma-separated, in input order: images.npy,metadata.npy')
    .option('--calibration-limit <n>', 'with --calibration: plan on its first n samples only (photographs in class-folder, then name order; a .npy or CSV its first rows): every allocation the planner verifies runs them all', positiveInt('--calibration-limit'))
    .option('--max-output-drift <d>', 'fidelity budget of --calibration: relative output error ≤ d (per field of an output of repeated records), top-1 agreement ≥ 1 − d/2 (judged on fewer than 1/(1 − agreement) samples, class probabilities also move ≤ d), mask IoU and embedding cosine ≥ 1 − d, scores and shown keypoints move ≤ d (default 0.02)', openFraction('--max-output-drift'))
    .option('--no-bias-correction', "with --calibration: leave biases as they are (default: each compressed weight's bias takes back the mean shift of its layer's output on the calibration inputs)")
    .option('--keep-topology', "with --no-retrain, LayersModels: keep the model.json as given in the file (format version 8: tf.loadLayersModel(dcmLayersModelHandler(bytes)) of @dc/graph-model loads it, dc export writes it back), compressing its weights only, even where dc's layer graph holds the model; a model the layer graph cannot hold (several outputs, shared layers, a layer without a node kind) is kept so anyway")
    .option('--error-feedback', "with --calibration (GraphModels; LayersModels: their dense / conv2d kernels): round weights in turn, each rounding error fed back to the weights of its op not yet rounded, in the proportions the op's inputs on the calibration inputs move together (GPTQ; wants many calibration inputs: on the corpus benchmark's 8 photographs, a median 5.69× in place of 5.27×, but 10 of 41 models within budget on the test photographs where 17 are without it; default: each weight to its nearest shared value)")
    .option('--output-kinds <list>', `with --calibration: the kind of each output, comma-separated (${OUTPUT_KINDS.join(', ')}; default: detected)`, outputKinds)
    .option('--judge-unstable', "with --calibration and photographs: judge also the keypoints, samples, scores and mask pixels the original itself changes beyond the budget when the photographs are jittered by one grey level (default: those are not judged, and counted)")
    .option('--json', 'print one JSON object on stdout (progress stays on stderr)')
    .action(async (file: string, o: Parameters<typeof compressFile>[1] & Partial<Parameters<typeof compressCalibrated>[1]> & { json?: boolean }, command: Command) => {
      const progress = lineProgress(io.stderr);
      const given = givenOnCommandLine(command);
      if (o.calibration !== undefined) {
        const calibrated = { ...o, calibration: o.calibration };
        return exit(await report(io, o.json, async () => (refuseSeeded(o, '--calibration'), allocationGoal(calibrated), refuseInapplicableFlags('calibrated', given), refuseUnwritableOut(o.out, filesRead(file, o)), compressCalibrated(file, calibrated, progress)), formatCalibrated));
      }
      const run = async (): Promise<CompressResult | CompressGraphResult> => {
        const graph = await isGraphModelFile(file);
        if (graph) {
          refuseSeeded(o, 'a GraphModel');
          refuseGraphInputShape(o.inputShape);
          allocationGoal(o);
        }
        refuseInapplicableFlags(compressMode(o, graph), given);
        refuseUnwritableOut(o.out, filesRead(file, o));
        return graph ? compressGraphFile(file, o, progress) : compressLayersFile(file, o, progress, given);
      };
      return exit(await report(io, o.json, run, (r) => ('format' in r ? formatCompressGraph(r) : formatCompress(r))));
    });

  return program;
}

/**
 * Runs `dc` on `argv` (as `process.argv`: the executable and the script first) and returns its
 * exit code: the command's, or commander's for `--help`, `--version` (which it has written to `io`)
 * and usage errors (written as the command's refusals are: `INVALID_OPTION` on stderr, and as JSON
 * on stdout with `--json`). Anything else that escapes is written as `dc: <error>`, code 1. Every
 * line is made printable, as {@link createProgram}'s are.
 */
export async function runCli(rawIo: CliIo, argv: readonly string[]): Promise<number> {
  const io = printableIo(rawIo);
  let code = 0;
  const program = createProgram(rawIo, (c) => (code = c));
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) {
      const command = program.commands.find((c) => c.name() === argv[2])?.name();
      const err = usageError(e, command);
      if (err) {
        io.stderr(formatCliError(err));
        if (argv.includes('--json')) io.stdout(JSON.stringify(err));
      }
      return e.exitCode;
    }
    io.stderr(`dc: ${String(e)}`);
    return 1;
  }
  return code;
}
