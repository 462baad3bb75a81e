import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { validateModel } from '../ops/validate-model.js';
import { withRandomParams } from '../testing/random-params.js';
import { uncompressedModel } from '../testing/uncompressed.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { dcmHandler } from './dcm-handler.js';
import { softmaxOnLastAxis } from './softmax-axis.js';

type Sym = tf.SymbolicTensor;

/**
 * Attention pooling over the steps of a sequence, as Keras users write it: a score per step
 * (Dense(1)), `Softmax(axis=1)` over the steps, the features weighted by it and summed by a Dot
 * over the steps, then a softmax head.
 */
function attentionPooling(): tf.LayersModel {
  const input = tf.input({ shape: [7, 4] });
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }) });
  const scores = tf.layers.dense({ name: 'score', units: 1, ...init(1) }).apply(input) as Sym;
  const weights = tf.layers.softmax({ name: 'over_steps', axis: 1 }).apply(scores) as Sym;
  const pooled = tf.layers.dot({ name: 'pool', axes: 1 }).apply([weights, input]) as Sym;
  const out = tf.layers.dense({ name: 'head', units: 3, activation: 'softmax', ...init(2) }).apply(tf.layers.flatten({ name: 'flat' }).apply(pooled) as Sym) as Sym;
  return tf.model({ inputs: input, outputs: out, name: 'attention-pooling' });
}

describe('a softmax along another axis than the last, in tfjs', () => {
  it('is spelled out as permute → softmax → permute back, the last named as the node, computing exp(x − max) / sum along the axis', () => {
    const model = withRandomParams({ name: 'sm', inputShape: [3, 4, 5], layers: [{ name: 'sm', config: { kind: 'activation', activation: 'softmax', axis: 2 } }] }, 1);
    expect(softmaxOnLastAxis(model, validateModel(model)).layers.map((l) => [l.name, l.config])).toEqual([
      ['sm_last_axis_in', { kind: 'permute', dims: [1, 3, 2] }],
      ['sm_last_axis_softmax', { kind: 'activation', activation: 'softmax' }],
      ['sm', { kind: 'permute', dims: [1, 3, 2] }],
    ]);
    const x = tf.randomNormal([2, 3, 4, 5], 0, 3, 'float32', 2);
    const lm = toLayersModel(model, tf);
    const e = tf.exp(tf.sub(x, tf.max(x, 2, true)));
    const [want, got] = [tf.div(e, tf.sum(e, 2, true)), lm.predict(x) as tf.Tensor];
    expect(Math.max(...Array.from(tf.abs(tf.sub(want, got)).dataSync()))).toBeLessThan(1e-6);
    const lastAxis = withRandomParams({ name: 'last', inputShape: [4, 5], layers: [{ name: 'sm', config: { kind: 'activation', activation: 'softmax', axis: -1 } }] }, 1);
    expect(softmaxOnLastAxis(lastAxis, validateModel(lastAxis))).toBe(lastAxis);
    tf.dispose([x, e, want, got]);
    lm.dispose();
  });

  it("lets a Keras-style attention pooling (Softmax(axis=1)), which tfjs builds but cannot run, predict, retrain and reload from a saved model.json", async () => {
    const original = attentionPooling();
    const x = tf.randomNormal([5, 7, 4], 0, 1, 'float32', 3);
    expect(() => original.predict(x)).toThrow(/Softmax along a non-last dimension is not yet supported/);
    const ir = fromLayersModel(original);
    const rebuilt = toLayersModel(ir, tf);
    const predicted = rebuilt.predict(x) as tf.Tensor;
    expect(predicted.shape).toEqual([5, 3]);
    // The pooling weights sum to 1 over the steps: computed by hand from the score layer's output.
    const scores = (original.getLayer('score').apply(x) as tf.Tensor).reshape([5, 7]);
    const pooled = tf.sum(tf.mul(tf.softmax(scores).reshape([5, 7, 1]), x), 1);
    const byHand = original.getLayer('head').apply(pooled) as tf.Tensor;
    expect(Math.max(...Array.from(tf.abs(tf.sub(byHand, predicted)).dataSync()))).toBeLessThan(1e-6);
    // It trains: the loss falls.
    rebuilt.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
    const losses = (await rebuilt.fit(x, y, { epochs: 5, batchSize: 5, verbose: 0 })).history.loss as number[];
    expect(losses[4]).toBeLessThan(losses[0]);
    // Saved as a model.json and loaded again, it predicts as the IR does.
    const reloaded = await tf.loadLayersModel(dcmHandler(uncompressedModel(ir), { tf }));
    const again = reloaded.predict(x) as tf.Tensor;
    expect(Math.max(...Array.from(tf.abs(tf.sub(again, byHand)).dataSync()))).toBeLessThan(1e-6);
    tf.dispose([x, predicted, scores, pooled, byHand, y, again]);
    [original, rebuilt, reloaded].forEach((m) => m.dispose());
  });
});
