import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { toDenseModel, type LayerTopology, type Model } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import { withRandomParams } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { randomInput } from '../testing/random-model.js';
import { tfjsCompatible } from './tfjs-compatible.js';

function model(inputShape: number[], layers: LayerTopology[]): Model {
  return withRandomParams({ name: 'm', inputShape, layers }, 9);
}

async function run(m: Model, x: tf.Tensor, backend = 'cpu'): Promise<Float32Array> {
  await tf.setBackend(backend);
  const lm = toLayersModel(tfjsCompatible(m), tf);
  const y = (lm.predict(x) as tf.Tensor).dataSync() as Float32Array;
  lm.dispose();
  return y;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('tfjsCompatible: exact rewrites for what tfjs 4.22 computes otherwise', () => {
  it('a dilated depthwise convolution is left to core\'s dilating layer and equals tfjs-core\'s dilated depthwiseConv2d (tfjs-layers ignores the dilation)', async () => {
    const m = model([7, 6, 2], [{ name: 'dw', config: { kind: 'depthwiseConv2d', kernelSize: [3, 2], strides: [1, 1], padding: 'same', dilationRate: [2, 3], depthMultiplier: 2, activation: 'linear', useBias: true } }]);
    await tf.setBackend('cpu');
    const x = tf.tensor(randomInput(1, 2 * 84), [2, 7, 6, 2]);
    const { kernel, bias } = m.layers[0].params;
    const expected = tf.add(tf.depthwiseConv2d(x as tf.Tensor4D, tf.tensor4d(kernel!.values, kernel!.shape as [number, number, number, number]), 1, 'same', 'NHWC', [2, 3]), tf.tensor1d(bias!.values)).dataSync();
    expect(maxDiff(await run(m, x), expected)).toBeLessThan(1e-6);
    expect(tfjsCompatible(m).layers[0]).toBe(m.layers[0]);
  });

  it('SAME padding that pads nothing runs as VALID, which tfjs-wasm computes right (its SAME is wrong there)', async () => {
    const m = model([6, 16, 1], [{ name: 'c', config: { kind: 'conv2d', filters: 4, kernelSize: [2, 1], strides: [2, 2], padding: 'same', activation: 'linear', useBias: false } }]);
    await tf.setBackend('cpu');
    const x = tf.tensor(randomInput(4, 96), [1, 6, 16, 1]);
    const k = m.layers[0].params.kernel!;
    const expected = tf.conv2d(x as tf.Tensor4D, tf.tensor4d(k.values, k.shape as [number, number, number, number]), 2, 'same').dataSync();
    await tf.setBackend('wasm');
    const onWasm = tf.conv2d(tf.tensor4d(x.dataSync(), [1, 6, 16, 1]), tf.tensor4d(k.values, k.shape as [number, number, number, number]), 2, 'same').dataSync();
    expect(maxDiff(onWasm, expected)).toBeGreaterThan(1e-3);
    expect(maxDiff(await run(m, tf.tensor4d(x.dataSync(), [1, 6, 16, 1]), 'wasm'), expected)).toBeLessThan(1e-6);
    expect(tfjsCompatible(m).layers[0].config).toMatchObject({ padding: 'valid' });
    await tf.setBackend('cpu');
  });

  it('PReLU sharing an axis after one it does not share gets alpha tiled, which tfjs-wasm computes right (it repeats alpha by its size)', async () => {
    const m = model([4, 5, 3], [
      { name: 'rows', config: { kind: 'prelu', sharedAxes: [2] } },
      { name: 'mixed', config: { kind: 'prelu', sharedAxes: [1, 3] } },
      { name: 'channels', config: { kind: 'prelu', sharedAxes: [1, 2] } },
    ]);
    const rewritten = tfjsCompatible(m);
    expect(rewritten.layers.map((l) => [l.config, l.params.alpha!.shape])).toEqual([[{ kind: 'prelu' }, [4, 5, 3]], [{ kind: 'prelu', sharedAxes: [1] }, [1, 5, 3]], [{ kind: 'prelu', sharedAxes: [1, 2] }, [1, 1, 3]]]);
    expect(rewritten.layers[2]).toBe(m.layers[2]);
    // Row 2, column 4, channel 1 of the tiled alpha is the original's slope of row 2, channel 1.
    expect(rewritten.layers[0].params.alpha!.values[(2 * 5 + 4) * 3 + 1]).toBe(m.layers[0].params.alpha!.values[2 * 3 + 1]);
    const x = tf.tensor(randomInput(6, 2 * 60).map((v) => v - 0.5), [2, 4, 5, 3]);
    await tf.setBackend('cpu');
    const alpha = m.layers[0].params.alpha!;
    const expected = tf.prelu(x, tf.tensor(alpha.values, [...alpha.shape])).dataSync();
    await tf.setBackend('wasm');
    const onWasm = tf.prelu(tf.tensor(x.dataSync(), x.shape), tf.tensor(alpha.values, [...alpha.shape])).dataSync();
    expect(maxDiff(onWasm, expected)).toBeGreaterThan(1e-3);
    const first = { ...m, layers: m.layers.slice(0, 1) };
    expect(Array.from(await run(first, tf.tensor(x.dataSync(), x.shape), 'wasm'))).toEqual(Array.from(expected));
    await tf.setBackend('cpu');
    expect(maxDiff(await run(m, x, 'cpu'), await run(m, tf.tensor(x.dataSync(), x.shape), 'wasm'))).toBe(0);
    await tf.setBackend('cpu');
  });

  it('leaves every other node as it is (the same objects)', () => {
    const m = toDenseModel({ name: 'n', inputShape: [3], layers: [{ name: 'd', config: { kind: 'dense', units: 2, activation: 'relu', useBias: false } }], tensors: new Map([['d/kernel', { layout: 'dense', shape: [3, 2], values: new Float32Array(6) }]]), stages: [] });
    expect(tfjsCompatible(m).layers[0]).toBe(m.layers[0]);
  });
});
