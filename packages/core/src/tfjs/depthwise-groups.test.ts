/**
 * Keras' grouped convolutions whose groups equal their input channels — ConvNeXt's depthwise 7×7
 * written `Conv2D(dim, 7, groups=dim)`, and its 1-D twin — load (tfjs cannot build them) and compute
 * Keras' grouped convolution, written out below as loops over the kernel as Keras saves it
 * (`[kh, kw, channels / groups, filters]`); other groupings stay refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLayersModel } from './convert-to.js';
import { depthwise1dLayer } from './depthwise-1d-layers.js';
import { artifactsOf, asKeras3, clone, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts, predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

/**
 * Keras' grouped 2-D convolution of one image `x` `[h, w, c]` (same padding, stride 1) by `kernel`
 * `[kh][kw][c / groups][filters]`: output channel o reads the input channels of its group,
 * `floor(o / (filters / groups))`.
 */
function groupedConv(x: number[][][], kernel: number[][][][], bias: number[], groups: number): number[][][] {
  const c = x[0][0].length;
  const [kh, kw, perGroup, filters] = [kernel.length, kernel[0].length, kernel[0][0].length, kernel[0][0][0].length];
  const [top, left] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
  expect(perGroup).toBe(c / groups);
  return x.map((row, y) => row.map((_, xx) => bias.map((b, o) => {
    const group = Math.floor(o / (filters / groups));
    let sum = b;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let q = 0; q < perGroup; q++) sum += (x[y + i - top]?.[xx + j - left]?.[group * perGroup + q] ?? 0) * kernel[i][j][q][o];
    return sum;
  })));
}

/** The saved model with layer `layer` (a depthwise convolution) written as Keras writes the grouped `cls` it equals. */
function asGrouped(saved: tf.io.ModelArtifacts, layer: string, cls: 'Conv2D' | 'Conv1D', groups: number, filters: number): tf.io.ModelArtifacts {
  const topology = clone(saved.modelTopology) as Json;
  const entry = ((topology.config as { layers: Json[] }).layers).find((l) => (l.config as Json).name === layer)!;
  const { depth_multiplier: _m, depthwise_initializer: init, ...rest } = entry.config as Json;
  entry.class_name = cls;
  entry.config = { ...rest, filters, groups, ...(init === undefined ? {} : { kernel_initializer: init }) };
  const weightSpecs = saved.weightSpecs!.map((s) => (s.name === `${layer}/depthwise_kernel` ? { ...s, name: `${layer}/kernel`, shape: [...s.shape.slice(0, -2), 1, filters] } : s));
  return { ...saved, modelTopology: topology, weightSpecs };
}

describe('grouped convolutions whose groups are their input channels', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("ConvNeXt's depthwise Conv2D(groups = channels, filters = 2 × channels) loads (Keras 2 and Keras 3 files) as Keras' grouped convolution", async () => {
    const image = tf.input({ shape: [6, 6, 3], name: 'image' });
    const conv = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dwconv', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }).apply(image) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(conv) as tf.SymbolicTensor;
    const lm = tf.model({ inputs: image, outputs: tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(pooled) as tf.SymbolicTensor });
    const saved = asGrouped(await artifactsOf(lm), 'dwconv', 'Conv2D', 3, 6);
    // The kernel as Keras saves a grouped one: [3, 3, 1, 6].
    const [depthwise, bias] = lm.getLayer('dwconv').getWeights();
    const kernel = (depthwise.reshape([3, 3, 1, 6]).arraySync() as number[][][][]);
    const x = tf.randomUniform([2, 6, 6, 3], -1, 1, 'float32', 4);
    const convolved = tf.tensor4d((x.arraySync() as number[][][][]).map((img) => groupedConv(img, kernel, Array.from(bias.dataSync()), 3)));
    const expected = Array.from((lm.getLayer('head').apply(lm.getLayer('pool').apply(convolved)) as tf.Tensor).dataSync());
    for (const file of [saved, asKeras3(saved)]) {
      const { model } = await loadModel(handlerOf(file), { tf });
      expect(model.layers[0]).toMatchObject({ name: 'dwconv', config: { kind: 'depthwiseConv2d', depthMultiplier: 2, kernelSize: [3, 3] } });
      expect(model.layers[0].params.kernel!.shape).toEqual([3, 3, 3, 2]);
      expectRebuiltPredicts(model, x, expected, 5);
    }
    tf.dispose([x, convolved]);
    lm.dispose();
  });

  it('a Conv1D(groups = channels) loads as a DepthwiseConv1D and predicts as the grouped convolution', async () => {
    const lm = tf.sequential({ layers: [depthwise1dLayer(tf, 'DepthwiseConv1D', { kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dwconv', inputShape: [10, 4] } as never), tf.layers.globalAveragePooling1d({ name: 'pool' }), tf.layers.dense({ units: 2, name: 'head' })] });
    const saved = asGrouped(await artifactsOf(lm), 'dwconv', 'Conv1D', 4, 8);
    const [depthwise, bias] = lm.getLayer('dwconv').getWeights();
    // A sequence is a one-row image: the grouped 2-D loops with a [1, 3] window.
    const kernel = (depthwise.reshape([1, 3, 1, 8]).arraySync() as number[][][][]);
    const x = tf.randomUniform([2, 10, 4], -1, 1, 'float32', 5);
    const convolved = tf.tensor3d((x.arraySync() as number[][][]).map((seq) => groupedConv([seq], kernel, Array.from(bias.dataSync()), 4)[0]));
    const expected = Array.from((lm.getLayer('head').apply(lm.getLayer('pool').apply(convolved)) as tf.Tensor).dataSync());
    const { model } = await loadModel(handlerOf(saved), { tf });
    expect(model.layers.find((l) => l.name === 'dwconv')!.config).toMatchObject({ kind: 'depthwiseConv2d', depthMultiplier: 2, kernelSize: [1, 3] });
    const back = toLayersModel(model, tf);
    expect(Array.from(predictions(back, x))).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, convolved]);
    back.dispose();
    lm.dispose();
  });

  it('refuses other groupings by name', async () => {
    const lm = tf.sequential({ layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [5, 5, 4], name: 'grouped' }), tf.layers.flatten({ name: 'flat' })] });
    const saved = await artifactsOf(lm);
    const topology = clone(saved.modelTopology) as Json;
    ((topology.config as { layers: Json[] }).layers[0].config as Json).groups = 2;
    const weightSpecs = saved.weightSpecs!.map((s) => (s.name === 'grouped/kernel' ? { ...s, shape: [3, 3, 2, 4] } : s));
    await expect(loadModel(handlerOf({ ...saved, modelTopology: topology, weightSpecs }), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/layer "grouped" \(Conv2D\): groups 2 is not supported/) });
    lm.dispose();
  });
});
