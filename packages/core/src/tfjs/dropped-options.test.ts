/**
 * Options Keras writes that tfjs 4 would read past: each refused by name before anything is built,
 * in a Keras 2 file as in a Keras 3 one, while the same layers at the values tfjs computes pass.
 */
import { describe, expect, it } from 'vitest';
import { checkTopology, type LayersModelJson } from './model-json.js';

const modelOf = (layer: Record<string, unknown>): LayersModelJson => ({
  modelTopology: { keras_version: '2.15.0', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 4, batch_input_shape: [null, 8, 8, 3] } }, layer] } } },
  weightsManifest: [],
});

function refusal(cls: string, config: Record<string, unknown>): unknown {
  try {
    checkTopology(modelOf({ class_name: cls, config: { name: 'layer', ...config } }), 'model.json');
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('layer options tfjs would drop', () => {
  it.each([
    ['ReLU', { negative_slope: 0.1 }, /layer "layer" \(ReLU\): negative_slope 0\.1 is not supported: tfjs's ReLU has no slope below zero \(it would compute 0 there\)$/, /^Use LeakyReLU\(alpha\)/],
    ['ReLU', { threshold: 0.5, max_value: 6 }, /layer "layer" \(ReLU\): threshold 0\.5 is not supported: tfjs's ReLU has no threshold \(it would cut at 0\)$/, /^Use ThresholdedReLU\(theta\)/],
    ['LayerNormalization', { axis: -1, rms_scaling: true }, /layer "layer" \(LayerNormalization\): rms_scaling true is not supported: tfjs normalises by mean and variance, never by the root mean square alone$/, /rms_scaling=False/],
    ['Conv2D', { filters: 4, kernel_size: [3, 3], groups: 2 }, /layer "layer" \(Conv2D\): groups 2 is not supported: tfjs convolves every input channel with every filter \(no groups\)$/, /DepthwiseConv2D/],
    ['GlobalAveragePooling1D', { keepdims: true }, /layer "layer" \(GlobalAveragePooling1D\): keepdims true is not supported: tfjs pools a sequence to \[features\], never \[1, features\]$/, /keepdims=False/],
    ['LSTM', { units: 3, time_major: true }, /layer "layer" \(LSTM\): time_major true is not supported: tfjs reads the batch first and the steps second, so it would read each batch as steps$/, /time_major=False/],
  ])('refuses %s with %j', (cls, config, message, hint) => {
    expect(refusal(cls, config)).toMatchObject({ code: 'UNSUPPORTED_LAYER', tensor: 'layer', message: expect.stringMatching(message), hint: expect.stringMatching(hint) });
  });

  // Keras 3 writes Bidirectional's backward layer always: the layer's config under another name, reading backwards.
  const lstm = (config: Record<string, unknown>) => ({ module: 'keras.layers', class_name: 'LSTM', config: { name: 'lstm', units: 3, activation: 'tanh', go_backwards: false, ...config }, registered_name: null });
  const bidirectional = (backward: Record<string, unknown>) => ({ merge_mode: 'concat', layer: lstm({}), backward_layer: backward });

  it.each([
    [{ units: 4 }, /its units 4 \(the layer's: 3\)/],
    [{ activation: 'relu' }, /its activation "relu" \(the layer's: "tanh"\)/],
    [{ go_backwards: false }, /it reads the steps in the same order as the layer/],
  ])("refuses a Bidirectional whose backward_layer differs from its layer run backwards: %j", (change, why) => {
    expect(refusal('Bidirectional', bidirectional(lstm({ name: 'backward_lstm', go_backwards: true, ...change })))).toMatchObject({
      code: 'UNSUPPORTED_LAYER',
      message: expect.stringMatching(new RegExp(`layer "layer" \\(Bidirectional\\): a backward_layer unlike its layer run backwards is not supported \\(${why.source}\\): tfjs runs the layer's mirror backwards and ignores backward_layer$`)),
      hint: expect.stringMatching(/^Give Bidirectional no backward_layer/),
    });
  });

  it('refuses a Bidirectional whose backward_layer is of another class', () => {
    expect(refusal('Bidirectional', bidirectional({ ...lstm({ name: 'backward_gru', go_backwards: true }), class_name: 'GRU' }))).toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/\(its class "GRU"\)/) });
  });

  it.each([
    ['ReLU', { negative_slope: 0.0, threshold: 0.0, max_value: 6 }],
    ['Bidirectional', bidirectional(lstm({ name: 'backward_lstm', go_backwards: true }))],
    ['Bidirectional', { merge_mode: 'concat', layer: lstm({}) }],
    ['ReLU', { negative_slope: null, threshold: null, max_value: null }],
    ['LayerNormalization', { axis: -1, rms_scaling: false }],
    ['Conv2D', { filters: 4, kernel_size: [3, 3], groups: 1 }],
    ['GRU', { units: 3, time_major: false }],
  ])('passes %s with %j, which tfjs computes', (cls, config) => {
    expect(refusal(cls, config)).toBeUndefined();
  });
});
