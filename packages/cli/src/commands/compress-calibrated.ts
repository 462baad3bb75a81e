/**
 * `dc compress model.json --no-retrain --calibration <images dir | .npy> [--max-output-drift d]`:
 * post-training compression under a fidelity budget (or to a size: `--target-bytes`, `--target-ratio`).
 * The per-tensor sparsity and bits come from `@dc/allocate`'s `planPostTraining` on the calibration
 * inputs; the written file is then run on those inputs (and on `--test-data`, when given) and its
 * fidelity to the original reported.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { compareOutputs, outputMetricWords, type FidelityReport, type OutputKind, type PostTrainingPlan } from '@dc/allocate';
import { DcError } from '@dc/core';
import { writeFileAtomic } from '@dc/core/node';
import { selectTrainingBackend } from '@dc/core/tfjs';
import { lineProgress, type Progress } from '../compress/progress.js';
import { count } from '../format/count.js';
import { feedTensors, inputSources, readInputFeeds, type InputFeeds } from '../no-retrain/input-feeds.js';
import { calibrationWarnings, heldOnCalibrationOnly, nothingShown } from '../no-retrain/calibration-warnings.js';
import { formatPixelScale, pixelScaleOf, type ScaleFlag } from '../no-retrain/pixel-scale.js';
import { judgedReference } from '../no-retrain/judged-reference.js';
import { loadTarget, type Target } from '../no-retrain/targets.js';
import { inputShapeOption, withFreeDimensions, type InputShapeFlags } from '../compress/input-shape.js';
import { UNSCALED } from '../compress/input-rescaling.js';
import { columnChoice } from '../data/csv.js';

/** Options of {@link compressCalibrated}. */
export interface CalibratedOptions extends InputShapeFlags {
  readonly out: string;
  /** A folder of photographs, a `.npy` of inputs `[n, ...input shape]` or a CSV table, held out of the test inputs. */
  readonly calibration: string;
  /** Plan on the first this many calibration samples only (`--calibration-limit`; default all). */
  readonly calibrationLimit?: number;
  /** A CSV table's label column or target columns, left out of its inputs (`--label-column`, `--target-columns`). */
  readonly labelColumn?: string;
  readonly targetColumns?: readonly string[];
  /** With `labelColumn`: the class names its cells hold, in the model's order (`--classes`). */
  readonly classes?: readonly string[];
  /** Commander's `--no-retrain`: must be false. */
  readonly retrain?: boolean;
  /**
   * A LayersModel's model.json kept as given in the file (format version 8) even where dc's layer
   * graph holds it (`--keep-topology`); one the layer graph cannot hold is kept so anyway.
   */
  readonly keepTopology?: boolean;
  readonly maxOutputDrift?: number;
  /** Per output: classifier, regression, mask or embedding (default: detected). */
  readonly outputKinds?: readonly OutputKind[];
  /** Test inputs (same forms as `calibration`) on which the written file's fidelity is measured. */
  readonly testData?: string;
  readonly foldBatchNorm?: boolean;
  readonly float32?: boolean;
  readonly seed?: number;
  /** Correct each compressed weight's bias for the mean shift it causes (commander's `--no-bias-correction`; default true). */
  readonly biasCorrection?: boolean;
  /** Code weights with error feedback from their ops' input moments (`--error-feedback`; default false). */
  readonly errorFeedback?: boolean;
  /**
   * Judge every keypoint, sample, score and mask pixel, also those the original itself changes
   * beyond the budget when the photographs are jittered by one grey level (`--judge-unstable`;
   * default false: those are not judged, and counted).
   */
  readonly judgeUnstable?: boolean;
  /**
   * A size target in place of the budget's search (`--target-bytes`): the allocation of least
   * predicted drift whose file takes at most this many bytes, its fidelity reported against the
   * budget, within it or not.
   */
  readonly targetBytes?: number;
  /** The same as a ratio (`--target-ratio`): float32 bytes of every weight ÷ file bytes. */
  readonly targetRatio?: number;
  /**
   * Photographs (and a `.npy`'s raw values) as `x = byte × inputScale + inputOffset` for a model
   * trained on another range than [0, 1] (`--input-scale`, `--input-offset`; default byte / 255).
   */
  readonly inputScale?: ScaleFlag;
  readonly inputOffset?: ScaleFlag;
}

/** What `dc compress --calibration --json` prints. */
export interface CalibratedResult {
  readonly input: string;
  readonly format: Target['format'];
  /** Why a LayersModel's model.json is kept as given (dc's layer graph refused it, or `--keep-topology`); absent otherwise. */
  readonly keptBecause?: string;
  readonly file: string;
  readonly fileBytes: number;
  /** Float32 bytes of every weight of the loaded model (quantized manifest weights dequantized). */
  readonly originalBytes: number;
  readonly compressionRatio: number;
  /** The model's outputs' names, in the order of the fidelity's outputs, `plan.kinds` and `--output-kinds`. */
  readonly outputNames: readonly string[];
  readonly calibrationSamples: number;
  /** The written file's fidelity to the original on the calibration inputs, and on the test inputs (null: none given). */
  readonly calibrationFidelity: FidelityReport;
  readonly testFidelity: FidelityReport | null;
  readonly testSamples: number;
  /** What to know about the inputs before trusting the figures (too few calibration samples, test inputs that are the calibration's); empty when nothing. */
  readonly warnings: readonly string[];
  /**
   * The plan; its `fidelity` is what the planner verified (with the planner's reconstruction) before the file was written,
   * its `jitterFidelity` the original's own on the calibration photographs jittered by one grey level (null: not measured).
   */
  readonly plan: Pick<PostTrainingPlan, 'allocation' | 'kinds' | 'budget' | 'fidelity' | 'jitterFidelity' | 'evaluations' | 'predictedBytes' | 'reasons'>;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly load: { readonly start: number; readonly end: number; readonly cores: number };
}

/**
 * `INVALID_OPTION` (the target disposed) for `--float32` or `--no-fold-batch-norm`, which set how dc's
 * layer graph is written, when the target is not one: a GraphModel, or a LayersModel kept as
 * given, is written by `@dc/graph-model` (float16 or float32 as its plan chooses per weight, batch
 * norms as its graph has them).
 */
function refuseLayerGraphFlags(o: CalibratedOptions, target: Target): void {
  if (target.format === 'layers-model') return;
  const flag = o.float32 === true ? '--float32' : o.foldBatchNorm === false ? '--no-fold-batch-norm' : undefined;
  if (!flag) return;
  target.dispose();
  const what = target.format === 'graph-model' ? 'a GraphModel' : 'a LayersModel kept as given';
  throw new DcError('INVALID_OPTION', `${flag} sets how dc's layer graph is written, and this is ${what}, which @dc/graph-model writes (its plan chooses float16 or float32 per weight)`, { option: flag, hint: `Drop ${flag}.` });
}

/** Compresses the LayersModel or GraphModel at `path` within the fidelity budget (see the module comment). */
export async function compressCalibrated(path: string, o: CalibratedOptions, progress: Progress = lineProgress((t) => process.stderr.write(`${t}\n`))): Promise<CalibratedResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const load0 = loadavg()[0];
  if (o.retrain !== false) {
    throw new DcError('INVALID_OPTION', '--calibration plans a post-training compression, which does not retrain', { option: 'calibration', hint: 'Add --no-retrain (or drop --calibration to retrain on --data).' });
  }
  const { tf: tfjs } = await selectTrainingBackend({ replaceSlowWasmKernels: true });
  const target = await loadTarget(tfjs, path, inputShapeOption(o, o.calibration, '--calibration'), { keepTopology: o.keepTopology ?? false });
  refuseLayerGraphFlags(o, target);
  if (target.keptBecause) progress.log(`${path}: its model.json is kept as given (format version 8, tf.loadLayersModel), not converted to dc's layer graph: ${target.keptBecause}`);
  // Everything that can be wrong with the inputs fails here, before any long work.
  let calibration: InputFeeds | undefined;
  let test: typeof calibration;
  // Photographs come with jittered copies (what the original cannot reproduce is then not judged), unless --judge-unstable.
  const pixels = pixelScaleOf(o) ?? (target.rawInput ? UNSCALED : undefined);
  // A CSV table's label or target columns are not inputs.
  const columns = columnChoice(o);
  const reading = { ...(o.judgeUnstable ? {} : { jitterSeed: o.seed ?? 1 }), ...(pixels ? { pixels } : {}), columns };
  try {
    // A GraphModel's (or a LayersModel's kept as given) free height and width: --input-shape's.
    const inputs = target.format === 'layers-model' ? target.inputs : target.inputs.map((i) => withFreeDimensions(i, o.inputShape));
    // One source per model input, comma-separated.
    calibration = await readInputFeeds(tfjs, inputSources(o.calibration), inputs, { ...reading, split: 'train', ...(o.calibrationLimit === undefined ? {} : { limit: o.calibrationLimit }) });
    test = o.testData ? await readInputFeeds(tfjs, inputSources(o.testData), inputs, reading) : undefined;
    const warnings = calibrationWarnings(calibration, test);
    for (const w of warnings) progress.log(`warning: ${w}`);
    // Which output is which, where --output-kinds has several to list.
    if (target.outputNames.length > 1) progress.log(`outputs, in the order --output-kinds lists them: ${target.outputNames.map((n, i) => `${i} ${n}`).join(', ')}`);
    progress.log(`${path} (${target.format}): planning per-tensor sparsity and bits on ${count(calibration.samples, 'calibration sample')} (${calibration.source}${pixels ? `, x = ${formatPixelScale(pixels)}` : ''}), max output drift ${o.maxOutputDrift ?? 0.02}`);
    const targetBytes = o.targetBytes ?? (o.targetRatio === undefined ? undefined : Math.round(target.originalBytes / o.targetRatio));
    if (targetBytes !== undefined) progress.log(`size target ${targetBytes.toLocaleString('en')} B (${(target.originalBytes / targetBytes).toFixed(1)}× the float32 weights): the allocation of least predicted drift that fits, its fidelity reported against the budget`);
    const { plan, bytes } = await target.plan(calibration.batches, {
      ...(targetBytes === undefined ? {} : { targetBytes }),
      ...(o.maxOutputDrift === undefined ? {} : { maxOutputDrift: o.maxOutputDrift }),
      ...(o.outputKinds ? { outputKinds: o.outputKinds } : {}),
      foldBatchNorm: o.foldBatchNorm ?? true,
      float32: o.float32 ?? false,
      seed: o.seed ?? 1,
      biasCorrection: o.biasCorrection ?? true,
      errorFeedback: o.errorFeedback ?? false,
      ...(pixels ? { preprocessing: pixels } : {}),
      ...(calibration.jittered ? { jittered: calibration.jittered } : {}),
      onProgress: (e) => {
        if (e.current === e.total || e.current % 10 === 0) progress.log(`  ${e.label} (${e.current}/${e.total})`);
      },
    });
    for (const r of plan.reasons) progress.log(r);
    const file = resolve(o.out);
    await writeFileAtomic(file, bytes);
    progress.log(`wrote ${file} (${bytes.length.toLocaleString('en')} bytes); running it`);
    const fidelity = async (data: InputFeeds) => compareOutputs(await judgedReference(target, data, await target.outputs(data.batches), plan.kinds, plan.budget), await target.fileOutputs(file, data.batches), plan.kinds, plan.budget);
    const [calibrationFidelity, testFidelity] = [await fidelity(calibration), test ? await fidelity(test) : null];
    const unheld = heldOnCalibrationOnly(calibrationFidelity, testFidelity);
    if (unheld) warnings.push(unheld);
    warnings.push(...nothingShown(calibrationFidelity));
    const cpu = process.cpuUsage(cpu0);
    return {
      input: path,
      format: target.format,
      ...(target.keptBecause ? { keptBecause: target.keptBecause } : {}),
      file,
      fileBytes: bytes.length,
      originalBytes: target.originalBytes,
      compressionRatio: target.originalBytes / bytes.length,
      outputNames: target.outputNames,
      calibrationSamples: calibration.samples,
      calibrationFidelity,
      testFidelity,
      testSamples: test?.samples ?? 0,
      warnings,
      plan: { allocation: plan.allocation, kinds: plan.kinds, budget: plan.budget, fidelity: plan.fidelity, jitterFidelity: plan.jitterFidelity, evaluations: plan.evaluations, predictedBytes: plan.predictedBytes, reasons: plan.reasons },
      wallSeconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      load: { start: load0, end: loadavg()[0], cores: cpus().length },
    };
  } finally {
    tfjs.dispose([...feedTensors(calibration), ...feedTensors(test)]);
    target.dispose();
  }
}

/** One output's fidelity in words. */
export function describeFidelity(f: FidelityReport): string {
  const parts = f.outputs.map((o) => `output ${o.output} (${o.kind}): ${outputMetricWords(o)}${o.unjudged ? `, ${o.unjudged} unstable in the original not judged` : ''}`);
  return `${parts.join('; ')} — ${f.withinBudget ? 'within' : 'OVER'} budget`;
}

/** The human-readable summary of {@link compressCalibrated}. */
export function formatCalibrated(r: CalibratedResult): string {
  return [
    `${r.file}: ${r.fileBytes.toLocaleString('en')} bytes, ${r.compressionRatio.toFixed(1)}× smaller than the float32 parameters of ${r.input} (${r.originalBytes.toLocaleString('en')} B)`,
    `fidelity of the file on ${count(r.calibrationSamples, 'calibration sample')}: ${describeFidelity(r.calibrationFidelity)}`,
    r.testFidelity ? `fidelity on ${count(r.testSamples, 'test sample')}: ${describeFidelity(r.testFidelity)}` : 'no --test-data: fidelity measured on the calibration samples only',
    ...r.warnings.map((w) => `warning: ${w}`),
    `${r.plan.evaluations.total} model runs; ${r.wallSeconds.toFixed(0)} s wall, ${r.cpuSeconds.toFixed(0)} s CPU (load ${r.load.start.toFixed(1)} → ${r.load.end.toFixed(1)} on ${r.load.cores} cores)`,
  ].join('\n');
}
