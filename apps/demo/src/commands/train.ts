import { DcError, type EpochResult } from '@dc/core';
import { baselinePath, loadBaseline, saveBaseline, trainBaseline } from '../baseline.js';
import { loadData, type DataOptions } from '../data.js';
import { buildModel, type ModelName } from '../models.js';
import type { DemoSettings } from '../presets.js';
import { createProgress } from '../progress.js';
import { setupTrainer, type TrainingThreadsOption } from '../trainer-setup.js';

/** Options of the `train` command. */
export interface TrainCommandOptions extends DataOptions, TrainingThreadsOption {
  model: ModelName;
  settings: DemoSettings;
  seed: number;
  /** Where to write the checkpoint; default the shipped baseline's path. */
  out?: string;
  /** Continue from this checkpoint instead of a fresh initialisation (its provenance is kept). */
  resumeFrom?: string;
}

/**
 * Trains a baseline from scratch and writes it as the checkpoint the demo starts from. The shipped
 * checkpoints were made by exactly this command with the `quick` preset's baseline settings.
 */
export async function trainCommand(o: TrainCommandOptions): Promise<{ path: string; testError: number; bytes: number; seconds: number }> {
  const progress = createProgress();
  const t0 = performance.now();
  const data = await loadData(o);
  const { tf, backend, trainer } = await setupTrainer(data, { seed: o.seed, batchSize: o.settings.baseline.batchSize, progress, threads: o.threads, ...(o.settings.augment ? { augment: o.settings.augment } : {}) });
  const resumed = o.resumeFrom ? await loadBaseline(o.resumeFrom) : undefined;
  if (o.resumeFrom && !resumed) throw new DcError('INVALID_OPTION', `option "--resume-from": no checkpoint at ${o.resumeFrom}`, { option: 'resumeFrom' });
  const initial = resumed?.model ?? buildModel(o.model, tf, o.seed);
  const { epochs, learningRate, batchSize, polishEpochs } = o.settings.baseline;
  // Without a terminal the trainer's progress already writes a line per epoch.
  const epochLine = progress.interactive ? (e: EpochResult) => progress.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)`) : undefined;
  const model = await trainBaseline(trainer, initial, o.settings.baseline, epochLine);
  progress.stop();
  const { accuracy } = await trainer.evaluate(model);
  const path = o.out ?? baselinePath(o.model);
  const bytes = await saveBaseline(path, model, {
    epochs,
    learningRate,
    batchSize,
    polishEpochs,
    seed: o.seed,
    backend,
    ...(o.settings.augment?.translate ? { augment: o.settings.augment } : {}),
    testError: 1 - accuracy,
    ...(resumed?.provenance ? { resumedFrom: resumed.provenance } : {}),
  });
  return { path, testError: 1 - accuracy, bytes, seconds: (performance.now() - t0) / 1000 };
}
