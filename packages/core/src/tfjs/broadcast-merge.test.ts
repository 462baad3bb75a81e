import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { thrownError } from '../testing/error-code.js';
import { miniEfficientNet } from '../testing/efficient-net.js';
import { broadcastMergeNodes } from './broadcast-merge.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** tfjs's predictions and those of the model converted to the IR and back, on a seeded batch. */
async function both(original: tf.LayersModel): Promise<[Float32Array, Float32Array]> {
  const x = tf.randomNormal([3, ...(original.inputs[0].shape.slice(1) as number[])], 0, 1, 'float32', 11);
  const rebuilt = toLayersModel(fromLayersModel(original), tf);
  const [want, got] = [original.predict(x) as tf.Tensor, rebuilt.predict(x) as tf.Tensor];
  const out: [Float32Array, Float32Array] = [(await want.data()) as Float32Array, (await got.data()) as Float32Array];
  tf.dispose([x, want, got]);
  rebuilt.dispose();
  return out;
}

const maxDiff = ([a, b]: [Float32Array, Float32Array]) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('element-wise merges of inputs tfjs broadcasts', () => {
  it('an EfficientNet-style block (squeeze-and-excitation weights [1, 1, 16] times a [6, 6, 16] map; a [6, 6, 1] spatial gate times the features) converts with each small input repeated first, and predicts as tfjs does', async () => {
    const original = miniEfficientNet(tf);
    const ir = fromLayersModel(original);
    const byName = new Map(ir.layers.map((l) => [l.name, l]));
    expect(byName.get('se_excite')).toMatchObject({ inputs: ['dw_act', 'se_excite_broadcast1_positions'] });
    expect(byName.get('se_excite_broadcast1_positions')).toMatchObject({ config: { kind: 'upSampling2d', size: [6, 6], interpolation: 'nearest' }, inputs: ['se_expand'] });
    // The one-channel gate: its 36 values as a column, repeated across 8 columns, read back as channels.
    expect(['gated_broadcast1_channels_column', 'gated_broadcast1_channels', 'gated_broadcast1_channels_nd'].map((n) => byName.get(n)!.config)).toEqual([
      { kind: 'reshape', targetShape: [36, 1, 1] },
      { kind: 'upSampling2d', size: [1, 8], interpolation: 'nearest' },
      { kind: 'reshape', targetShape: [6, 6, 8] },
    ]);
    expect(byName.get('gated')!.inputs).toEqual(['residual', 'gated_broadcast1_channels_nd']);
    expect(maxDiff(await both(original))).toBeLessThan(1e-6);
    original.dispose();
  });

  it('retrains through the repeated inputs: the squeeze-and-excitation weights get gradients and the loss falls', async () => {
    const original = miniEfficientNet(tf);
    const rebuilt = toLayersModel(fromLayersModel(original), tf);
    const x = tf.randomNormal([24, 12, 12, 3], 0, 1, 'float32', 12);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 5), 'int32'), 5);
    rebuilt.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const before = rebuilt.getLayer('se_reduce').getWeights()[0].dataSync().slice();
    const losses = (await rebuilt.fit(x, y, { epochs: 6, batchSize: 24, verbose: 0 })).history.loss as number[];
    expect(losses[5]).toBeLessThan(losses[0]);
    expect(Array.from(rebuilt.getLayer('se_reduce').getWeights()[0].dataSync())).not.toEqual(Array.from(before));
    tf.dispose([x, y]);
    original.dispose();
    rebuilt.dispose();
  });

  it('broadcasts a rank-1 input to an image, a [1, c] step over a sequence, a single value over an image, and three inputs at once', async () => {
    const image = tf.input({ shape: [5, 4, 6] });
    const pooled = ap(tf.layers.globalAveragePooling2d({}), image);
    const channelWeights = ap(tf.layers.dense({ units: 6, activation: 'sigmoid' }), pooled); // [6]
    const scalar = ap(tf.layers.reshape({ targetShape: [1, 1, 1] }), ap(tf.layers.dense({ units: 1 }), pooled));
    const map = ap(tf.layers.conv2d({ filters: 1, kernelSize: 1 }), image);
    const merged = ap(tf.layers.average({}), [ap(tf.layers.multiply({}), [image, channelWeights]), ap(tf.layers.maximum({}), [image, scalar]), map]);
    const imageModel = tf.model({ inputs: image, outputs: ap(tf.layers.flatten({}), merged) });
    expect(maxDiff(await both(imageModel))).toBeLessThan(1e-6);
    const kinds = fromLayersModel(imageModel).layers.map((l) => l.config.kind);
    // Repeats: the [6] weights over positions; the single value over channels, then positions; the map over channels.
    expect(kinds.filter((k) => k === 'upSampling2d')).toHaveLength(4);

    const steps = tf.input({ shape: [7, 4] });
    const mean = ap(tf.layers.reshape({ targetShape: [1, 4] }), ap(tf.layers.globalAveragePooling1d({}), steps));
    const sequenceModel = tf.model({ inputs: steps, outputs: ap(tf.layers.flatten({}), ap(tf.layers.add({}), [steps, mean])) });
    expect(maxDiff(await both(sequenceModel))).toBeLessThan(1e-6);
    imageModel.dispose();
    sequenceModel.dispose();
  });

  it('shapes that do not broadcast, broadcast to rank 4 or leave an extent unknown are UNSUPPORTED_LAYER naming the layer and the shapes', () => {
    const refused = thrownError(() => broadcastMergeNodes('sum', ['a', 'b'], { kind: 'add' }, [[3, 4], [3, 5]]));
    expect([refused.code, refused.tensor]).toEqual(['UNSUPPORTED_LAYER', 'sum']);
    expect(refused.message).toContain('inputs of shapes [3, 4], [3, 5] do not broadcast');
    expect(thrownError(() => broadcastMergeNodes('sum', ['a', 'b'], { kind: 'add' }, [[2, 3, 4, 5], [1, 1, 1, 5]])).message).toContain('broadcast to rank 4, above 3');
    expect(thrownError(() => broadcastMergeNodes('sum', ['a', 'b'], { kind: 'add' }, [[null, 6], [1, 6]])).message).toContain('leave an extent unknown (null in tfjs)');
  });
});
