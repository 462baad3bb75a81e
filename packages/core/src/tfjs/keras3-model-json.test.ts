/**
 * A Keras 3 model's model.json, as tensorflowjs_converter 4.22 writes it (the shapes below follow
 * files the converter wrote for Keras 3.10 models: `keras_version`, `DTypePolicy` dtypes, an
 * InputLayer's `batch_shape`, calls as `{ args, kwargs }` of `__keras_tensor__`s, weights named
 * under the model's name), loads through `loadModel` and predicts as the model it describes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../ir/model.js';
import { toLayersModel } from './convert-to.js';
import { fromKeras3, isKeras3Topology } from './keras3-model-json.js';
import { artifactsOf, asKeras3, handlerOf, POLICY, tensor, type Json } from './keras3-fixture.test-support.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

/** Builds `model` back for tfjs and checks it predicts as `lm` on `x` (to 6 digits), then disposes all three. */
function expectPredictsAs(model: Model, lm: tf.LayersModel, x: tf.Tensor): void {
  const back = toLayersModel(model, tf);
  expect(Array.from(predictions(back, x))).toEqual(Array.from(predictions(lm, x)).map((v) => expect.closeTo(v, 6)));
  x.dispose();
  back.dispose();
  lm.dispose();
}

describe('a Keras 3 model.json (tensorflowjs_converter on TensorFlow ≥ 2.16), which tfjs itself cannot load', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a Sequential MLP: loads, predicts as the model it describes, and keeps its compiled loss; tfjs alone refuses the same file', async () => {
    const lm = tf.sequential({ name: 'sequential', layers: [tf.layers.dense({ units: 10, inputShape: [6], activation: 'relu', name: 'dense', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }), tf.layers.dense({ units: 4, activation: 'softmax', name: 'dense_1', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) })] });
    const keras3 = asKeras3(await artifactsOf(lm));
    expect(keras3.weightSpecs!.map((s) => s.name)).toEqual(['sequential/dense/kernel', 'sequential/dense/bias', 'sequential/dense_1/kernel', 'sequential/dense_1/bias']);
    await expect(tf.loadLayersModel(handlerOf(keras3))).rejects.toThrow(/An InputLayer should be passed either a `batchInputShape` or an `inputShape`/);

    const { model, compile } = await loadModel(handlerOf(keras3), { tf });
    expect(model.inputShape).toEqual([6]);
    expect(compile?.loss).toBe('categoricalCrossentropy');
    const x = tf.randomUniform([5, 6], -1, 1, 'float32', 3);
    const back = toLayersModel(model, tf);
    expect(Array.from(predictions(back, x))).toEqual(Array.from(predictions(lm, x)));
    x.dispose();
    back.dispose();
    lm.dispose();
  });

  it('a functional residual network (swish, written silu) with a nested Sequential block: every call, merge and weight is read back, and it predicts as tfjs does', async () => {
    const image = tf.input({ shape: [8, 8, 3], name: 'image' });
    const block = tf.sequential({ name: 'block', layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 8, 4], name: 'block_conv', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }), tf.layers.batchNormalization({ name: 'block_bn', movingMeanInitializer: tf.initializers.constant({ value: 0.1 }) })] });
    const stem = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'swish', name: 'stem', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(image) as tf.SymbolicTensor;
    const added = tf.layers.add({ name: 'add' }).apply([stem, block.apply(stem) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(tf.layers.reLU({ name: 'relu' }).apply(added) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const lm = tf.model({ name: 'functional', inputs: image, outputs: tf.layers.dense({ units: 3, activation: 'softmax', name: 'classes', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }).apply(pooled) as tf.SymbolicTensor });
    const keras3 = asKeras3(await artifactsOf(lm));
    expect(keras3.weightSpecs!.map((s) => s.name)).toEqual(expect.arrayContaining(['functional/stem/kernel', 'functional/block/block_conv/kernel', 'functional/block/block_bn/moving_variance', 'functional/classes/bias']));
    expect(isKeras3Topology(keras3.modelTopology)).toBe(true);
    expect(JSON.stringify(keras3.modelTopology)).toContain('"activation":"silu"');

    const { model } = await loadModel(handlerOf(keras3), { tf });
    expect(model.layers.map((l) => l.name)).toEqual(['stem', 'block_conv', 'block_bn', 'add', 'relu', 'pool', 'classes']);
    expectPredictsAs(model, lm, tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 9));
  });

  it('a MobileNet-style block: its DepthwiseConv2D kernel, which Keras 3 names kernel (tf.keras and tfjs: depthwise_kernel), and a SeparableConv2D load, and it predicts as tfjs does', async () => {
    const image = tf.input({ shape: [8, 8, 3], name: 'image' });
    const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu6', name: 'dw', depthwiseInitializer: tf.initializers.glorotNormal({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) }).apply(image) as tf.SymbolicTensor;
    const sep = tf.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'sep', depthwiseInitializer: tf.initializers.glorotNormal({ seed: 5 }), pointwiseInitializer: tf.initializers.glorotNormal({ seed: 6 }) }).apply(dw) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(sep) as tf.SymbolicTensor;
    const lm = tf.model({ name: 'functional', inputs: image, outputs: tf.layers.dense({ units: 3, activation: 'softmax', name: 'classes', kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }) }).apply(pooled) as tf.SymbolicTensor });
    const keras3 = asKeras3(await artifactsOf(lm));
    expect(keras3.weightSpecs!.map((s) => s.name)).toEqual(expect.arrayContaining(['functional/dw/kernel', 'functional/dw/bias', 'functional/sep/depthwise_kernel', 'functional/sep/pointwise_kernel']));
    const { model } = await loadModel(handlerOf(keras3), { tf });
    expect(model.layers.find((l) => l.name === 'dw')!.params.kernel!.shape).toEqual([3, 3, 3, 2]);
    expectPredictsAs(model, lm, tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 9));
  });

  // Keras 3's LSTM gates by sigmoid (tfjs's default, hard_sigmoid, is another function in Keras 3).
  it('a Sequential LSTM reader: its weights, named under the model and the cell (sequential/lstm/lstm_cell/kernel), load and it predicts as tfjs does', async () => {
    const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), recurrentInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) });
    const lm = tf.sequential({ name: 'sequential', layers: [tf.layers.lstm({ units: 4, inputShape: [5, 3], name: 'lstm', recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal', ...init(6) }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'dense', kernelInitializer: tf.initializers.glorotNormal({ seed: 8 }) })] });
    const keras3 = asKeras3(await artifactsOf(lm));
    expect(keras3.weightSpecs!.map((s) => s.name)).toEqual(['sequential/lstm/lstm_cell/kernel', 'sequential/lstm/lstm_cell/recurrent_kernel', 'sequential/lstm/lstm_cell/bias', 'sequential/dense/kernel', 'sequential/dense/bias']);
    const { model } = await loadModel(handlerOf(keras3), { tf });
    expectPredictsAs(model, lm, tf.randomNormal([4, 5, 3], 0, 1, 'float32', 11));
  });

  it('leaves a Keras 2 or tfjs file as it is', async () => {
    const saved = await artifactsOf(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'dense_Dense1' })] }));
    expect(isKeras3Topology(saved.modelTopology)).toBe(false);
    expect(fromKeras3(saved, 'model.json')).toBe(saved);
  });

  it('refuses by name a ragged input, a tensor passed by keyword and a call whose history is not [layer, node, tensor]', async () => {
    const input = { class_name: 'InputLayer', name: 'tokens', config: { batch_shape: [null, 5], dtype: 'float32', ragged: true, name: 'tokens' }, inbound_nodes: [] };
    const dense = (call: Json) => ({ class_name: 'Dense', name: 'dense', config: { name: 'dense', units: 2, dtype: POLICY }, inbound_nodes: [call] });
    const topology = (layers: Json[]) => ({ keras_version: '3.10.0', model_config: { class_name: 'Functional', config: { name: 'functional', layers, input_layers: ['tokens', 0, 0], output_layers: ['dense', 0, 0] } } });
    const refused = (layers: Json[]) => {
      try {
        fromKeras3({ modelTopology: topology(layers) }, 'model.json');
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(refused([input])).toMatchObject({ code: 'UNSUPPORTED_TOPOLOGY', message: expect.stringMatching(/model\.json: input "tokens" is ragged; a compressed model runs on dense tensors of one shape$/) });
    const dense5 = { ...input, config: { ...input.config, ragged: false } };
    expect(refused([dense5, dense({ args: [tensor(['tokens', 0, 0], [null, 5])], kwargs: { mask: tensor(['tokens', 0, 0], [null, 5]) } })])).toMatchObject({ code: 'UNSUPPORTED_TOPOLOGY', message: expect.stringMatching(/model\.json: layer "dense" is called with a tensor as "mask"$/) });
    expect(refused([dense5, dense({ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['tokens', 0] } }], kwargs: {} })])).toMatchObject({ code: 'BAD_MODEL_JSON', message: expect.stringMatching(/model\.json: layer "dense" has an input whose keras_history is not \[layer, node, tensor\]$/) });
    // The same file without the faults: the Keras 2 dialect.
    const read = fromKeras3({ modelTopology: topology([dense5, dense({ args: [tensor(['tokens', 0, 0], [null, 5])], kwargs: {} })]) }, 'model.json').modelTopology as { model_config: { config: Json } };
    expect(read.model_config.config).toEqual({
      name: 'functional',
      layers: [
        { class_name: 'InputLayer', name: 'tokens', config: { batch_input_shape: [null, 5], dtype: 'float32', name: 'tokens' }, inbound_nodes: [] },
        { class_name: 'Dense', name: 'dense', config: { name: 'dense', units: 2, dtype: 'float32' }, inbound_nodes: [[['tokens', 0, 0, {}]]] },
      ],
      input_layers: [['tokens', 0, 0]],
      output_layers: [['dense', 0, 0]],
    });
  });
});
