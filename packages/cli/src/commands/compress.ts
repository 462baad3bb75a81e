/**
 * `dc compress model.json --data … --out model.dcm`: a tfjs model.json compressed by prune →
 * (fold BatchNorm) → cluster → Huffman, written atomically, then measured by running the written
 * file on the test data: size, ratio and error come from the file.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { Allocation } from '@dc/allocate';
import { checkGraph, createPipeline, DcError, float32Bytes, type PipelineReport, type Preprocessing } from '@dc/core';
import { writeFileAtomic } from '@dc/core/node';
import { formatDeclaredShape, loadModel, selectTrainingBackend, trainingRecordOf, validationCount, type CompileConfig, type LossName } from '@dc/core/tfjs';
import { allocateSettings, allocationGoal, type AllocationFlags } from '../compress/allocation-goal.js';
import { baselineOf } from '../compress/baseline.js';
import { readCompressData, type CompressDataOptions } from '../compress/data.js';
import { rawInputOf } from '../compress/input-rescaling.js';
import { augmentationOf, resolveSettings, type CompressSettings, type RecordedPreprocessing, type SettingsFlags } from '../compress/settings.js';
import { compressionStages } from '../compress/stages.js';
import { inputShapeOption, type InputShapeFlags } from '../compress/input-shape.js';
import { compiledLossMeter } from '../compress/compiled-loss.js';
import { classLabelCompile, createCompressTrainer, isBinaryMargin, targetCompile, tensorsOf } from '../compress/trainer.js';
import { lineProgress, stageLines, type Progress } from '../compress/progress.js';
import { DEFAULT_SENSITIVITY_SAMPLES, sensitivityEvaluator } from '../compress/sensitivity-samples.js';
import { DEFAULT_RECOVERY_SAMPLES, recoveryProbes } from '../compress/recovery-probe.js';
import { runFile, runFileOn, type RunResult } from './run.js';
import { isRunFigure } from './target-metrics.js';

/** Options of {@link compressFile}: the data, the settings flags, and where things go. */
export interface CompressOptions extends CompressDataOptions, SettingsFlags, AllocationFlags, InputShapeFlags {
  /** The `.dcm` file to write (atomically: a temporary name, then renamed). */
  readonly out: string;
  /** Whether the model outputs logits (for a linear head); default: from the compiled loss or the head. */
  readonly fromLogits?: boolean;
  /** Backend that runs the written file for the measurement; default `cpu`. */
  readonly backend?: 'cpu' | 'tfjs' | 'webgpu';
}

/** What `dc compress --json` prints: every figure measured in this run. */
export interface CompressResult {
  readonly input: string;
  readonly model: string;
  readonly file: string;
  /** Float32 bytes of every parameter of the loaded model (BatchNorm statistics included). */
  readonly originalBytes: number;
  readonly parameters: number;
  /** The input shape model.json declares, when it left dimensions unknown (null) and the run fixed them (`--input-shape`, or the rows of `--data`); null otherwise. */
  readonly declaredInputShape: readonly (number | null)[] | null;
  /** Bytes of the file written. */
  readonly fileBytes: number;
  readonly compressionRatio: number;
  /** The loaded model's error (percent) on the same test samples, before compression (null: no data, or a model trained on targets by a regression loss). */
  readonly baselineTestError: number | null;
  /** The written file's error (percent), run by @dc/sparse-runtime (null: no data, or a model trained on targets by a regression loss). */
  readonly testError: number | null;
  /** With targets: the model's loss (a regression loss, or a multi-label classifier's `binaryCrossentropy`), else null. */
  readonly loss: LossName | null;
  /** With targets: the loaded model's mean loss on the test samples, before compression (tfjs). */
  readonly baselineTestLoss: number | null;
  /** With targets: the written file's mean loss on them, run by @dc/sparse-runtime. */
  readonly testLoss: number | null;
  /** The run of the written file (samples, backend, accuracy, predicted classes). */
  readonly fileRun: RunResult | null;
  /** Where the error was measured: the test data, or the held-out validation rows. */
  readonly measuredOn: 'test' | 'validation' | null;
  readonly preprocessing: (RecordedPreprocessing & { readonly recorded: Preprocessing }) | null;
  /** The settings the run used (with a goal flag: the allocation's per-layer sparsity and bits). */
  readonly settings: CompressSettings;
  /** With `--target-ratio`, `--target-bytes` or `--max-error-increase`: the allocation and why (else null). */
  readonly allocation: Allocation | null;
  /** With a goal: the validation samples each sensitivity pass evaluated (else null). */
  readonly sensitivitySamples: number | null;
  /** With a goal and recovery rounds: the training rows each recovery probe retrained on (else null). */
  readonly recoverySamples: number | null;
  readonly trainingBackend: string | null;
  readonly trainSamples: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** 1-minute load average at the start and the end, and the machine's cores. */
  readonly load: { readonly start: number; readonly end: number; readonly cores: number };
  /** Every stage's report (options, metrics, seconds, validation accuracy). */
  readonly pipeline: PipelineReport;
}

/** Compresses the model.json at `path`; progress goes to `progress` (default: stderr). */
export async function compressFile(path: string, o: CompressOptions, progress: Progress = lineProgress((t) => process.stderr.write(`${t}\n`))): Promise<CompressResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const load0 = loadavg()[0];
  const asked = resolveSettings(o);
  const goal = allocationGoal(o);
  const selected = await selectTrainingBackend({ replaceSlowWasmKernels: true, replaceSlowGradients: true });
  const { tf } = selected;
  const augmented = [...(asked.augmentTranslate ? [`shifted by up to ${asked.augmentTranslate} px`] : []), ...(asked.augmentFlip ? ['mirrored left to right at random'] : [])];
  // Everything that can be wrong with the input fails here, before any long work.
  const { model, compile, declaredInputShape } = await loadModel(path, { tf, inputShape: inputShapeOption(o, o.data, '--data') });
  // Without retraining nothing trains: the backend only loads the model (and measures it, with data).
  progress.log(asked.retrain ? `training backend: ${selected.backend}, threads: ${asked.trainingThreads}${augmented.length > 0 ? `, training images ${augmented.join(' and ')}` : ''}` : `tfjs backend: ${selected.backend} (no retraining)`);
  const outputShape = checkGraph(model, 'INVALID_MODEL').outputShape;
  const classes = outputShape.at(-1) ?? 1;
  // Float targets (--targets) train the model by its loss and judge it by that loss; class labels by its error.
  const onTargets = o.targets !== undefined || o.testTargets !== undefined || o.targetColumns !== undefined;
  let fitCompiled: CompileConfig | undefined;
  // Without retraining a loss only measures: one the trainer lacks is then measured by the default (the report names it).
  const { unsupportedLoss: _unsupported, ...measurable } = compile ?? {};
  const given = asked.retrain ? compile : compile && measurable;
  const fitCompile = (): CompileConfig => (fitCompiled ??= onTargets ? targetCompile(given, o.fromLogits) : classLabelCompile(given, o.fromLogits, classes));
  // A loss that does not fit the labels or targets given fails before the data is read.
  if (o.data && asked.retrain) fitCompile();
  const data = await readCompressData(o, model.inputShape, outputShape, asked.retrain, rawInputOf(model));
  const recorded = data.preprocessing?.preprocessing;
  const fixed = declaredInputShape ? ` (model.json: ${formatDeclaredShape(declaredInputShape)}, fixed by ${o.inputShape ? '--input-shape' : 'the rows of --data'})` : '';
  progress.log(`${path}: model "${model.name}", ${model.layers.length} nodes, input [${model.inputShape.join(', ')}]${fixed}, ${onTargets ? `output [${outputShape.join(', ')}] against targets` : `${classes} classes${outputShape.length > 1 ? ` at each of [${outputShape.slice(0, -1).join(', ')}] positions` : ''}`}${data.train ? `; ${data.train.count} training samples` : ''}`);

  const train = data.train ? tensorsOf(tf, data.train, model.inputShape, fitCompile()) : undefined;
  try {
    // The compiled loss as training needs it (refused when it does not fit labels or targets), whenever the run trains.
    const fitted = train ? fitCompile() : undefined;
    const trainer = train && fitted
      ? createCompressTrainer({ tf, train, validationSplit: asked.validationSplit, compile: fitted, batchSize: asked.batchSize, seed: asked.seed, threads: asked.trainingThreads, augment: augmentationOf(asked), progress })
      : undefined;
    const loss = onTargets ? (fitCompile().loss as CompressResult['loss']) : null;
    // A multi-label classifier (targets by binaryCrossentropy) has an error too: the share of its labels wrong.
    const baseline = data.testSamples ? await baselineOf(tf, model, fitCompile(), data.testSamples) : undefined;
    const baselineTestError = baseline && (!onTargets || loss === 'binaryCrossentropy') ? baseline.error : null;
    const baselineTestLoss = baseline && onTargets ? baseline.loss : null;
    if (baselineTestError !== null) progress.log(`baseline: test error ${baselineTestError.toFixed(2)}% on ${data.testSamples!.count} samples`);
    if (baselineTestLoss !== null) progress.log(`baseline: test ${loss} ${baselineTestLoss.toPrecision(4)} on ${data.testSamples!.count} samples`);
    // The file records what the run trains by (else what model.json says, kept by loadModel), so dc run can measure by it.
    const trained = fitted && trainingRecordOf(fitted);
    const input = { ...model, ...(recorded ? { preprocessing: recorded } : {}), ...(trained ? { training: trained } : {}) };
    // A goal needs training data (its validation split): readCompressData required --data since the run retrains.
    let planned: Awaited<ReturnType<typeof allocateSettings>> | undefined;
    let sensitivitySamples: number | null = null;
    let recoverySamples: number | null = null;
    if (goal && train && fitted) {
      const held = sensitivityEvaluator(tf, train, { validationSplit: asked.validationSplit, samples: o.sensitivitySamples ?? DEFAULT_SENSITIVITY_SAMPLES, compile: fitted, metric: goal.metric });
      sensitivitySamples = held.samples;
      // Without --recovery-rounds, planAllocation's default for the goal (3 for a budget, 2 for a size).
      const probes = o.recoveryRounds === 0 ? undefined : recoveryProbes(tf, train, asked, { ...(o.recoveryRounds === undefined ? {} : { rounds: o.recoveryRounds }), samples: o.recoverySamples ?? DEFAULT_RECOVERY_SAMPLES, compile: fitted });
      recoverySamples = probes?.samples ?? null;
      try {
        planned = await allocateSettings(input, asked, goal, { held, progress, ...(o.bitLevels ? { bitLevels: o.bitLevels } : {}), ...(probes ? { recovery: probes.options } : {}) });
      } catch (e) {
        throw onTargets ? withMarginHint(e, fitted.loss) : e;
      } finally {
        held.dispose();
        probes?.dispose();
      }
    }
    const settings = planned?.settings ?? asked;
    const result = await createPipeline()
      .useAll(compressionStages(settings))
      .run(input, {
        ...(trainer ? { trainer } : {}),
        seed: settings.seed,
        observers: [onTargets ? stageLines(progress.log, 'validation', 'loss') : progress.observer],
      });
    const bytes = result.artifacts['encode/file']!.bytes;
    const file = resolve(o.out);
    await writeFileAtomic(file, bytes);
    progress.log(`wrote ${file} (${bytes.length.toLocaleString('en')} bytes); running it with @dc/sparse-runtime`);
    const goalBytes = planned?.allocation.goal;
    if (goalBytes?.kind === 'targetBytes') {
      const off = (bytes.length / goalBytes.value - 1) * 100;
      progress.log(`size target ${goalBytes.value.toLocaleString('en')} B: the file is ${Math.abs(off).toFixed(1)}% ${off > 0 ? 'larger' : 'smaller'} (the plan was sized one-shot; retraining moved the weights it coded)`);
    }

    // A multi-label classifier trained from logits is measured from them.
    // A loss the run's own figures lack (huber, poisson, ...) is measured on the file's outputs by the trainer's formula.
    const compiledLoss = loss !== null && !isRunFigure(loss) ? compiledLossMeter(tf, model, fitCompile()) : undefined;
    const runOptions = { backend: o.backend ?? 'cpu', ...(onTargets && fitCompile().fromLogits ? { fromLogits: true } : {}), ...(compiledLoss ? { compiledLoss } : {}) } as const;
    let fileRun: RunResult | null = null;
    let measuredOn: CompressResult['measuredOn'] = null;
    if (data.test) {
      fileRun = await runFile(file, { ...runOptions, ...data.test });
      measuredOn = 'test';
    } else if (data.train) {
      const keep = data.train.count - validationCount(data.train.count, settings.validationSplit);
      const size = data.train.inputs.length / data.train.count;
      const tail = <T extends Int32Array | Float32Array>(a: T): T => a.subarray((keep * a.length) / data.train!.count) as T;
      const { labels, targets, positions, targetShape } = data.train;
      const rows = { inputs: data.train.inputs.subarray(keep * size), ...(labels ? { labels: tail(labels) } : {}), ...(positions ? { positions } : {}), ...(targets ? { targets: tail(targets), targetShape } : {}), count: data.train.count - keep };
      fileRun = await runFileOn(file, runOptions, async () => rows);
      measuredOn = 'validation';
    }
    const originalBytes = float32Bytes(model);
    const cpu = process.cpuUsage(cpu0);
    const out: CompressResult = {
      input: path,
      model: model.name,
      file,
      originalBytes,
      parameters: originalBytes / 4,
      declaredInputShape: declaredInputShape ?? null,
      fileBytes: bytes.length,
      compressionRatio: originalBytes / bytes.length,
      baselineTestError,
      testError: (loss === 'binaryCrossentropy' ? fileRun?.targets?.binaryError : fileRun?.testError) ?? null,
      loss,
      baselineTestLoss,
      // The run's figures are named as the losses are.
      testLoss: loss === null ? null : ((isRunFigure(loss) ? fileRun?.targets?.[loss] : fileRun?.targets?.compiledLoss) ?? null),
      fileRun,
      measuredOn,
      preprocessing: data.preprocessing && recorded ? { ...data.preprocessing, recorded } : null,
      settings,
      allocation: planned?.allocation ?? null,
      sensitivitySamples,
      recoverySamples,
      trainingBackend: trainer ? selected.backend : null,
      trainSamples: data.train?.count ?? 0,
      wallSeconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      load: { start: load0, end: loadavg()[0], cores: cpus().length },
      pipeline: result.report,
    };
    return out;
  } finally {
    if (train) tf.dispose([train.xs, train.ys]);
  }
}

/** The human-readable summary of {@link compressFile}. */
export function formatCompress(r: CompressResult): string {
  const on = r.fileRun ? ` on ${r.fileRun.samples.toLocaleString('en')} ${r.measuredOn} samples, run from the file by @dc/sparse-runtime (${r.fileRun.backend})` : '';
  const measured = r.loss !== null
    ? `test ${r.loss} ${r.testLoss === null ? 'not measured (no data)' : `${r.testLoss.toPrecision(4)}${on}`}${r.baselineTestLoss === null ? '' : `; baseline ${r.baselineTestLoss.toPrecision(4)}`}${r.testError === null ? '' : `; labels wrong ${r.testError.toFixed(2)}%${r.baselineTestError === null ? '' : ` (baseline ${r.baselineTestError.toFixed(2)}%)`}`}`
    : `test error ${r.testError === null ? 'not measured (no data)' : `${r.testError.toFixed(2)}%${on}`}${r.baselineTestError === null ? '' : `; baseline ${r.baselineTestError.toFixed(2)}%`}`;
  return [
    `${r.file}: ${r.fileBytes.toLocaleString('en')} bytes, ${r.compressionRatio.toFixed(1)}× smaller than the float32 parameters of ${r.input} (${r.originalBytes.toLocaleString('en')} B)`,
    measured,
    ...(r.allocation ? [`allocation (${goalWords(r.allocation)}, chosen on the validation split): ${r.allocation.layers.map((l) => `${l.layer} ${(100 * l.sparsity).toFixed(1)}% pruned, ${l.bits} bits`).join('; ')}`] : []),
    ...advice(r),
    `${r.wallSeconds.toFixed(0)} s wall, ${r.cpuSeconds.toFixed(0)} s CPU (load ${r.load.start.toFixed(1)} → ${r.load.end.toFixed(1)} on ${r.load.cores} cores)`,
  ].join('\n');
}

/** How far the file may fall behind the original before the summary suggests what to do instead: 1 pp of error, or a fifth more loss. */
const ADVICE_THRESHOLDS = { errorIncrease: 1, lossRatio: 1.2 } as const;

/**
 * A line of advice when the file, made with hand-set (or preset) sparsity and bits, fell well behind
 * the original on the test data: an automatic allocation within a budget, or longer retraining;
 * without retraining (where those flags are refused), a post-training plan on calibration inputs,
 * gentler flags, or retraining.
 */
function advice(r: CompressResult): string[] {
  if (r.allocation) return [];
  const error = r.testError !== null && r.baselineTestError !== null && r.testError - r.baselineTestError > ADVICE_THRESHOLDS.errorIncrease;
  const loss = r.testLoss !== null && r.baselineTestLoss !== null && r.testLoss > r.baselineTestLoss * ADVICE_THRESHOLDS.lossRatio;
  if (!error && !loss) return [];
  const budget = r.loss !== null ? '--max-loss-increase 10 (percent of the loss)' : '--max-error-increase 0.5 (percentage points)';
  const how = error ? `test error ${(r.testError! - r.baselineTestError!).toFixed(2)} pp above the original's` : `test ${r.loss} ${((r.testLoss! / r.baselineTestLoss! - 1) * 100).toFixed(0)}% above the original's`;
  if (!r.settings.retrain) return [`advice: the file's ${how}: let dc choose each tensor's sparsity and bits within a fidelity budget on inputs like your data (--calibration <inputs>, --max-output-drift), prune less or code in more bits (--sparsity, --bits), or retrain (drop --no-retrain)`];
  return [`advice: the file's ${how}: let dc choose each layer's sparsity and bits within a budget (${budget}, or --target-ratio for a size), or retrain longer (--prune-epochs, --cluster-epochs, --preset paper)`];
}

/**
 * The planner's refusal of a validation loss of 0 (its costs are shares of that loss), told for a
 * margin classifier on `--targets`: every margin past 1 gives a hinge loss of 0, and its labels
 * measure it by its error instead.
 */
function withMarginHint(e: unknown, loss: LossName | undefined): unknown {
  if (!(e instanceof DcError) || e.option !== 'metric' || !(isBinaryMargin(loss) || loss === 'categoricalHinge')) return e;
  const labels = loss === 'categoricalHinge' ? 'class indices' : 'labels −1/1 (or 0/1)';
  return new DcError(e.code, e.message, { cause: e, option: e.option, hint: `A classifier trained by ${loss} has a loss of 0 once every margin is past 1: give its ${labels} with --labels (and --test-labels), where a goal is measured by the validation error.` });
}

/** An allocation's goal in words. */
function goalWords(a: Allocation): string {
  if (a.goal.kind === 'maxErrorIncrease') return a.metric === 'loss' ? `predicted validation loss +${(100 * a.goal.value).toFixed(2)}% at most` : `predicted validation error +${(100 * a.goal.value).toFixed(2)} pp at most`;
  return a.goal.ratio ? `${a.goal.ratio}× target` : `${a.goal.value.toLocaleString('en')} B target`;
}
