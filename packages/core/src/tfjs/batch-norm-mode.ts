/**
 * How batch normalisation behaves while the trainer fine-tunes. tfjs's `BatchNormalization` in
 * training mode normalises with the batch's statistics and moves its moving mean and variance
 * toward them (momentum 0.99, as Keras); `frozen` makes it run as at inference instead, with the
 * stored statistics, which it then never changes.
 */
import type * as tf from '@tensorflow/tfjs';

/** `update`: Keras's training mode; `frozen`: inference mode throughout. */
export type BatchNormMode = 'update' | 'frozen';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** Applies `mode` to every `BatchNormalization` layer of `lm` (a model the trainer built and owns). */
export function setBatchNormMode(lm: tf.LayersModel, mode: BatchNormMode): void {
  if (mode === 'update') return;
  for (const layer of lm.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const call = (layer.call as Call).bind(layer);
    (layer as unknown as { call: Call }).call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  }
}
