/**
 * Keras 3's `hard_silu` / `hard_swish` (x · relu6(x + 3) / 6), MobileNetV3's activation, which tfjs
 * lacks: dc's tfjs activation computes it and its gradient, and a Keras 3 MobileNetV3 block using it
 * (as an Activation layer and as a Dense layer's option, beside hard_sigmoid in its
 * squeeze-and-excitation gate) loads, converts, saves and reloads computing what the same block
 * built from tfjs's own layers computes (hard_silu written out as Rescaling, a capped ReLU and
 * Multiply).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLayersModel } from './convert-to.js';
import { registerHardSiluActivation } from './hard-silu-activation.js';
import { artifactsOf, asKeras3, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { predictions } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** Keras 3's hard_sigmoid from tfjs layers: relu6(x + 3) / 6 = min(max(x / 6 + 0.5, 0), 1). */
const gateLayers = (x: Sym, name: string) => ap(tf.layers.reLU({ maxValue: 1, name: `${name}_clip` }), ap(tf.layers.rescaling({ scale: 1 / 6, offset: 0.5, name: `${name}_scale` }), x));

/**
 * A MobileNetV3 bottleneck and head: stem convolution and BN, hard_swish, depthwise convolution,
 * squeeze-and-excitation gated by hard_sigmoid, projection and residual sum, then a Dense head in
 * hard_silu. `explicit`: hard_silu and hard_sigmoid from tfjs's layers (the reference); otherwise
 * linear placeholders the Keras 3 file then names by Keras 3's activations.
 */
function mobileNetV3Block(explicit: boolean): tf.LayersModel {
  const silu = (x: Sym, name: string) => (explicit ? ap(tf.layers.multiply({ name: `${name}_mul` }), [x, gateLayers(x, name)]) : ap(tf.layers.activation({ activation: 'linear', name }), x));
  const input = tf.input({ shape: [10, 10, 3], name: 'image' });
  const stem = ap(tf.layers.batchNormalization({ name: 'stem_bn' }), ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'stem' }), input));
  const a = silu(stem, 'stem_hard_swish');
  const dw = ap(tf.layers.reLU({ name: 'dw_relu' }), ap(tf.layers.batchNormalization({ name: 'dw_bn' }), ap(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw' }), a)));
  const squeezed = ap(tf.layers.dense({ units: 4, activation: 'relu', name: 'se_reduce' }), ap(tf.layers.globalAveragePooling2d({ name: 'se_pool' }), dw));
  const expanded = ap(tf.layers.dense({ units: 8, name: 'se_expand' }), squeezed);
  const gate = explicit ? gateLayers(expanded, 'se_gate') : ap(tf.layers.activation({ activation: 'linear', name: 'se_gate' }), expanded);
  const excited = ap(tf.layers.multiply({ name: 'se_mul' }), [dw, ap(tf.layers.reshape({ targetShape: [1, 1, 8], name: 'se_shape' }), gate)]);
  const projected = ap(tf.layers.batchNormalization({ name: 'project_bn' }), ap(tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, name: 'project' }), excited));
  const pooled = ap(tf.layers.globalAveragePooling2d({ name: 'pool' }), ap(tf.layers.add({ name: 'residual' }), [a, projected]));
  const head = ap(tf.layers.dense({ units: 12, name: 'head' }), pooled);
  const logits = ap(tf.layers.dense({ units: 5, activation: 'softmax', name: 'logits' }), explicit ? ap(tf.layers.multiply({ name: 'head_mul' }), [head, gateLayers(head, 'head')]) : head);
  return tf.model({ inputs: input, outputs: logits, name: 'mobilenet_v3_block' });
}

/** Every weight of `model` drawn from a fixed seed (BN variances positive), wide enough that the activations saturate. */
function seedWeights(model: tf.LayersModel): void {
  const drawn = model.weights.map((w, i) => tf.tidy(() => {
    const normal = tf.randomNormal(w.shape as number[], 0, 1, 'float32', 300 + i);
    return /variance/.test(w.originalName) ? normal.abs().add(0.3) : normal;
  }));
  model.setWeights(drawn);
  tf.dispose(drawn);
}

/** The config of layer `name` in a Keras 3 topology's top model. */
function configOf(artifacts: tf.io.ModelArtifacts, name: string): Json {
  const layers = ((artifacts.modelTopology as Json).model_config as { config: { layers: { config: Json }[] } }).config.layers;
  return layers.find((l) => l.config.name === name)!.config;
}

describe("Keras 3's hard_silu (hard_swish)", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('dc\'s tfjs activation computes x · relu6(x + 3) / 6 and its gradient, under both names tfjs looks it up by', () => {
    registerHardSiluActivation(tf);
    registerHardSiluActivation(tf);
    const x = tf.tensor1d([-5, -3, -1.5, 0, 1, 2.5, 3, 7]);
    for (const activation of ['hard_silu', 'hardSilu']) {
      const layer = tf.layers.activation({ activation: activation as never });
      expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual([0, -0, -0.375, 0, 2 / 3, 2.5 * (5.5 / 6), 3, 7].map((v) => expect.closeTo(v, 6)));
      expect(layer.getConfig().activation).toBe('hard_silu');
    }
    // d/dx: 0 below -3, (2x + 3) / 6 between, 1 above 3.
    const grad = tf.grad((t: tf.Tensor) => (tf.layers.activation({ activation: 'hard_silu' as never }).apply(t) as tf.Tensor).sum())(tf.tensor1d([-4, -1.5, 1, 4]));
    expect(Array.from(grad.dataSync())).toEqual([0, 0, 5 / 6, 1].map((v) => expect.closeTo(v, 6)));
    tf.dispose([x, grad]);
  });

  it('a Keras 3 MobileNetV3 block (hard_swish layer, hard_silu Dense, hard_sigmoid gate) loads, converts, saves and reloads computing what tfjs\'s own layers compute', async () => {
    const source = mobileNetV3Block(false);
    seedWeights(source);
    const reference = mobileNetV3Block(true);
    for (const layer of source.layers) if (layer.weights.length > 0) reference.getLayer(layer.name).setWeights(layer.getWeights());
    const keras3 = asKeras3(await artifactsOf(source));
    configOf(keras3, 'stem_hard_swish').activation = 'hard_swish';
    configOf(keras3, 'head').activation = 'hard_silu';
    configOf(keras3, 'se_gate').activation = 'hard_sigmoid';

    const { model } = await loadModel(handlerOf(keras3), { tf });
    const nodes = new Map(model.layers.map((l) => [l.name, l.config]));
    expect(nodes.get('stem_hard_swish')).toEqual({ kind: 'activation', activation: 'hard_silu' });
    expect(nodes.get('head')).toEqual(expect.objectContaining({ kind: 'dense', activation: 'hard_silu' }));
    expect(nodes.get('se_gate_hard_sigmoid_clip')).toEqual({ kind: 'activation', activation: 'relu', maxValue: 1 });

    const x = tf.randomUniform([16, 10, 10, 3], -2, 2, 'float32', 11);
    // The stem's pre-activations reach both saturated sides of hard_silu.
    const stem = tf.model({ inputs: reference.inputs, outputs: reference.getLayer('stem_bn').output as Sym });
    const pre = (stem.predict(x) as tf.Tensor).dataSync();
    expect(pre.some((v) => v < -3) && pre.some((v) => v > 3)).toBe(true);
    const expected = predictions(reference, x);
    const converted = toLayersModel(model, tf);
    expect(Array.from(predictions(converted, x))).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));

    // Saved by tfjs (hard_silu by name) and loaded again, by tfjs and by dc.
    const saved = await artifactsOf(converted);
    expect(JSON.stringify(saved.modelTopology)).toContain('"activation":"hard_silu"');
    const reloaded = await tf.loadLayersModel(handlerOf(saved));
    expect(Array.from(predictions(reloaded, x))).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));
    const again = await loadModel(handlerOf(saved), { tf });
    const siluNodes = (m: typeof model) => m.layers.filter((l) => (l.config as { activation?: string }).activation === 'hard_silu').map((l) => [l.name, l.config]);
    expect(siluNodes(again.model)).toEqual(siluNodes(model));
    expect(siluNodes(model).map(([name]) => name)).toEqual(['stem_hard_swish', 'head']);
    // `stem` shares its layers with `reference`, disposed with it.
    x.dispose();
    for (const m of [converted, reloaded, source]) m.dispose();
    reference.dispose();
  });
});
