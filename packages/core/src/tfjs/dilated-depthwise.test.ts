import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { thrownError } from '../testing/error-code.js';
import { withRandomParams } from '../testing/random-params.js';
import { uncompressedModel } from '../testing/uncompressed.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { dcmHandler } from './dcm-handler.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
};

/** A DeepLab-style block: a dilated SeparableConv2D (tfjs dilates its depthwise half) → ReLU → a 1×1 head. */
function atrous(padding: 'same' | 'valid', depthMultiplier: number, dilationRate: [number, number]): tf.LayersModel {
  return tf.sequential({
    name: 'atrous',
    layers: [
      tf.layers.separableConv2d({ name: 'aspp', inputShape: [9, 8, 3], filters: 4, kernelSize: 3, padding, depthMultiplier, dilationRate, activation: 'relu', depthwiseInitializer: tf.initializers.glorotNormal({ seed: 1 }), pointwiseInitializer: tf.initializers.glorotNormal({ seed: 2 }), biasInitializer: tf.initializers.randomNormal({ seed: 3 }) }),
      tf.layers.conv2d({ name: 'head', filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
    ],
  });
}

describe('a dilated depthwise node in tfjs (toLayersModel)', () => {
  for (const b of ['cpu', 'wasm']) {
    it(`${b}: a SeparableConv2D with dilationRate [2, 2] or [1, 3] (same, valid; depth multiplier 1, 2) round-trips with tfjs's own predictions`, async () => {
      await tf.setBackend(b);
      const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 5);
      for (const padding of ['same', 'valid'] as const) {
        for (const [multiplier, rate] of [[1, [2, 2]], [2, [1, 3]]] as const) {
          const original = atrous(padding, multiplier, [...rate]);
          const ir = fromLayersModel(original);
          expect(ir.layers.map((l) => [l.name, l.config.kind])).toEqual([['aspp_depthwise', 'depthwiseConv2d'], ['aspp', 'conv2d'], ['head', 'conv2d']]);
          const rebuilt = toLayersModel(ir, tf);
          const [want, got] = [original.predict(x) as tf.Tensor, rebuilt.predict(x) as tf.Tensor];
          expect(got.shape).toEqual(want.shape);
          expect(maxDiff(await got.data(), await want.data())).toBeLessThan(1e-5);
          tf.dispose([want, got]);
          original.dispose();
          rebuilt.dispose();
        }
      }
      x.dispose();
    });
  }

  it('retrains: tfjs has no gradient for a dilated depthwise convolution, the layer built for the node has one; the loss falls', async () => {
    await tf.setBackend('cpu');
    const original = atrous('same', 1, [2, 2]);
    const x = tf.randomNormal([16, 9, 8, 3], 0, 1, 'float32', 6);
    const y = tf.randomNormal([16, 9, 8, 2], 0, 1, 'float32', 7);
    original.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(original.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/dilation rates greater than 1 are not yet supported/);
    const rebuilt = toLayersModel(fromLayersModel(original), tf);
    rebuilt.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const before = rebuilt.getLayer('aspp_depthwise').getWeights()[0].dataSync().slice();
    const history = await rebuilt.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[4]).toBeLessThan(losses[0]);
    expect(maxDiff(rebuilt.getLayer('aspp_depthwise').getWeights()[0].dataSync(), before)).toBeGreaterThan(0);
    tf.dispose([x, y]);
    original.dispose();
    rebuilt.dispose();
  });

  it('dcmHandler (a file back to tfjs, and dc export) saves the dilated pair as one SeparableConv2D, which tfjs reloads dilated: predictions equal the original\'s, and the saved model converts again', async () => {
    await tf.setBackend('cpu');
    const original = atrous('same', 2, [2, 2]);
    const ir = fromLayersModel(original);
    const reloaded = await tf.loadLayersModel(dcmHandler(uncompressedModel(ir), { tf }));
    expect(reloaded.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'SeparableConv2D', 'Conv2D']);
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 8);
    const [want, got] = [original.predict(x) as tf.Tensor, reloaded.predict(x) as tf.Tensor];
    expect(maxDiff(await got.data(), await want.data())).toBeLessThan(1e-5);
    expect(fromLayersModel(reloaded).layers.map((l) => l.name)).toEqual(ir.layers.map((l) => l.name));
    tf.dispose([x, want, got]);
    original.dispose();
    reloaded.dispose();
  });

  it('dcmHandler saves any other dilated depthwise node (its own bias and activation) with its kernel spelled out undilated: tfjs reloads it as computed', async () => {
    await tf.setBackend('cpu');
    // A file's graph may hold what no SeparableConv2D gives: a dilated depthwise node with its own bias and activation.
    const model = withRandomParams({ name: 'dilated', inputShape: [9, 8, 3], layers: [
      { name: 'dwd', config: { kind: 'depthwiseConv2d', kernelSize: [3, 2], strides: [1, 1], padding: 'same', dilationRate: [2, 3], depthMultiplier: 2, activation: 'tanh', useBias: true } },
      { name: 'pw', config: { kind: 'conv2d', filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true } },
    ] }, 5);
    const reloaded = await tf.loadLayersModel(dcmHandler(uncompressedModel(model), { tf }));
    expect(reloaded.getLayer('dwd').getConfig()).toMatchObject({ kernelSize: [5, 4], dilationRate: [1, 1] });
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 9);
    const built = toLayersModel(model, tf);
    const [want, got] = [built.predict(x) as tf.Tensor, reloaded.predict(x) as tf.Tensor];
    expect(maxDiff(await got.data(), await want.data())).toBeLessThan(1e-5);
    tf.dispose([x, want, got]);
    built.dispose();
    reloaded.dispose();
  });

  it('a DepthwiseConv2D layer with dilationRate is refused by name: tfjs 4.22 runs it undilated, Keras dilated', () => {
    const lm = tf.sequential({ layers: [tf.layers.depthwiseConv2d({ name: 'dw', inputShape: [7, 7, 2], kernelSize: 3, dilationRate: 2, padding: 'same' })] });
    const e = thrownError(() => fromLayersModel(lm));
    expect([e.code, e.tensor]).toEqual(['UNSUPPORTED_LAYER', 'dw']);
    expect(e.message).toMatch(/dilationRate \[2, 2\] is not supported: tfjs 4\.22's DepthwiseConv2D computes none/);
    lm.dispose();
  });
});
