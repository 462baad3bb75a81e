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

/** The variables of tfjs-layers' `BatchNormalization` that {@link withFixedStatistics} reads. */
interface BatchNormFields {
  readonly epsilon: number;
  readonly movingMean: tf.LayerVariable;
  readonly movingVariance: tf.LayerVariable;
  readonly gamma?: tf.LayerVariable | null;
  readonly beta?: tf.LayerVariable | null;
}

/**
 * Makes a `BatchNormalization` layer compute `(x − mean) / sqrt(variance + epsilon) · gamma + beta`
 * from its stored statistics in every call, training steps included, with plain ops: tfjs's own
 * inference form fails to record gradients without `gamma` (it saves the missing scale for the
 * backward pass), which a fixed normalisation (Keras' `Normalization`) lacks.
 */
export function withFixedStatistics(tfjs: typeof tf, layer: tf.layers.Layer): void {
  const bn = layer as unknown as BatchNormFields;
  (layer as unknown as { call: Call }).call = (inputs) =>
    tfjs.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const normalised = tfjs.div(tfjs.sub(x, bn.movingMean.read()), tfjs.sqrt(tfjs.add(bn.movingVariance.read(), bn.epsilon)));
      const scaled = bn.gamma ? tfjs.mul(normalised, bn.gamma.read()) : normalised;
      return bn.beta ? tfjs.add(scaled, bn.beta.read()) : scaled;
    });
}
