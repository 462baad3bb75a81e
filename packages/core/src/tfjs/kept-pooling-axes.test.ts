/**
 * A squeeze-and-excitation block as Keras 2.6+ and Keras 3 write it — `GlobalAveragePooling2D(
 * keepdims=True)` straight into 1×1 convolutions — which tfjs cannot build (it reads past keepdims):
 * it loads as the pooling and a reshape that keeps its axes, and the model predicts as the same
 * block written with an explicit `Reshape` in tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uncompressedModel } from '../testing/uncompressed.js';
import { toLayersModel } from './convert-to.js';
import { dcmHandler } from './dcm-handler.js';
import { artifactsOf, clone, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

type Sym = tf.SymbolicTensor;

/** image → conv → SE block (pool, reshape [1, 1, 8], 1×1 relu, 1×1 sigmoid, multiply) → pool → classes. */
function squeezeExcite(): tf.LayersModel {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 50 }) });
  const image = tf.input({ shape: [6, 6, 3], name: 'image' });
  const features = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem', ...init(1) }).apply(image) as Sym;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'squeeze' }).apply(features) as Sym;
  const kept = tf.layers.reshape({ targetShape: [1, 1, 8], name: 'kept' }).apply(pooled) as Sym;
  const reduced = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu', name: 'reduce', ...init(2) }).apply(kept) as Sym;
  const gate = tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'sigmoid', name: 'excite', ...init(3) }).apply(reduced) as Sym;
  const scaled = tf.layers.multiply({ name: 'scale' }).apply([features, gate]) as Sym;
  const classes = tf.layers.dense({ units: 3, activation: 'softmax', name: 'classes', ...init(4) }).apply(tf.layers.globalMaxPooling2d({ name: 'pool' }).apply(scaled) as Sym) as Sym;
  return tf.model({ name: 'se', inputs: image, outputs: classes });
}

describe('global poolings with keepdims=True (squeeze-and-excitation blocks)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('GlobalAveragePooling2D(keepdims=True) into 1×1 convolutions: tfjs alone cannot build it; dc reads it as pooling + reshape [1, 1, C] and predicts as Keras does, and exports what tfjs loads', async () => {
    const lm = squeezeExcite();
    const saved = await artifactsOf(lm);
    // As Keras writes it: no Reshape, the pooling keeps its axes and the convolution reads it.
    const keras = { ...saved, modelTopology: clone(saved.modelTopology) };
    const config = ((keras.modelTopology as Json).config ?? ((keras.modelTopology as Json).model_config as Json).config) as { layers: Json[] };
    config.layers = config.layers.filter((l) => (l.config as Json).name !== 'kept');
    const squeeze = config.layers.find((l) => (l.config as Json).name === 'squeeze')!;
    (squeeze.config as Json).keepdims = true;
    const reduce = config.layers.find((l) => (l.config as Json).name === 'reduce')!;
    reduce.inbound_nodes = [[['squeeze', 0, 0, {}]]];
    await expect(tf.loadLayersModel(handlerOf(keras))).rejects.toThrow();

    const { model } = await loadModel(handlerOf(keras), { tf });
    expect(model.layers.map((l) => [l.name, l.config.kind])).toEqual([
      ['stem', 'conv2d'], ['squeeze_pool', 'globalAvgPool2d'], ['squeeze', 'reshape'], ['reduce', 'conv2d'], ['excite', 'conv2d'], ['scale_broadcast1_positions', 'upSampling2d'], ['scale', 'multiply'], ['pool', 'globalMaxPool2d'], ['classes', 'dense'],
    ]);
    expect(model.layers[2].config).toEqual({ kind: 'reshape', targetShape: [1, 1, 8] });
    const x = tf.randomUniform([4, 6, 6, 3], 0, 1, 'float32', 7);
    const want = Array.from(predictions(lm, x)).map((v) => expect.closeTo(v, 6));
    const back = toLayersModel(model, tf);
    expect(Array.from(predictions(back, x))).toEqual(want);
    // dc export: a pooling and an explicit Reshape, which tfjs itself loads.
    const exported = await tf.loadLayersModel(dcmHandler(uncompressedModel(model), { tf }));
    expect(exported.layers.map((l) => l.getClassName())).toContain('Reshape');
    expect(Array.from(predictions(exported, x))).toEqual(want);
    x.dispose();
    back.dispose();
    exported.dispose();
    lm.dispose();
  });
});
