import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { float32Bytes, type Evaluation, type Model, type TrainingService } from '@dc/core';
import { writeFileAtomic } from '@dc/core/node';
import { baselinePath, loadBaseline, trainBaseline } from '../baseline.js';
import { loadData, PIXEL_PREPROCESSING, type DataOptions } from '../data.js';
import { buildModel, type ModelName } from '../models.js';
import type { DemoSettings, PresetName } from '../presets.js';
import { createProgress } from '../progress.js';
import type { DemoResult } from '../result.js';
import { chartData } from '../report/chart-data.js';
import { renderHtml } from '../report/html.js';
import { layerRows, renderLayerTable } from '../report/table.js';
import { benchFile } from '../steps/bench.js';
import { allocateSettings } from '../steps/allocate.js';
import { compress } from '../steps/compress.js';
import { evaluateFile } from '../steps/evaluate-file.js';
import { setupTrainer, type TrainingThreadsOption } from '../trainer-setup.js';

/** Options of the `run` command. */
export interface RunCommandOptions extends DataOptions, TrainingThreadsOption {
  model: ModelName;
  preset: PresetName;
  settings: DemoSettings;
  seed: number;
  /** Folder for the `.dcm` file and the reports. */
  outDir: string;
  /** Train the baseline in this run instead of loading the shipped checkpoint. */
  fromScratch?: boolean;
  /** Skip the runtime benchmark. */
  bench: boolean;
}

/** The whole demo: baseline → prune → cluster → Huffman → file → runtime accuracy → benchmark → reports. */
export async function runCommand(o: RunCommandOptions): Promise<{ result: DemoResult; table: string }> {
  const t0 = performance.now();
  const goal = o.settings.allocate;
  const progress = createProgress(goal ? 'validation' : 'test');
  const data = await loadData(o);
  const augment = o.settings.augment;
  const { tf, backend, trainer, evaluateTest } = await setupTrainer(data, { seed: o.seed, batchSize: o.settings.baseline.batchSize, progress, threads: o.threads, ...(goal ? { validation: goal.validation } : {}), ...(augment ? { augment } : {}) });
  if (augment?.translate) progress.log(`augmentation: training images shifted by up to ${augment.translate} px per axis (validation and test images never)`);

  const { model: baseline, source } = await obtainBaseline(o, trainer, tf, progress);
  const baselineEval = await evaluateTest(baseline);
  const baselineValidation = goal ? await trainer.evaluate(baseline) : undefined;
  progress.log(`baseline (${source}): test error ${((1 - baselineEval.accuracy) * 100).toFixed(2)}% on ${baselineEval.examples} images${baselineValidation ? `, validation error ${((1 - baselineValidation.accuracy) * 100).toFixed(2)}% on ${baselineValidation.examples}` : ''}`);

  const planned = goal ? await allocateSettings({ ...baseline, preprocessing: baseline.preprocessing ?? PIXEL_PREPROCESSING }, o.settings, goal, trainer, progress) : undefined;
  const settings = planned?.settings ?? o.settings;
  const compressed = await compress(baseline, settings, trainer, o.seed, progress);
  const validation = baselineValidation ? await validationErrors(trainer, baselineValidation, compressed.model) : undefined;
  await mkdir(o.outDir, { recursive: true });
  const file = resolve(o.outDir, `${o.model}.dcm`);
  await writeFileAtomic(file, compressed.file.bytes);

  progress.log(`running ${file} with @dc/sparse-runtime (cpu) on ${data.test.count} test images`);
  const evaluation = await evaluateFile(file, data.test);
  const bench = o.bench ? await benchFile(file, data.test) : undefined;

  const originalBytes = float32Bytes(baseline);
  const fileBytes = compressed.file.bytes.length;
  const layers = layerRows(compressed.report);
  const reports = { json: join(resolve(o.outDir), 'report.json'), html: join(resolve(o.outDir), 'report.html') };
  const result: DemoResult = {
    model: o.model,
    preset: o.preset,
    originalBytes,
    fileBytes,
    compressionRatio: originalBytes / fileBytes,
    baselineTestError: 1 - baselineEval.accuracy,
    testError: evaluation.errors / evaluation.examples,
    testExamples: evaluation.examples,
    file,
    wallSeconds: (performance.now() - t0) / 1000,
    seed: o.seed,
    trainingBackend: backend,
    baselineSource: source,
    baseline: {
      source,
      ...(source === 'trained' ? { trainedOn: data.train.count - (goal?.validation ?? 0), ...o.settings.baseline } : { checkpoint: baselinePath(o.model) }),
      ...(augment?.translate ? { augment } : {}),
      testError: 1 - baselineEval.accuracy,
      ...(baselineValidation ? { validationError: 1 - baselineValidation.accuracy } : {}),
    },
    layers: layers as never,
    ...(planned ? { allocation: { ...planned.allocation, finalSparsity: settings.sparsity, finalBits: settings.bits } as never, validation } : {}),
    settings: settings as never,
    pipeline: compressed.report,
    ...(bench ? { bench: { ...bench, runtimeLoadMs: evaluation.loadMs } as never } : {}),
    reports,
  };
  const table = renderLayerTable(o.model, layers, result);
  await writeFile(reports.json, JSON.stringify(result, null, 2));
  const charts = chartData(result, evaluation.accuracy, baselineEval.accuracy, [
    { phase: 'baseline', model: baseline },
    ...[...compressed.snapshots].filter(([stage]) => stage === 'dc:prune' || stage === 'dc:cluster').map(([stage, model]) => ({ phase: stage === 'dc:prune' ? 'pruned' : 'clustered', model })),
  ], bench);
  await writeFile(reports.html, await renderHtml(`Deep Compression of ${o.model} (${o.preset})`, summaryRows(result), table, charts));
  return { result, table };
}

/** Errors of the baseline (measured before) and of the compressed model on the validation split (the trainer's evaluation set). */
async function validationErrors(trainer: TrainingService, before: Evaluation, compressed: Model): Promise<NonNullable<DemoResult['validation']>> {
  const after = await trainer.evaluate(compressed);
  return { examples: before.examples, baselineError: 1 - before.accuracy, compressedError: 1 - after.accuracy };
}

async function obtainBaseline(o: RunCommandOptions, trainer: Awaited<ReturnType<typeof setupTrainer>>['trainer'], tf: Awaited<ReturnType<typeof setupTrainer>>['tf'], progress: ReturnType<typeof createProgress>): Promise<{ model: Model; source: 'checkpoint' | 'trained' }> {
  if (!o.fromScratch && !o.settings.baseline.fromScratch) {
    const checkpoint = await loadBaseline(baselinePath(o.model));
    if (checkpoint) return { model: checkpoint.model, source: 'checkpoint' };
    progress.log(`no shipped baseline for ${o.model}: training one (${o.settings.baseline.epochs} epochs)`);
  }
  const { epochs, polishEpochs } = o.settings.baseline;
  progress.log(`training the baseline: ${epochs} + ${polishEpochs} polish epochs${o.settings.allocate ? ' (without the validation split)' : ''}`);
  return { model: await trainBaseline(trainer, buildModel(o.model, tf, o.seed), o.settings.baseline), source: 'trained' };
}

function baselineLine(b: DemoResult['baseline']): string {
  if (b.source === 'checkpoint') return `shipped checkpoint ${b.checkpoint ?? ''}`;
  const shifts = b.augment ? `, images shifted ±${b.augment.translate} px` : '';
  return `trained in this run: ${b.epochs} + ${b.polishEpochs} epochs on ${b.trainedOn?.toLocaleString('en')} images${shifts}`;
}

function summaryRows(r: DemoResult): [string, string][] {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  return [
    ['model / preset', `${r.model} / ${r.preset}`],
    ['original (float32, all parameters)', `${r.originalBytes.toLocaleString('en')} bytes`],
    ['written file', `${r.fileBytes.toLocaleString('en')} bytes (${r.file})`],
    ['compression ratio', `${r.compressionRatio.toFixed(1)}×`],
    ['baseline', baselineLine(r.baseline)],
    ['baseline test error', pct(r.baselineTestError)],
    ...(r.validation ? ([['validation error (baseline → file)', `${pct(r.validation.baselineError)} → ${pct(r.validation.compressedError)} on ${r.validation.examples} held-out training images`]] as [string, string][]) : []),
    ['test error of the file (sparse runtime)', `${pct(r.testError)} on ${r.testExamples} images`],
    ['training backend', r.trainingBackend],
    ['wall time', `${r.wallSeconds.toFixed(0)} s`],
  ];
}
