/**
 * "model.json out": every op case of the conformance suite and 40 random graphs, saved as a tfjs
 * model.json by `dcmHandler` (what `dc export` writes) and loaded again by `tf.loadLayersModel`,
 * predict as the conformance reference computes the file. What tfjs reloads otherwise than it
 * saves (a dilated depthwise convolution, a softmax along a middle axis, `gelu_new`, Keras'
 * `Subtract`) is written so that it reloads as computed.
 */
import { dcmHandler, registerSubtractLayer } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { opCases } from './testing/op-cases.js';
import { randomGraph } from './testing/random-graph.js';
import { randomInput } from './testing/random-model.js';
import { maxRelativeError, referencePredict } from './testing/reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // What a user loading dc export's model.json calls first: tfjs has no Subtract layer.
  registerSubtractLayer(tf);
});

const CASES = [...opCases(), ...Array.from({ length: 40 }, (_, i) => ({ name: `random graph #${i}`, model: () => randomGraph(i) }))];

describe('a file saved as a tfjs model.json and loaded again predicts as the reference', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const cm = c.model();
      const batch = 3;
      const x = randomInput(5, batch * cm.inputShape.reduce((a, b) => a * b, 1));
      const want = await referencePredict(tf, cm, x, batch);
      const lm = await tf.loadLayersModel(dcmHandler(cm, { tf }));
      const input = tf.tensor(x, [batch, ...cm.inputShape]);
      const got = lm.predict(input) as tf.Tensor;
      expect(maxRelativeError((await got.data()) as Float32Array, want, batch)).toBeLessThanOrEqual(1e-5);
      tf.dispose([input, got]);
      lm.dispose();
    });
  }
});
