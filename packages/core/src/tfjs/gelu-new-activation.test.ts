import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { uncompressedModel } from '../testing/uncompressed.js';
import { fromLayersModel } from './convert-from.js';
import { dcmHandler } from './dcm-handler.js';
import { loadModel } from './load-model.js';

/** A GPT-2-style feed-forward block's activation: Dense(gelu_new) → Dense. */
function feedForward(): tf.LayersModel {
  return tf.sequential({
    name: 'feed-forward',
    layers: [
      tf.layers.dense({ name: 'up', inputShape: [6], units: 12, activation: 'gelu_new', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
      tf.layers.dense({ name: 'down', units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
    ],
  });
}

async function saved(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return artifacts!;
}

describe('the gelu_new activation in a model.json', () => {
  it('tfjs 4.22 alone cannot load its own save: it looks the activation up as geluNew', async () => {
    // Run first, in a fresh tfjs namespace state: nothing has registered the alias yet.
    await expect(tf.loadLayersModel(tf.io.fromMemory(await saved(feedForward())))).rejects.toThrow(/Unknown activation: geluNew/);
  });

  it('loads with loadModel and through dcmHandler, converts as gelu_new and predicts as the original', async () => {
    const original = feedForward();
    const x = tf.randomNormal([4, 6], 0, 2, 'float32', 4);
    const want = (original.predict(x) as tf.Tensor).dataSync();
    const { model } = await loadModel(tf.io.fromMemory(await saved(original)), { tf });
    expect(model.layers.map((l) => (l.config as { activation?: string }).activation)).toEqual(['gelu_new', 'linear']);
    const viaFile = await tf.loadLayersModel(dcmHandler(uncompressedModel(fromLayersModel(original)), { tf }));
    expect(Array.from((viaFile.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(want));
    // Saved again by tfjs, the alias still writes gelu_new.
    expect(JSON.stringify((await saved(viaFile)).modelTopology)).toContain('"activation":"gelu_new"');
    tf.dispose(x);
    original.dispose();
    viaFile.dispose();
  });
});
