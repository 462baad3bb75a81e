/**
 * Layer options Keras writes that tfjs 4 reads past without computing: a model.json holding one
 * would load and run another function than the one trained (a ReLU's `negative_slope` or
 * `threshold`, Keras 3's `rms_scaling` layer normalisation, Keras 2's time-major LSTM and GRU, a
 * 1-D global pooling's `keepdims`, a `Bidirectional`'s own `backward_layer`) or fail on its weights'
 * shapes with nothing to say why (grouped convolutions). Each is refused by name before anything is built.
 */
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';

/** What tfjs would do without an option, for each (class, option) it drops; `isDefault` tells the value tfjs computes anyway. */
const DROPPED: readonly { readonly cls: string; readonly option: string; readonly isDefault: (v: unknown) => boolean; readonly why: string; readonly hint: string }[] = [
  { cls: 'ReLU', option: 'negative_slope', isDefault: (v) => v == null || v === 0, why: 'tfjs\'s ReLU has no slope below zero (it would compute 0 there)', hint: 'Use LeakyReLU(alpha) for a slope below zero (with no max_value), and convert again.' },
  { cls: 'ReLU', option: 'threshold', isDefault: (v) => v == null || v === 0, why: 'tfjs\'s ReLU has no threshold (it would cut at 0)', hint: 'Use ThresholdedReLU(theta) for a threshold (with no slope and no max_value), and convert again.' },
  { cls: 'LayerNormalization', option: 'rms_scaling', isDefault: (v) => v == null || v === false, why: 'tfjs normalises by mean and variance, never by the root mean square alone', hint: 'Only mean-and-variance layer normalisation (rms_scaling=False) is supported.' },
  ...['Conv1D', 'Conv2D'].map((cls) => ({ cls, option: 'groups', isDefault: (v: unknown) => v == null || v === 1, why: 'tfjs convolves every input channel with every filter (no groups)', hint: 'Only ungrouped convolutions (groups=1) and groups equal to the input channels (a depthwise convolution, read as DepthwiseConv2D) are supported.' })),
  ...['GlobalAveragePooling1D', 'GlobalMaxPooling1D'].map((cls) => ({ cls, option: 'keepdims', isDefault: (v: unknown) => v == null || v === false, why: 'tfjs pools a sequence to [features], never [1, features]', hint: 'Pool with keepdims=False (a Reshape([1, -1]) after it keeps the axis), or use the 2-D pooling of an image, whose keepdims dc reads.' })),
  ...['LSTM', 'GRU'].map((cls) => ({ cls, option: 'time_major', isDefault: (v: unknown) => v == null || v === false, why: 'tfjs reads the batch first and the steps second, so it would read each batch as steps', hint: 'Give the recurrent layer [batch, steps, features] (time_major=False), and convert again.' })),
];

/**
 * What sets a `Bidirectional`'s `backward_layer` (which Keras 3 always writes) apart from its layer
 * run backwards, the only backward pass tfjs computes (it ignores `backward_layer`); undefined where
 * nothing does or there is none.
 */
function backwardDifference(config: Record<string, unknown>): string | undefined {
  const [forward, backward] = [config.layer, config.backward_layer];
  if (!isObject(backward)) return undefined;
  if (!isObject(forward) || forward.class_name !== backward.class_name) return `its class ${JSON.stringify(backward.class_name)}`;
  const [f, b] = [isObject(forward.config) ? forward.config : {}, isObject(backward.config) ? backward.config : {}];
  if ((b.go_backwards === true) === (f.go_backwards === true)) return 'it reads the steps in the same order as the layer';
  const option = [...new Set([...Object.keys(f), ...Object.keys(b)])].find((k) => k !== 'name' && k !== 'go_backwards' && JSON.stringify(f[k]) !== JSON.stringify(b[k]));
  return option === undefined ? undefined : `its ${option} ${JSON.stringify(b[option])} (the layer's: ${JSON.stringify(f[option])})`;
}

/** Refuses `entry` (a layer as model.json lists it, `{ class_name, config }`) if it sets an option tfjs would drop; `UNSUPPORTED_LAYER`. */
export function checkDroppedOptions(entry: Record<string, unknown>, name: string, source: string): void {
  const config = isObject(entry.config) ? entry.config : {};
  const backward = entry.class_name === 'Bidirectional' ? backwardDifference(config) : undefined;
  if (backward !== undefined) {
    throw new DcError('UNSUPPORTED_LAYER', `${source}: layer "${name}" (Bidirectional): a backward_layer unlike its layer run backwards is not supported (${backward}): tfjs runs the layer's mirror backwards and ignores backward_layer`, {
      tensor: name,
      hint: 'Give Bidirectional no backward_layer of its own (Keras then mirrors the layer), retrain, and convert again.',
    });
  }
  for (const d of DROPPED) {
    if (entry.class_name !== d.cls || d.isDefault(config[d.option])) continue;
    throw new DcError('UNSUPPORTED_LAYER', `${source}: layer "${name}" (${d.cls}): ${d.option} ${JSON.stringify(config[d.option])} is not supported: ${d.why}`, { tensor: name, hint: d.hint });
  }
}
