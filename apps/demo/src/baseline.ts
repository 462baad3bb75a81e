import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeContainer, encodeContainer, toDenseModel, type EpochResult, type Model, type TrainingService } from '@dc/core';
import { writeFileAtomic } from '@dc/core/node';
import type { ModelName } from './models.js';
import type { DemoSettings } from './presets.js';

/** Where the demo keeps its baseline checkpoints (shipped with the repo, made by `dc-demo train`). */
export const BASELINE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'baselines');

/** Path of a model's shipped baseline checkpoint. */
export function baselinePath(model: ModelName, dir = BASELINE_DIR): string {
  return join(dir, `${model}.dcm`);
}

/** What the `train` command records about how a baseline was made. */
export interface BaselineProvenance {
  epochs: number;
  learningRate: number;
  batchSize: number;
  polishEpochs: number;
  seed: number;
  backend: string;
  /** Training-image augmentation, when used. */
  augment?: { translate: number };
  testError: number;
  /** The checkpoint this one continued from (`train --resume-from`), with its own provenance. */
  resumedFrom?: BaselineProvenance;
}

/**
 * Saves a trained baseline as a `.dcm` container with every tensor dense float32 (bit-exact), so
 * a checkpoint is read by the same decoder as compressed files.
 */
export async function saveBaseline(path: string, model: Model, provenance: BaselineProvenance): Promise<number> {
  const { bytes } = encodeContainer({ model, stages: [{ name: 'dc-demo:train', options: { ...provenance } }] }, { layout: 'dense' });
  await writeFileAtomic(path, bytes);
  return bytes.length;
}

/** Loads a baseline checkpoint, or `undefined` when there is none at `path`. */
export async function loadBaseline(path: string): Promise<{ model: Model; provenance?: BaselineProvenance } | undefined> {
  if (!existsSync(path)) return undefined;
  const decoded = decodeContainer(new Uint8Array(await readFile(path)));
  const provenance = decoded.stages.find((s) => s.name === 'dc-demo:train')?.options as BaselineProvenance | undefined;
  return { model: toDenseModel(decoded), ...(provenance ? { provenance } : {}) };
}

/** Trains a baseline: `epochs` at `learningRate`, then `polishEpochs` at a tenth of it. */
export async function trainBaseline(trainer: TrainingService, initial: Model, s: DemoSettings['baseline'], onEpochEnd?: (e: EpochResult) => void): Promise<Model> {
  const phases = [
    { epochs: s.epochs, learningRate: s.learningRate },
    { epochs: s.polishEpochs, learningRate: s.learningRate / 10 },
  ];
  let model = initial;
  for (const phase of phases) {
    if (phase.epochs > 0) model = (await trainer.fineTune(model, { ...phase, batchSize: s.batchSize, ...(onEpochEnd ? { onEpochEnd } : {}) })).model;
  }
  return model;
}
