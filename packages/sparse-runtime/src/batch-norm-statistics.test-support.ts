/**
 * Batch-norm statistics for briefly trained test models. Keras's training mode moves the moving
 * mean and variance only 1% toward each batch's statistics (momentum 0.99), so after the few
 * hundred steps a test can afford they still mostly hold their starting values and the model
 * classifies at chance at inference. Re-estimating them on training images, once training is
 * over, is the usual fix (as PyTorch's `update_bn` does for averaged weights).
 */
import type { Layer, Model } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof tfTypes;

/**
 * `model` with each batch norm's moving mean and variance set to the per-channel moments of its
 * input over `images` (`count` samples of the model's input shape), computed in one training-mode
 * pass, so every batch norm sees the inputs that the batch norms before it produce with the new
 * statistics.
 */
export function reestimateBatchNorms(tf: Tf, model: Model, images: Float32Array, count: number): Model {
  const norms = model.layers.filter((l) => l.config.kind === 'batchNorm');
  const lm = toLayersModel(model, tf);
  const moments = tf.tidy(() => {
    const probe = tf.model({ inputs: lm.inputs, outputs: norms.map((l) => lm.getLayer(l.name).input as tfTypes.SymbolicTensor) });
    const x = tf.tensor(images.subarray(0, count * sizeOf(model.inputShape)), [count, ...model.inputShape]);
    const inputs = probe.apply(x, { training: true }) as tfTypes.Tensor[];
    return inputs.map((t) => {
      const { mean, variance } = tf.moments(t, [...Array(t.rank - 1).keys()]);
      return { mean: mean.dataSync() as Float32Array, variance: variance.dataSync() as Float32Array };
    });
  });
  lm.dispose();
  const layers = model.layers.map((l): Layer => {
    const i = norms.indexOf(l);
    if (i < 0) return l;
    const shape = [moments[i].mean.length];
    return { ...l, params: { ...l.params, movingMean: { shape, values: Float32Array.from(moments[i].mean) }, movingVariance: { shape, values: Float32Array.from(moments[i].variance) } } };
  });
  return { ...model, layers };
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
