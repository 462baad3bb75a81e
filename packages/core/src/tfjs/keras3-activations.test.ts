/**
 * Keras 3's activations that tfjs computes otherwise or not at all: a model.json using them loads
 * and predicts what Keras 3 computes (its definitions written out below from the weights), and
 * where that cannot be done the file is refused by name, never run as another function.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLayersModel } from './convert-to.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { fromKeras3 } from './keras3-model-json.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

/** The config of layer `name` in a Keras 3 topology's top model. */
function configOf(artifacts: tf.io.ModelArtifacts, name: string): Json {
  const layers = ((artifacts.modelTopology as Json).model_config as { config: { layers: { config: Json }[] } }).config.layers;
  return layers.find((l) => l.config.name === name)!.config;
}

// Keras 3's definitions (keras.activations): hard_sigmoid is relu6(x + 3) / 6, leaky_relu's slope is 0.2.
const hardSigmoid = (z: tf.Tensor) => tf.clipByValue(z.add(3), 0, 6).div(6);
const leaky = (z: tf.Tensor, slope: number) => tf.where(z.greaterEqual(0), z, z.mul(slope));
const dense = (x: tf.Tensor, lm: tf.LayersModel, layer: string) => {
  const [kernel, bias] = lm.getLayer(layer).getWeights();
  return tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D).add(bias);
};
const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 100 }) });

function refusal(artifacts: tf.io.ModelArtifacts): unknown {
  try {
    fromKeras3(artifacts, 'model.json');
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("Keras 3's activations in a model.json", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a Sequential model ending layers in hard_sigmoid (relu6(x + 3) / 6, not tfjs\'s 0.2·x + 0.5) and leaky_relu (slope 0.2), with a LeakyReLU(negative_slope=0.1): predicts what Keras 3 computes', async () => {
    const lm = tf.sequential({
      name: 'sequential',
      layers: [
        tf.layers.dense({ units: 6, inputShape: [4], name: 'd1', ...seeded(1) }),
        tf.layers.dense({ units: 5, name: 'd2', ...seeded(2) }),
        tf.layers.leakyReLU({ name: 'lrelu' }),
        tf.layers.dense({ units: 3, name: 'd3', ...seeded(3) }),
      ],
    });
    const keras3 = asKeras3(await artifactsOf(lm));
    configOf(keras3, 'd1').activation = 'hard_sigmoid';
    configOf(keras3, 'd2').activation = 'leaky_relu';
    const lrelu = configOf(keras3, 'lrelu');
    delete lrelu.alpha;
    lrelu.negative_slope = 0.1;

    const { model } = await loadModel(handlerOf(keras3), { tf });
    expect(model.layers.map((l) => [l.name, l.config])).toEqual([
      ['d1', expect.objectContaining({ kind: 'dense', activation: 'linear' })],
      ['d1_hard_sigmoid_scale', { kind: 'rescale', scale: 1 / 6, offset: 0.5 }],
      ['d1_hard_sigmoid_clip', { kind: 'activation', activation: 'relu', maxValue: 1 }],
      ['d2', expect.objectContaining({ kind: 'dense', activation: 'linear' })],
      ['d2_leaky_relu', { kind: 'activation', activation: 'leakyRelu', alpha: 0.2 }],
      ['lrelu', { kind: 'activation', activation: 'leakyRelu', alpha: 0.1 }],
      ['d3', expect.objectContaining({ kind: 'dense', activation: 'linear' })],
    ]);
    // Wide enough that hard_sigmoid saturates on both sides and every leak is taken.
    const x = tf.randomUniform([64, 4], -8, 8, 'float32', 5);
    const expected = tf.tidy(() => dense(leaky(leaky(dense(hardSigmoid(dense(x, lm, 'd1')), lm, 'd2'), 0.2), 0.1), lm, 'd3'));
    const h1 = tf.tidy(() => hardSigmoid(dense(x, lm, 'd1')).dataSync());
    expect(h1.some((v) => v === 0) && h1.some((v) => v === 1)).toBe(true);
    const back = toLayersModel(model, tf);
    expect(Array.from(predictions(back, x))).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, expected]);
    back.dispose();
    lm.dispose();
  });

  it('a functional model whose hard_sigmoid layer is read twice (a residual sum) and whose split-off names are taken: both readers get the activation', async () => {
    const input = tf.input({ shape: [4], name: 'a_hard_sigmoid_scale' });
    const a = tf.layers.dense({ units: 4, name: 'a', ...seeded(7) }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4, name: 'b', ...seeded(8) }).apply(a) as tf.SymbolicTensor;
    const lm = tf.model({ name: 'functional', inputs: input, outputs: tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor });
    const keras3 = asKeras3(await artifactsOf(lm));
    configOf(keras3, 'a').activation = 'hard_sigmoid';

    const { model } = await loadModel(handlerOf(keras3), { tf });
    expect(model.layers.map((l) => [l.name, l.inputs])).toEqual([
      ['a', ['a_hard_sigmoid_scale']],
      ['a_hard_sigmoid_scale_1', ['a']],
      ['a_hard_sigmoid_clip', ['a_hard_sigmoid_scale_1']],
      ['b', ['a_hard_sigmoid_clip']],
      ['sum', ['a_hard_sigmoid_clip', 'b']],
    ]);
    const x = tf.randomUniform([32, 4], -8, 8, 'float32', 9);
    const expected = tf.tidy(() => {
      const ha = hardSigmoid(dense(x, lm, 'a'));
      return ha.add(dense(ha, lm, 'b'));
    });
    const back = toLayersModel(model, tf);
    expect(Array.from(predictions(back, x))).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, expected]);
    back.dispose();
    lm.dispose();
  });

  it('refuses by name hard_sigmoid inside a recurrence, where it cannot be split off', async () => {
    const lm = tf.sequential({ name: 'sequential', layers: [tf.layers.lstm({ units: 3, inputShape: [5, 2], name: 'lstm', recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 2, name: 'dense' })] });
    // Keras 3's LSTM gates by sigmoid unless told otherwise.
    const recurrent = asKeras3(await artifactsOf(lm));
    configOf(recurrent, 'lstm').recurrent_activation = 'hard_sigmoid';
    expect(refusal(recurrent)).toMatchObject({
      code: 'UNSUPPORTED_TOPOLOGY',
      message: expect.stringMatching(/model\.json: layer "lstm" uses Keras 3's hard_sigmoid as its recurrent activation, which tfjs computes otherwise \(0\.2·x \+ 0\.5, Keras 2's\)$/),
      hint: expect.stringMatching(/^Inside a recurrent or wrapped layer/),
    });
    // The file as Keras 3 writes it by default (sigmoid gates, linear output): loads.
    expect(refusal(asKeras3(await artifactsOf(lm)))).toBeUndefined();
    lm.dispose();
  });
});
