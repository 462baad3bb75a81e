/**
 * A decoder's bilinear `UpSampling2D`: Keras samples at half-pixel centres (`tf.image.resize`),
 * tfjs's layer half an input pixel off. A file Keras wrote (Keras 2 and Keras 3) loads as Keras
 * computes it — a `resizing` — and a file tfjs wrote as tfjs computes it, as each was trained;
 * nearest upsampling, the same in both, stays an `upSampling2d`.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactsOf, asKeras3, clone, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';
import { writtenByKeras } from './tfjs-readable.js';

/** Images [4, 5, 2] → conv 3×3 → UpSampling2D(2, 3) → conv 1×1: a decoder's last steps. */
function decoder(interpolation: 'bilinear' | 'nearest'): tf.LayersModel {
  const image = tf.input({ shape: [4, 5, 2], name: 'image' });
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(image) as tf.SymbolicTensor;
  const up = tf.layers.upSampling2d({ size: [2, 3], interpolation, name: 'up' }).apply(conv) as tf.SymbolicTensor;
  const head = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(up) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: head, name: 'decoder' });
}

/** `artifacts` as Keras 2.15 writes them (its `keras_version`). */
function asKeras2(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  return { ...artifacts, modelTopology: { ...(clone(artifacts.modelTopology) as Json), keras_version: '2.15.0' } };
}

describe("Keras' bilinear UpSampling2D", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('loads from a file Keras wrote (Keras 2 and 3) as Keras computes it, a resizing; from one tfjs wrote as tfjs computes it', async () => {
    const lm = decoder('bilinear');
    const artifacts = await artifactsOf(lm);
    const x = tf.tensor4d(Array.from({ length: 2 * 4 * 5 * 2 }, (_, i) => Math.sin(i * 1.3)), [2, 4, 5, 2]);
    const after = (up: tf.Tensor) => Array.from((lm.getLayer('head').apply(up) as tf.Tensor).dataSync());
    const conv = lm.getLayer('conv').apply(x) as tf.Tensor4D;
    // Keras: tf.image.resize, half-pixel centres (tfjs's resizeBilinear with halfPixelCenters, checked against the definition in resizing.test.ts).
    const keras = after(tf.image.resizeBilinear(conv, [8, 15], false, true));
    const tfjs = Array.from((lm.predict(x) as tf.Tensor).dataSync());
    expect(Math.max(...keras.map((v, i) => Math.abs(v - tfjs[i])))).toBeGreaterThan(0.01);

    expect(writtenByKeras(artifacts.modelTopology)).toBe(false);
    const { model: fromTfjs } = await loadModel(handlerOf(artifacts), { tf });
    expect(fromTfjs.layers[1]).toMatchObject({ name: 'up', config: { kind: 'upSampling2d', size: [2, 3], interpolation: 'bilinear' } });
    expectRebuiltPredicts(fromTfjs, x, tfjs, 5);

    // Keras before 2.4 (standalone 2.2 and 2.3, TensorFlow 1's tf.keras) resized as tfjs does.
    expect(['2.2.4', '2.3.1', '2.2.4-tf', '2.4.0', '2.15.0', '3.10.0'].map((v) => writtenByKeras({ keras_version: v }))).toEqual([false, false, false, true, true, true]);
    for (const file of [asKeras2(artifacts), asKeras3(artifacts)]) {
      expect(writtenByKeras(file.modelTopology)).toBe(true);
      const { model } = await loadModel(handlerOf(file), { tf });
      expect(model.layers[1]).toMatchObject({ name: 'up', config: { kind: 'resizing', size: [8, 15], interpolation: 'bilinear' } });
      expectRebuiltPredicts(model, x, keras, 5);
    }
    tf.dispose([x, conv]);
    lm.dispose();
  });

  it('leaves nearest upsampling, the same in Keras and tfjs, an upSampling2d', async () => {
    const lm = decoder('nearest');
    const { model } = await loadModel(handlerOf(asKeras2(await artifactsOf(lm))), { tf });
    expect(model.layers[1]).toMatchObject({ name: 'up', config: { kind: 'upSampling2d', size: [2, 3] } });
    lm.dispose();
  });
});
