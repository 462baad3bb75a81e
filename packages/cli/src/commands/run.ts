/** `dc run <file> --data …`: the accuracy of a `.dcm` file on your data, computed by running the file. */
import { DcError, toDenseModel, type Preprocessing, type TrainingRecord } from '@dc/core';
import { createSession, loadCompressedModel, type LoadedModel, type RuntimeBackend } from '@dc/sparse-runtime';
import { readLabelledData, type DataSource, type LabelledData } from '../data/labelled-data.js';
import { checkPixelScale } from '../no-retrain/image-inputs.js';
import { pixelScaleOf, type ScaleFlag } from '../no-retrain/pixel-scale.js';
import { headOutputs, isRunFigure, targetMetrics, type LossMeter, type TargetFigures } from './target-metrics.js';
import { count } from '../format/count.js';
import { quietTfjs } from '../quiet-tfjs.js';

/** Options of {@link runFile}. */
export interface RunOptions extends DataSource {
  /** `cpu` (default), `tfjs` or `webgpu`. */
  readonly backend?: 'cpu' | 'tfjs' | 'webgpu';
  /** Worker threads of the cpu backend (default: the backend's own default). */
  readonly threads?: number;
  /** Overrides the preprocessing the file records (`x = raw · scale + offset`). */
  readonly inputScale?: ScaleFlag;
  readonly inputOffset?: ScaleFlag;
  /** Samples per `predict` call; default 1,000. */
  readonly batchSize?: number;
  /** With targets: a linear head's values are logits (binary figures from them; `--from-logits`). */
  readonly fromLogits?: boolean;
  /**
   * With targets: the model's compiled loss, measured on the file's outputs too. Default: the loss
   * the file records (`training`), unless the run's own figures hold it (squared, absolute error,
   * binary cross-entropy).
   */
  readonly compiledLoss?: LossMeter;
}

/** What `dc run --json` prints. */
export interface RunResult {
  readonly file: string;
  readonly backend: string;
  readonly samples: number;
  /**
   * Fraction of labels matched by the argmax of the output they label (null without labels): one
   * per sample for a classifier, one per position for an output `[...positions, classes]` (a
   * tagger's tokens, a segmenter's pixels).
   */
  readonly accuracy: number | null;
  /** Wrong predictions / labels, in percent (null without labels). */
  readonly testError: number | null;
  /**
   * With `--targets` (a model that is not a single-label classifier): the mean squared and absolute
   * error of every output value against its target, and for a sigmoid head with targets in [0, 1]
   * (a multi-label classifier) the binary cross-entropy and binary error (`target-metrics.ts`);
   * else null.
   */
  readonly targets: TargetFigures | null;
  /** How often each class was predicted (over every position; empty with targets). */
  readonly predicted: readonly number[];
  /** How raw inputs became model inputs: the flags', the file's record, else photographs at byte / 255; null: as given. */
  readonly preprocessing: Preprocessing | null;
  /** The loss the file records the model was trained with, or null. */
  readonly training: TrainingRecord | null;
  readonly milliseconds: number;
}

/** `INVALID_OPTION` for threads asked of another backend than cpu, which has no worker threads to set. */
function refuseThreadsElsewhere(o: Pick<RunOptions, 'backend' | 'threads'>): void {
  if (o.threads !== undefined && (o.backend ?? 'cpu') !== 'cpu') {
    throw new DcError('INVALID_OPTION', `--threads sets the worker threads of the cpu backend, and --backend is ${String(o.backend)}`, { option: 'threads', hint: 'Drop --threads, or run with --backend cpu.' });
  }
}

async function makeBackend(o: Pick<RunOptions, 'backend' | 'threads'>): Promise<RuntimeBackend> {
  switch (o.backend ?? 'cpu') {
    case 'cpu': {
      const { createCpuBackend } = await import('@dc/sparse-runtime/cpu');
      return createCpuBackend(o.threads === undefined ? {} : { threads: o.threads });
    }
    case 'tfjs': {
      // Quieted first: createTfjsBackend imports tfjs (or tfjs-node, whose core is the same engine).
      const [{ createTfjsBackend }] = await Promise.all([import('@dc/sparse-runtime/tfjs'), quietTfjs()]);
      return createTfjsBackend();
    }
    case 'webgpu': {
      const [{ createWebGpuBackend }, { webGpu, rethrowInCliTerms }] = await Promise.all([import('@dc/sparse-runtime/webgpu'), import('./webgpu-in-node.js')]);
      return createWebGpuBackend({ gpu: await webGpu() }).catch(rethrowInCliTerms);
    }
    default:
      throw new DcError('INVALID_OPTION', `--backend must be cpu, tfjs or webgpu, got ${String(o.backend)}`, { option: 'backend' });
  }
}

/** A meter of the loss `model`'s file records, when the run's own figures lack it (huber, poisson, hinge, ...). */
async function recordedLossMeter(model: LoadedModel): Promise<LossMeter | undefined> {
  const training = model.compressed.training;
  if (!training || isRunFigure(training.loss)) return undefined;
  const [{ compiledLossMeter }, { activateTfBackend }, tfjs] = await Promise.all([import('../compress/compiled-loss.js'), import('@dc/core/tfjs'), quietTfjs()]);
  await activateTfBackend(tfjs, 'cpu');
  return compiledLossMeter(tfjs, toDenseModel(model.compressed), { ...training, metrics: [] });
}

/** Runs the file at `path` on the data of `options`. */
export async function runFile(path: string, options: RunOptions): Promise<RunResult> {
  return runFileOn(path, options, (model, preprocessing) => readLabelledData(options, model.inputShape, model.outputShape, preprocessing));
}

/**
 * Runs the file at `path` on the samples `read` gives for it (called with the loaded model and the
 * preprocessing to apply: the flags' or the file's own record).
 */
export async function runFileOn(
  path: string,
  options: Omit<RunOptions, keyof DataSource>,
  read: (model: LoadedModel, preprocessing: Preprocessing | undefined) => Promise<LabelledData>,
): Promise<RunResult> {
  refuseThreadsElsewhere(options);
  const model = await loadCompressedModel(path);
  const recorded = model.compressed.preprocessing;
  const flags = pixelScaleOf(options, { scale: 1, offset: 0 });
  checkPixelScale({ name: model.compressed.inputName ?? 'input', shape: [-1, ...model.inputShape], dtype: 'float32' }, flags);
  const preprocessing: Preprocessing | undefined = flags ?? recorded;
  const units = model.outputShape.at(-1) ?? 1;
  // One prediction per position of every output axis but the last; one unit is a binary classifier.
  const positions = model.outputSize / units;
  const classes = units === 1 ? 2 : units;
  const head = headOutputs(model);
  const threshold = head === 'logits' ? 0 : 0.5;
  const data = await read(model, preprocessing);
  const backend = await makeBackend(options);
  const session = await createSession(model, { backend });
  const t0 = performance.now();
  const targets = data.targets;
  const predicted = new Array<number>(targets ? 0 : classes).fill(0);
  let correct = 0;
  const recordedLoss = targets && !options.compiledLoss ? await recordedLossMeter(model) : undefined;
  const fromLogits = options.fromLogits ?? model.compressed.training?.fromLogits;
  const measured = targets ? targetMetrics(head, fromLogits, options.compiledLoss ?? recordedLoss) : undefined;
  try {
    const step = options.batchSize ?? 1000;
    for (let start = 0; start < data.count; start += step) {
      const n = Math.min(step, data.count - start);
      const out = await session.predict(data.inputs.subarray(start * model.inputSize, (start + n) * model.inputSize), n);
      if (measured) {
        measured.add(out.subarray(0, n * model.outputSize), targets!, start * model.outputSize);
        continue;
      }
      for (let p = 0; p < n * positions; p++) {
        let best = 0;
        if (units === 1) best = out[p] > threshold ? 1 : 0;
        else for (let c = 1; c < classes; c++) if (out[p * classes + c] > out[p * classes + best]) best = c;
        predicted[best]++;
        if (data.labels && data.labels[start * positions + p] === best) correct++;
      }
    }
  } finally {
    session.dispose();
    backend.dispose?.();
  }
  const labelled = data.count * positions;
  const accuracy = data.labels ? correct / labelled : null;
  return {
    file: path,
    backend: backend.name,
    samples: data.count,
    accuracy,
    testError: accuracy === null ? null : Math.round((1 - accuracy) * labelled) / labelled * 100,
    targets: measured?.figures() ?? null,
    predicted,
    preprocessing: data.preprocessing ?? null,
    training: model.compressed.training ?? null,
    milliseconds: performance.now() - t0,
  };
}

/** The human-readable line of {@link runFile}. */
export function formatRun(r: RunResult): string {
  const pre = r.preprocessing ? `inputs = raw × ${r.preprocessing.scale.join('/')} + ${r.preprocessing.offset.join('/')}` : 'inputs as given (no preprocessing)';
  const head = `${r.file} on ${count(r.samples, 'sample', r.samples.toLocaleString('en'))} (${r.backend}, ${pre}, ${Math.round(r.milliseconds)} ms)`;
  if (r.targets !== null) {
    const t = r.targets;
    const binary = t.binaryCrossentropy === null ? '' : `, binary cross-entropy ${t.binaryCrossentropy.toPrecision(4)}, binary error ${t.binaryError!.toFixed(2)}%`;
    const compiled = t.compiledLoss === null ? '' : `, ${r.training?.loss ?? 'compiled loss'} ${t.compiledLoss.toPrecision(4)}`;
    return `${head}: mean squared error ${t.meanSquaredError.toPrecision(4)}, mean absolute error ${t.meanAbsoluteError.toPrecision(4)}${binary}${compiled}`;
  }
  if (r.accuracy !== null) return `${head}: accuracy ${(100 * r.accuracy).toFixed(2)}%, error ${r.testError!.toFixed(2)}%`;
  // Without labels: how often each class was predicted (a tagger's or segmenter's every position).
  const predictions = r.predicted.reduce((a, b) => a + b, 0);
  const positions = predictions > r.samples ? ` (${predictions.toLocaleString('en')} positions)` : '';
  return `${head}: predictions per class 0 to ${r.predicted.length - 1}${positions}: ${r.predicted.join(' ')}`;
}
