/**
 * The model of Keras' image classification tutorial: a nested `data_augmentation` Sequential
 * (RandomFlip, RandomRotation, RandomZoom, and RandomHeight and RandomWidth; the input shape on its first layer), then
 * `Rescaling(1/255)` and a small convnet. tfjs cannot load it (it has none of those layers); dc
 * reads the augmentation as the identity it is at inference, so the model predicts as the same
 * convnet without it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uncompressedModel } from '../testing/uncompressed.js';
import { toLayersModel } from './convert-to.js';
import { dcmHandler } from './dcm-handler.js';
import { artifactsOf, clone, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

const SHAPE = [12, 12, 3];

/** Rescaling(1/255) → Conv2D → MaxPooling2D → Flatten → Dense: the tutorial's model without its augmentation. */
function convnet(): tf.LayersModel {
  return tf.sequential({
    name: 'sequential_1',
    layers: [
      tf.layers.rescaling({ scale: 1 / 255, inputShape: SHAPE, name: 'rescaling' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2d', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pooling2d' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 5, name: 'dense', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
}

/** The same model as Keras 2 saves it with the tutorial's `data_augmentation` block in front. */
function withAugmentation(saved: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const topology = clone(saved.modelTopology) as Json;
  const config = ((topology.model_config ?? topology) as Json).config as { layers: Json[] };
  const rescaling = config.layers[0].config as Json;
  const batchInputShape = rescaling.batch_input_shape;
  delete rescaling.batch_input_shape;
  const augmentation = {
    class_name: 'Sequential',
    config: {
      name: 'data_augmentation',
      layers: [
        { class_name: 'RandomFlip', config: { name: 'random_flip', trainable: true, dtype: 'float32', batch_input_shape: batchInputShape, mode: 'horizontal', seed: null } },
        { class_name: 'RandomRotation', config: { name: 'random_rotation', trainable: true, dtype: 'float32', factor: 0.1, fill_mode: 'reflect', interpolation: 'bilinear', seed: null, fill_value: 0.0 } },
        { class_name: 'RandomZoom', config: { name: 'random_zoom', trainable: true, dtype: 'float32', height_factor: 0.1, width_factor: null, fill_mode: 'reflect', interpolation: 'bilinear', seed: null, fill_value: 0.0 } },
        // tfjs has RandomWidth, but resizes at inference too (the Flatten behind it could not build).
        { class_name: 'RandomHeight', config: { name: 'random_height', trainable: true, dtype: 'float32', factor: 0.2, interpolation: 'bilinear', seed: null } },
        { class_name: 'RandomWidth', config: { name: 'random_width', trainable: true, dtype: 'float32', factor: 0.2, interpolation: 'bilinear', seed: null } },
      ],
    },
  };
  config.layers.unshift(augmentation);
  return { ...saved, modelTopology: topology };
}

describe("Keras' image augmentation layers (the identity at inference)", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a nested data_augmentation block in front of the model: tfjs cannot load it; dc reads it as nothing, and the model predicts and exports as the convnet behind it', async () => {
    const lm = convnet();
    const keras = withAugmentation(await artifactsOf(lm));
    await expect(tf.loadLayersModel(handlerOf(keras))).rejects.toThrow(/RandomFlip/);

    const { model } = await loadModel(handlerOf(keras), { tf });
    expect(model.inputShape).toEqual(SHAPE);
    expect(model.layers.map((l) => l.name)).toEqual(['rescaling', 'conv2d', 'max_pooling2d', 'flatten', 'dense']);
    expect(model.layers[0].inputs ?? ['input']).toEqual(['input']);
    const x = tf.randomUniform([3, ...SHAPE], 0, 255, 'float32', 4);
    const want = Array.from(predictions(lm, x)).map((v) => expect.closeTo(v, 5));
    const back = toLayersModel(model, tf);
    const exported = await tf.loadLayersModel(dcmHandler(uncompressedModel(model), { tf }));
    expect(Array.from(predictions(back, x))).toEqual(want);
    expect(Array.from(predictions(exported, x))).toEqual(want);
    tf.dispose([x]);
    back.dispose();
    exported.dispose();
    lm.dispose();
  });
});
