/**
 * Retraining that diverges: a finite model whose weights a fine-tune turned NaN or infinite (a
 * learning rate too high for the model, NaN in the data). The loss need not show it (a clipped
 * cross-entropy stays finite while the weights are NaN), so the trainer checks the weights once
 * per epoch and stops with `TRAINING_DIVERGED` naming the epoch and the tensor, instead of
 * training NaN to the end and leaving a later stage to find it.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';

/** The first of `vars` (key and variable) holding NaN or ±Infinity, or `undefined`; one readback for all of them. */
export function firstNonFiniteVariable(tfjs: typeof tf, vars: readonly (readonly [string, tf.Variable])[]): string | undefined {
  if (vars.length === 0) return undefined;
  const finite = tfjs.tidy(() => tfjs.stack(vars.map(([, v]) => tfjs.cast(tfjs.all(tfjs.isFinite(v)), 'int32'))).dataSync());
  const at = finite.indexOf(0);
  return at < 0 ? undefined : vars[at][0];
}

/** The error of a fine-tune whose weights left the finite numbers in `epoch` (from 1), first in `tensor`. */
export function trainingDiverged(epoch: number, tensor: string, learningRate: number): DcError {
  return new DcError('TRAINING_DIVERGED', `retraining diverged in epoch ${epoch} at learning rate ${learningRate}: tensor "${tensor}" holds NaN or infinite values`, { tensor });
}
