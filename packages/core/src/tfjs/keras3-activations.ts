/**
 * Keras 3's activations where tfjs would compute another function or none: `hard_sigmoid` is
 * `relu6(x + 3) / 6` in Keras 3 but `0.2·x + 0.5` (clipped) in Keras 2 and tfjs, `leaky_relu` (slope
 * 0.2) is no tfjs activation, and the `LeakyReLU` layer names its slope `negative_slope`, which tfjs
 * ignores (it would use its default 0.3). A layer ending in such an activation is rewritten to end
 * linearly, followed by layers tfjs has that compute it exactly (`Rescaling` and a `ReLU` capped at
 * 1; `LeakyReLU`); where the activation acts inside a recurrence it cannot be split off and is refused.
 * `hard_silu` (alias `hard_swish`) becomes dc's tfjs activation of that name (hard-silu-activation.ts),
 * wherever it acts.
 */
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';
import { HARD_SILU, KERAS3_HARD_SILU_NAMES } from './hard-silu-activation.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { splitLayers } from './split-layers.js';

type Json = Record<string, unknown>;

/** The layers each Keras 3 activation becomes after its layer, named from the layer. */
const SPLIT_OFF: Readonly<Record<string, (layer: string) => Json[]>> = {
  hard_sigmoid: (layer) => [
    { class_name: 'Rescaling', config: { name: `${layer}_hard_sigmoid_scale`, scale: 1 / 6, offset: 0.5 } },
    { class_name: 'ReLU', config: { name: `${layer}_hard_sigmoid_clip`, max_value: 1 } },
  ],
  leaky_relu: (layer) => [{ class_name: 'LeakyReLU', config: { name: `${layer}_leaky_relu`, alpha: 0.2 } }],
};

/** Layers whose activation acts inside the layer (a recurrence, a wrapped layer), not on its output. */
const ACTS_INSIDE = new Set(['SimpleRNN', 'LSTM', 'GRU', 'RNN', 'Bidirectional', 'TimeDistributed', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D']);

/**
 * Rewrites, in place, the Keras 3 activations of `topology` (already in the Keras 2 dialect: calls
 * as `[layer, node, tensor, kwargs]` lists) so that tfjs computes what Keras 3 does; see the module.
 * `where` names the model in errors.
 */
export function splitKeras3Activations(topology: Json, where: string): void {
  splitLayers(topology, (layer) => {
    const lc = isObject(layer.config) ? layer.config : undefined;
    if (!lc) return undefined;
    if (layer.class_name === 'LeakyReLU' && 'negative_slope' in lc) {
      const { negative_slope: slope, ...rest } = lc;
      layer.config = { ...rest, alpha: slope };
    }
    const split = typeof lc.activation === 'string' && Object.hasOwn(SPLIT_OFF, lc.activation) && !ACTS_INSIDE.has(String(layer.class_name)) ? SPLIT_OFF[lc.activation] : undefined;
    if (!split) return undefined;
    lc.activation = 'linear';
    return split(String(lc.name));
  });
  // Every layer entry, wrapped and nested ones too, as split-layers left them.
  mapLayerEntries(topology, (entry) => resolveLeftovers(entry.config, where));
}

/**
 * Names Keras 3's `hard_swish` in a layer's `config` by its other name, `hard_silu` (dc's tfjs
 * activation), and refuses a Keras 3 activation left where tfjs would compute another function
 * (inside a recurrence or a wrapper). Returns undefined: the entry stays (the walk's "keep").
 */
function resolveLeftovers(config: Json, where: string): undefined {
  for (const key of ['activation', 'recurrent_activation'] as const) {
    const a = config[key];
    if (typeof a === 'string' && KERAS3_HARD_SILU_NAMES.has(a)) config[key] = HARD_SILU;
    if (typeof a !== 'string' || !Object.hasOwn(SPLIT_OFF, a)) continue;
    const layer = String(config.name ?? '?');
    throw new DcError('UNSUPPORTED_TOPOLOGY', `${where}: layer "${layer}" uses Keras 3's ${a} as its ${key === 'activation' ? 'activation' : 'recurrent activation'}, which tfjs computes ${a === 'hard_sigmoid' ? 'otherwise (0.2·x + 0.5, Keras 2\'s)' : 'nowhere'}`, {
      tensor: layer,
      hint: 'Inside a recurrent or wrapped layer the activation cannot be split off: use sigmoid (or tanh), retrain, and convert again.',
    });
  }
  return undefined;
}
