/**
 * Keras' `CenterCrop` at the front of an image classifier: tfjs 4.22's own layer rewrites the
 * model's input shape and shifts an odd margin, so dc loads it (tfjs and Keras 3 files) as the
 * window Keras crops — written out below by index — a `cropping2d`; an input smaller than the crop
 * (Keras resizes it) is refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCenterCrop } from './center-crop.js';
import { artifactsOf, asKeras3, clone, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

/** Images [h, w, 2] → CenterCrop(5, 4) → conv 3×3 → average → 3 classes, saved with the crop named as Keras names it. */
async function savedClassifier(h: number, w: number): Promise<{ lm: tf.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  registerCenterCrop(tf);
  const [cls] = tf.serialization.SerializationMap.getMap().classNameMap.DcCenterCrop as unknown as [new (a: object) => tf.layers.Layer];
  const image = tf.input({ shape: [h, w, 2], name: 'image' });
  const cropped = new cls({ height: 5, width: 4, name: 'crop' }).apply(image) as tf.SymbolicTensor;
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(cropped) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(conv) as tf.SymbolicTensor;
  const lm = tf.model({ inputs: image, outputs: tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(pooled) as tf.SymbolicTensor, name: 'cropped' });
  const artifacts = await artifactsOf(lm);
  const topology = clone(artifacts.modelTopology) as Json;
  for (const layer of (topology.config as { layers: Json[] }).layers) if (layer.class_name === 'DcCenterCrop') layer.class_name = 'CenterCrop';
  return { lm, artifacts: { ...artifacts, modelTopology: topology } };
}

describe("Keras' CenterCrop", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['odd margins (8 × 7 → 5 × 4: one row and one column more after)', 8, 7, [[1, 2], [1, 2]]],
    ['even margins (9 × 8 → 5 × 4)', 9, 8, [[2, 2], [2, 2]]],
    ['no margin on one axis (5 × 6 → 5 × 4)', 5, 6, [[0, 0], [1, 1]]],
  ] as const)('%s loads (tfjs and Keras 3 files) as the window Keras crops', async (_what, h, w, margins) => {
    const { lm, artifacts } = await savedClassifier(h, w);
    const x = tf.tensor4d(Array.from({ length: 2 * h * w * 2 }, (_, i) => Math.sin(i * 1.3)), [2, h, w, 2]);
    // Keras: rows floor((h − 5) / 2) .. + 5, columns floor((w − 4) / 2) .. + 4.
    const [top, left] = [Math.floor((h - 5) / 2), Math.floor((w - 4) / 2)];
    const pixels = x.arraySync() as number[][][][];
    const window = tf.tensor4d(pixels.map((image) => image.slice(top, top + 5).map((row) => row.slice(left, left + 4))));
    const head = (t: tf.Tensor) => lm.getLayer('head').apply(lm.getLayer('pool').apply(lm.getLayer('conv').apply(t))) as tf.Tensor;
    const expected = Array.from(head(window).dataSync());
    for (const file of [artifacts, asKeras3(artifacts)]) {
      const { model } = await loadModel(handlerOf(file), { tf });
      expect(model.inputShape).toEqual([h, w, 2]);
      expect(model.layers[0]).toMatchObject({ name: 'crop', config: { kind: 'cropping2d', amounts: margins } });
      expectRebuiltPredicts(model, x, expected, 6);
    }
    tf.dispose([x, window]);
    lm.dispose();
  });

  it('refuses an input smaller than the crop (Keras resizes it) by name', async () => {
    const { lm, artifacts } = await savedClassifier(4, 9);
    await expect(loadModel(handlerOf(artifacts), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "crop" \(CenterCrop\): the 4 × 9 input is smaller than the 5 × 4 crop, which Keras resizes and the IR does not$/) });
    lm.dispose();
  });
});
