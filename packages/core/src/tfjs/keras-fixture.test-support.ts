/**
 * A model.json + weight shards in the layout `tensorflowjs_converter --input_format keras` writes
 * for a tf.keras 2 functional model: `modelTopology.model_config` with snake_case keys,
 * `inbound_nodes` lists, a `training_config` (loss object with `from_logits`, metrics as
 * `MeanMetricWrapper` entries), one weight group split over two shards mid-weight, one weight
 * quantized to uint8 and one to float16 — built here with our own numbers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromFloat16Bits, toFloat16Bits } from '../container/float16.js';
import { createRandom } from '../random.js';

const init = { class_name: 'GlorotUniform', config: { seed: null } };
const zeros = { class_name: 'Zeros', config: {} };
const common = (name: string) => ({ name, trainable: true, dtype: 'float32' });
const inbound = (...names: string[]) => [names.map((n) => [n, 0, 0, {}])];

/** The topology: conv → BN (axis [3], as Keras 2 saves it) → ReLU6 → depthwise → add → GAP → dense logits. */
function modelConfig() {
  return {
    class_name: 'Functional',
    config: {
      name: 'keras_tiny',
      layers: [
        { class_name: 'InputLayer', name: 'input_1', config: { batch_input_shape: [null, 6, 6, 2], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, inbound_nodes: [] },
        {
          class_name: 'Conv2D', name: 'conv2d', inbound_nodes: inbound('input_1'),
          config: { ...common('conv2d'), filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: false, kernel_initializer: init, bias_initializer: zeros, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null },
        },
        {
          class_name: 'BatchNormalization', name: 'batch_normalization', inbound_nodes: inbound('conv2d'),
          config: { ...common('batch_normalization'), axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true, beta_initializer: zeros, gamma_initializer: { class_name: 'Ones', config: {} }, moving_mean_initializer: zeros, moving_variance_initializer: { class_name: 'Ones', config: {} }, beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null },
        },
        { class_name: 'ReLU', name: 're_lu', inbound_nodes: inbound('batch_normalization'), config: { ...common('re_lu'), max_value: 6.0, negative_slope: 0.0, threshold: 0.0 } },
        {
          class_name: 'DepthwiseConv2D', name: 'depthwise_conv2d', inbound_nodes: inbound('re_lu'),
          config: { ...common('depthwise_conv2d'), kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true, bias_initializer: zeros, bias_regularizer: null, activity_regularizer: null, bias_constraint: null, depth_multiplier: 1, depthwise_initializer: init, depthwise_regularizer: null, depthwise_constraint: null },
        },
        { class_name: 'Add', name: 'add', inbound_nodes: inbound('re_lu', 'depthwise_conv2d'), config: common('add') },
        { class_name: 'GlobalAveragePooling2D', name: 'global_average_pooling2d', inbound_nodes: inbound('add'), config: { ...common('global_average_pooling2d'), data_format: 'channels_last', keepdims: false } },
        {
          class_name: 'Dense', name: 'dense', inbound_nodes: inbound('global_average_pooling2d'),
          config: { ...common('dense'), units: 4, activation: 'linear', use_bias: true, kernel_initializer: init, bias_initializer: zeros, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null },
        },
      ],
      input_layers: [['input_1', 0, 0]],
      output_layers: [['dense', 0, 0]],
    },
  };
}

/** Weight entries in manifest order: name, shape, and how it is stored. */
const WEIGHTS: readonly { name: string; shape: number[]; store: 'float32' | 'uint8' | 'float16' }[] = [
  { name: 'conv2d/kernel', shape: [3, 3, 2, 3], store: 'float32' },
  { name: 'batch_normalization/gamma', shape: [3], store: 'float32' },
  { name: 'batch_normalization/beta', shape: [3], store: 'float32' },
  { name: 'batch_normalization/moving_mean', shape: [3], store: 'float32' },
  { name: 'batch_normalization/moving_variance', shape: [3], store: 'float32' },
  { name: 'depthwise_conv2d/depthwise_kernel', shape: [3, 3, 3, 1], store: 'float16' },
  { name: 'depthwise_conv2d/bias', shape: [3], store: 'float32' },
  { name: 'dense/kernel', shape: [3, 4], store: 'uint8' },
  { name: 'dense/bias', shape: [4], store: 'float32' },
];

/** What the fixture's weights decode to (dequantized exactly as tfjs does), by weight name. */
export type KerasFixtureWeights = Map<string, Float32Array>;

/**
 * Writes the fixture into `dir` (model.json, group1-shard1of2.bin, group1-shard2of2.bin) and
 * returns the float32 values each weight must load as.
 */
export async function writeKerasFixture(dir: string, seed = 1): Promise<KerasFixtureWeights> {
  await mkdir(dir, { recursive: true });
  const r = createRandom(seed);
  const parts: Uint8Array[] = [];
  const expected: KerasFixtureWeights = new Map();
  const manifest = WEIGHTS.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const raw = Float64Array.from({ length: n }, () => (w.name.endsWith('variance') ? 0.5 + r.next() : r.next() * 2 - 1));
    if (w.store === 'uint8') {
      const min = -1;
      const scale = 2 / 255;
      const q = Uint8Array.from(raw, (v) => Math.round((v - min) / scale));
      parts.push(q);
      expected.set(w.name, Float32Array.from(q, (v) => v * scale + min));
      return { name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } };
    }
    if (w.store === 'float16') {
      const h = Uint16Array.from(raw, (v) => toFloat16Bits(v));
      parts.push(new Uint8Array(h.buffer));
      const f32 = new Float32Array(n);
      h.forEach((bits, i) => (f32[i] = fromFloat16Bits(bits))); // exact, as tfjs decodes
      expected.set(w.name, f32);
      return { name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'float16' } };
    }
    const f = Float32Array.from(raw);
    parts.push(new Uint8Array(f.buffer));
    expected.set(w.name, f);
    return { name: w.name, shape: w.shape, dtype: 'float32' };
  });
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const cut = 260; // mid-weight, at a multiple of 4 bytes, the last shard the smaller, as the converter's 4 MB shards fall
  await writeFile(join(dir, 'group1-shard1of2.bin'), all.subarray(0, cut));
  await writeFile(join(dir, 'group1-shard2of2.bin'), all.subarray(cut));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: modelConfig(),
      training_config: {
        loss: { class_name: 'SparseCategoricalCrossentropy', config: { reduction: 'auto', name: 'sparse_categorical_crossentropy', from_logits: true, ignore_class: null } },
        metrics: [[{ class_name: 'MeanMetricWrapper', config: { name: 'accuracy', dtype: 'float32', fn: 'sparse_categorical_accuracy' } }]],
        weighted_metrics: null,
        loss_weights: null,
        optimizer_config: { class_name: 'Custom>Adam', config: { name: 'Adam', weight_decay: null, learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false, is_legacy_optimizer: false } },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: manifest }],
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  return expected;
}

/** A copy of the fixture's model.json text with one layer's class renamed (an unsupported or custom layer). */
export function withLayerClass(json: string, layer: string, className: string): string {
  const parsed = JSON.parse(json) as { modelTopology: { model_config: { config: { layers: { name: string; class_name: string }[] } } } };
  for (const l of parsed.modelTopology.model_config.config.layers) if (l.name === layer) l.class_name = className;
  return JSON.stringify(parsed);
}
