import type { TrainingService } from '@dc/core';
import type { ImageDataset } from '@dc/core/mnist';
import { createTfjsTrainer, selectTrainingBackend, type TrainingBackendName } from '@dc/core/tfjs';
import type * as tf from '@tensorflow/tfjs';
import { splitValidation } from './data.js';
import type { Progress } from './progress.js';

/** The demo's training threads option (commands pass it to {@link setupTrainer}). */
export interface TrainingThreadsOption {
  /**
   * Threads per training step (default `'auto'`: one per core, data-parallel). Results then
   * depend on the core count at float32 rounding; `1` gives the same figures on every machine.
   */
  threads?: number | 'auto';
}

/**
 * A trainer on the fastest backend that loads, reporting which one and why better ones were
 * skipped; `augment` shifts its training images. With `validation`, the trainer trains on all but the last `validation` training images
 * and evaluates on those (every decision of an automatic allocation); `evaluateTest` always
 * evaluates on the test set (reporting only).
 */
export async function setupTrainer(
  data: ImageDataset,
  options: { seed: number; batchSize: number; backends?: TrainingBackendName[]; progress: Progress; validation?: number; augment?: { translate: number } } & TrainingThreadsOption,
): Promise<{ tf: typeof tf; backend: string; trainer: TrainingService; evaluateTest: TrainingService['evaluate'] }> {
  // On wasm, the demo swaps three slow stock tfjs-wasm gradient kernels for core's faster ones
  // (about 3× faster epochs). The demo process only trains and runs its own models, so the
  // process-wide replacement is not undone; a library embedding this would call restore().
  const selected = await selectTrainingBackend({ ...(options.backends ? { prefer: options.backends } : {}), replaceSlowWasmKernels: true });
  for (const s of selected.skipped) options.progress.log(`training backend ${s.backend} skipped: ${s.reason}`);
  const threads = options.threads ?? 'auto';
  options.progress.log(`training backend: ${selected.backend}, threads: ${threads}`);
  const split = options.validation ? splitValidation(data.train, options.validation) : { train: data.train, validation: data.test };
  // threads 'auto': every batch is shared with data-parallel worker threads, one per extra core.
  // augment shifts the training images only; evaluate() (validation) and the tester see them as they are.
  const augment = options.augment?.translate ? { augment: options.augment } : {};
  const base = createTfjsTrainer({ tf: selected.tf, train: split.train, evaluation: split.validation, batchSize: options.batchSize, seed: options.seed, threads, ...augment });
  const tester = split.validation === data.test ? base : createTfjsTrainer({ tf: selected.tf, train: split.train, evaluation: data.test });
  // Every fine-tuning run (baseline, pruning rounds, centroid tuning) shows a per-batch bar on a
  // terminal, a line per epoch otherwise.
  const trainer: TrainingService = {
    backend: base.backend,
    evaluate: (model) => base.evaluate(model),
    fineTune: (model, ft) => {
      const shown = options.progress.training('train', ft.epochs);
      return base.fineTune(model, { ...ft, onProgress: (p) => (shown.onProgress(p), ft.onProgress?.(p)), onEpochEnd: (e) => (shown.onEpochEnd(e), ft.onEpochEnd?.(e)) }).finally(() => shown.end());
    },
  };
  return { tf: selected.tf, backend: selected.backend, trainer, evaluateTest: (model) => tester.evaluate(model) };
}
