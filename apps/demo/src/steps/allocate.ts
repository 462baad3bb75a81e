import { planAllocation, type Allocation } from '@dc/allocate';
import type { Model, TrainingService } from '@dc/core';
import type { AllocateSettings, DemoSettings } from '../presets.js';
import type { Progress } from '../progress.js';
import { DEMO_WRITER_OPTIONS, demoWriter } from './compress.js';

/**
 * Chooses per-layer sparsity and bits for `goal` from sensitivity measured by `trainer.evaluate`
 * (the validation split: the trainer must have been set up with one), and returns the settings
 * with them filled in.
 */
export async function allocateSettings(baseline: Model, settings: DemoSettings, goal: AllocateSettings, trainer: TrainingService, progress: Progress): Promise<{ settings: DemoSettings; allocation: Allocation }> {
  progress.log('automatic allocation: measuring sensitivity (sparsity and bits per layer) on the validation split');
  const allocation = await planAllocation(baseline, {
    ...(goal.targetRatio !== undefined ? { targetRatio: goal.targetRatio } : {}),
    ...(goal.targetBytes !== undefined ? { targetBytes: goal.targetBytes } : {}),
    ...(goal.maxErrorIncrease !== undefined ? { maxErrorIncrease: goal.maxErrorIncrease } : {}),
    ...(goal.maxSparsity !== undefined ? { maxSparsity: goal.maxSparsity } : {}),
    ...(goal.bitLevels ? { bitLevels: goal.bitLevels } : {}),
    evaluate: async (m) => (await trainer.evaluate(m)).accuracy,
    writer: demoWriter,
    centroidBytes: DEMO_WRITER_OPTIONS.codebookFormat === 'float16' ? 2 : 4,
  });
  for (const line of allocation.reasons) progress.log(`allocation: ${line}`);
  return { settings: { ...settings, sparsity: allocation.sparsity, bits: allocation.bits }, allocation };
}
