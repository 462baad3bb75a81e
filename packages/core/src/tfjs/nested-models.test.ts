import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError } from '../errors/dc-error.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { fileHandler } from './file-handler.js';
import { predictions, weightsOf } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }) });

/** A small pretrained-style backbone as its own functional model: conv → batch norm → ReLU6 → depthwise → global pool. */
function backbone(name: string): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3], name: `${name}_input` });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: `${name}_conv`, ...init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: `${name}_bn`, movingMeanInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 5 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6, name: `${name}_relu6` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu', name: `${name}_dw`, depthwiseInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({ name: `${name}_pool` }).apply(x) as tf.SymbolicTensor, name });
}

/** Every layer name of the IR the model converts to, and whether it predicts what tfjs predicts (converted back to tfjs, flat). */
function converted(lm: tf.LayersModel, x: tf.Tensor) {
  const ir = fromLayersModel(lm);
  const back = toLayersModel(ir, tf);
  const result = { names: ir.layers.map((l) => l.name), same: Array.from(predictions(back, x)), original: Array.from(predictions(lm, x)), weights: weightsOf(back).length };
  back.dispose();
  return result;
}

describe('nested models (a model used as a layer) are inlined', () => {
  let x: tf.Tensor;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    x = tf.randomUniform([3, 12, 12, 3], 0, 1, 'float32', 7);
  });

  it('a transfer-learning model (a backbone model applied to the input, a new head on it) converts as one graph and predicts as tfjs', () => {
    const input = tf.input({ shape: [12, 12, 3], name: 'image' });
    const features = backbone('mobile').apply(input) as tf.SymbolicTensor;
    const head = tf.layers.dense({ units: 4, activation: 'softmax', name: 'classes', ...init(3) }).apply(tf.layers.dropout({ rate: 0.2, name: 'drop' }).apply(features) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const lm = tf.model({ inputs: input, outputs: head, name: 'transfer' });
    const r = converted(lm, x);
    expect(r.names).toEqual(['mobile_conv', 'mobile_bn', 'mobile_relu6', 'mobile_dw', 'mobile_pool', 'drop', 'classes']);
    expect(r.same).toEqual(r.original.map((v) => expect.closeTo(v, 6)));
    // Every weight of the backbone and of the head is in the IR: conv, 4 batch-norm vectors, depthwise kernel and bias, dense kernel and bias.
    expect(r.weights).toBe(lm.getWeights().length);
  });

  it('a Teachable Machine-style model (a Sequential of a backbone Sequential and a head Sequential) converts, and so does a model nested two deep', () => {
    const base = tf.sequential({ name: 'sequential_1', layers: [backbone('truncated')] });
    const head = tf.sequential({ name: 'sequential_3', layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', name: 'dense_Dense1', ...init(4) }), tf.layers.dense({ units: 3, activation: 'softmax', name: 'dense_Dense2', ...init(5) })] });
    const outer = tf.sequential({ name: 'teachable', layers: [base, head] });
    const r = converted(outer, x);
    expect(r.names).toEqual(['truncated_conv', 'truncated_bn', 'truncated_relu6', 'truncated_dw', 'truncated_pool', 'dense_Dense1', 'dense_Dense2']);
    expect(r.same).toEqual(r.original.map((v) => expect.closeTo(v, 6)));
  });

  it('loads a saved model.json with nested models (checked layer by layer before tfjs builds it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-nested-'));
    const input = tf.input({ shape: [12, 12, 3], name: 'photo' });
    const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'verdict', ...init(6) }).apply(backbone('saved').apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const lm = tf.model({ inputs: input, outputs: out, name: 'saved-transfer' });
    await lm.save(fileHandler(join(dir, 'ok')));
    const { model } = await loadModel(join(dir, 'ok', 'model.json'), { tf });
    expect(model.layers.map((l) => l.name)).toEqual(['saved_conv', 'saved_bn', 'saved_relu6', 'saved_dw', 'saved_pool', 'verdict']);
    expect(model.inputShape).toEqual([12, 12, 3]);
  });

  it('refuses what it cannot inline, naming the layer: a nested model called twice, layer names that clash, a nested model of two outputs, masks across nesting', () => {
    const refusal = (lm: tf.LayersModel) => {
      try {
        fromLayersModel(lm);
      } catch (e) {
        return isDcError(e) ? [e.code, e.message] : e;
      }
      return undefined;
    };
    const input = tf.input({ shape: [12, 12, 3] });
    const twice = backbone('twice');
    const a = twice.apply(input) as tf.SymbolicTensor;
    const b = twice.apply(input) as tf.SymbolicTensor;
    expect(refusal(tf.model({ inputs: input, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor }))).toEqual(['UNSUPPORTED_TOPOLOGY', expect.stringMatching(/"twice" \((Functional|Model)\) is shared: it is called 2 times/)]);
    const clash = tf.layers.dense({ units: 8, name: 'clash_pool' }).apply(backbone('clash').apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
    expect(refusal(tf.model({ inputs: input, outputs: clash }))).toEqual(['UNSUPPORTED_TOPOLOGY', expect.stringContaining('layer name "clash_pool" is used twice')]);
    const inner = tf.input({ shape: [4] });
    const reused = tf.model({ inputs: inner, outputs: tf.layers.dense({ units: 2, name: 'same_name' }).apply(inner) as tf.SymbolicTensor, name: 'part' });
    const outerInput = tf.input({ shape: [4] });
    const outer = tf.layers.dense({ units: 2, name: 'after_part' }).apply(reused.apply(outerInput) as tf.SymbolicTensor) as tf.SymbolicTensor;
    expect(refusal(tf.model({ inputs: outerInput, outputs: outer }))).toBeUndefined();
    const split = tf.input({ shape: [4] });
    const pair = tf.model({ inputs: split, outputs: [tf.layers.dense({ units: 2 }).apply(split) as tf.SymbolicTensor, tf.layers.dense({ units: 2 }).apply(split) as tf.SymbolicTensor], name: 'pair' });
    const [p] = pair.apply(outerInput) as tf.SymbolicTensor[];
    expect(refusal(tf.model({ inputs: outerInput, outputs: p }))).toEqual(['UNSUPPORTED_TOPOLOGY', expect.stringMatching(/nested model "pair" \((Functional|Model)\) has 1 inputs and 2 outputs/)]);
    const ids = tf.input({ shape: [5] });
    const reader = tf.sequential({ name: 'reader', layers: [tf.layers.lstm({ inputShape: [5, 4], units: 3 })] });
    const masked = reader.apply(tf.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: 'ids_embed' }).apply(ids) as tf.SymbolicTensor) as tf.SymbolicTensor;
    expect(refusal(tf.model({ inputs: ids, outputs: masked }))).toEqual(['UNSUPPORTED_TOPOLOGY', expect.stringContaining('layer "ids_embed" (Embedding) makes a mask, and "reader" is a nested model')]);
  });
});
