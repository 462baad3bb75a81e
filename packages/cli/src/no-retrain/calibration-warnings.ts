/**
 * What a post-training plan's user should know about its inputs before trusting its figures: a
 * plan fits the calibration inputs it is verified on, so a handful of them, or test inputs that
 * are the calibration inputs again, make a fidelity that says little about the inputs the model
 * will see. Warnings, not errors: a quick look at one photograph is a fair thing to ask for.
 */
import type * as tf from '@tensorflow/tfjs';
import type { FidelityReport } from '@dc/allocate';
import { count } from '../format/count.js';
import type { InputFeeds } from './input-feeds.js';

/** Fewer calibration samples than this draw a warning: the corpus benchmark's eight are already few for a pose model. */
export const FEW_CALIBRATION_SAMPLES = 8;

/** Whether two lists of batches hold the same samples in the same order (same shapes, same values). */
function sameBatches(a: readonly (readonly tf.Tensor[])[], b: readonly (readonly tf.Tensor[])[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((batch, i) =>
    batch.length === b[i].length &&
    batch.every((t, j) => {
      const u = b[i][j];
      if (t.dtype !== u.dtype || t.shape.join() !== u.shape.join()) return false;
      const [x, y] = [t.dataSync(), u.dataSync()];
      return x.every((v, k) => v === y[k]);
    }),
  );
}

/** The warnings for a plan on `calibration`, measured on `test` (if given). */
export function calibrationWarnings(calibration: InputFeeds, test: InputFeeds | undefined): string[] {
  const out: string[] = [];
  if (calibration.samples < FEW_CALIBRATION_SAMPLES) {
    out.push(`only ${count(calibration.samples, 'calibration sample')}: the plan is verified on ${calibration.samples === 1 ? 'it' : 'them'} alone, and its fidelity may not hold on other inputs; give ${FEW_CALIBRATION_SAMPLES} or more, like those the model will see, and check the file on others with --test-data`);
  }
  if (test && sameBatches(calibration.batches, test.batches)) {
    out.push('--test-data holds the calibration samples themselves: its fidelity is the calibration fidelity again, not a test; keep test inputs apart from the calibration');
  }
  return out;
}

/**
 * The warning for a file within budget on its calibration inputs and over it on the test inputs
 * (`undefined` otherwise): the plan fits what it was verified on, as many of the corpus benchmark's
 * models do on its eight calibration photographs.
 */
export function heldOnCalibrationOnly(calibration: FidelityReport, test: FidelityReport | null): string | undefined {
  if (!test || !calibration.withinBudget || test.withinBudget) return undefined;
  return 'the file is within budget on the calibration inputs and over it on the test inputs: the plan fits the inputs it was verified on. Give more calibration inputs, like those the model will see (more of them hold the budget on more inputs the plan never saw, at some cost in size: the corpus figures in the README of @dc/allocate), or a smaller --max-output-drift for headroom';
}

/**
 * The warnings for outputs of a file's calibration fidelity that showed nothing to judge: a
 * keypoints output with no keypoint shown, a detector's output (`detections`, `nms-boxes`) with no
 * detection shown, on any calibration input (a pose model calibrated on photographs without people,
 * a face detector on landscapes). Such an output's boxes or keypoints never entered the plan.
 */
export function nothingShown(calibration: FidelityReport): string[] {
  return calibration.outputs.flatMap((o) => {
    const what = o.kind === 'keypoints' && o.keypointsShown === 0 ? 'keypoint' : (o.kind === 'detections' || o.kind === 'nms-boxes') && o.detectionsShown === 0 ? 'detection' : undefined;
    if (!what) return [];
    const unstable = o.unjudged ? ` (besides ${o.unjudged} ${o.unjudged === 1 ? 'entry' : 'entries'} the original itself changes under the jitter)` : '';
    return [`output ${o.output} (${o.kind}) showed no ${what} on any calibration input${unstable}: the plan never saw what it shows, so its ${what}s' fidelity is unmeasured; give calibration inputs with what the model finds (people for a pose model, faces for a face detector), and put them first: the probes that price each tensor run on the first calibration batch`];
  });
}

