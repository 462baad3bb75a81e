/**
 * Keras 3's activations where tfjs would compute another function or none: `hard_sigmoid` is
 * `relu6(x + 3) / 6` in Keras 3 but `0.2·x + 0.5` (clipped) in Keras 2 and tfjs, `leaky_relu` (slope
 * 0.2) is no tfjs activation, and the `LeakyReLU` layer names its slope `negative_slope`, which tfjs
 * ignores (it would use its default 0.3). A layer ending in such an activation is rewritten to end
 * linearly, followed by layers tfjs has that compute it exactly (`Rescaling` and a `ReLU` capped at
 * 1; `LeakyReLU`); where the activation acts inside a recurrence it cannot be split off and is refused.
 */
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';
import { NESTED_MODELS } from './model-json.js';

type Json = Record<string, unknown>;

/** The layers each Keras 3 activation becomes after its layer, named from the layer. */
const SPLIT_OFF: Readonly<Record<string, (layer: string) => Json[]>> = {
  hard_sigmoid: (layer) => [
    { class_name: 'Rescaling', config: { name: `${layer}_hard_sigmoid_scale`, scale: 1 / 6, offset: 0.5 } },
    { class_name: 'ReLU', config: { name: `${layer}_hard_sigmoid_clip`, max_value: 1 } },
  ],
  leaky_relu: (layer) => [{ class_name: 'LeakyReLU', config: { name: `${layer}_leaky_relu`, alpha: 0.2 } }],
};

/** Keras 3 activations with no tfjs counterpart that a layer could be split into (x times a gate). */
const UNSPLITTABLE = new Set(['hard_silu', 'hard_swish']);

/** Layers whose activation acts inside the layer (a recurrence, a wrapped layer), not on its output. */
const ACTS_INSIDE = new Set(['SimpleRNN', 'LSTM', 'GRU', 'RNN', 'Bidirectional', 'TimeDistributed', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D']);

/**
 * Rewrites, in place, the Keras 3 activations of `topology` (already in the Keras 2 dialect: calls
 * as `[layer, node, tensor, kwargs]` lists) so that tfjs computes what Keras 3 does; see the module.
 * `where` names the model in errors.
 */
export function splitKeras3Activations(topology: Json, where: string): void {
  const names = new Set<string>();
  const models: Json[] = [];
  gather(isObject(topology.model_config) ? topology.model_config : topology, names, models, 0);
  for (const model of models) splitIn(model, names);
  refuseLeftovers(topology, where, 0);
}

/** Deeper than this, a forged topology is not searched further (the dialect rewrite refused it already). */
const MAX_DEPTH = 64;

/** Every model config (the model's and nested ones) into `models`, every layer name into `names`. */
function gather(model: Json, names: Set<string>, models: Json[], depth: number): void {
  const layers = layersOf(model);
  if (!layers || depth > MAX_DEPTH) return;
  models.push(model);
  for (const layer of layers) {
    const config = isObject(layer.config) ? layer.config : {};
    if (typeof config.name === 'string') names.add(config.name);
    if (typeof layer.class_name === 'string' && NESTED_MODELS.has(layer.class_name)) gather(layer, names, models, depth + 1);
  }
}

function layersOf(model: Json): Json[] | undefined {
  const layers = isObject(model.config) ? model.config.layers : undefined;
  return Array.isArray(layers) && layers.every(isObject) ? layers : undefined;
}

/** A name not in `names` (which it joins): `base`, else `base_1`, `base_2`, ... */
function fresh(base: string, names: Set<string>): string {
  let name = base;
  for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
  names.add(name);
  return name;
}

/** Splits the activations of one model's own layers off into layers after them, rewiring its calls. */
function splitIn(model: Json, names: Set<string>): void {
  const config = model.config as Json;
  const functional = model.class_name !== 'Sequential';
  const out: Json[] = [];
  for (const layer of config.layers as Json[]) {
    out.push(layer);
    const lc = isObject(layer.config) ? layer.config : undefined;
    if (lc && layer.class_name === 'LeakyReLU' && 'negative_slope' in lc) {
      const { negative_slope: slope, ...rest } = lc;
      layer.config = { ...rest, alpha: slope };
    }
    const split = lc && typeof lc.activation === 'string' && !ACTS_INSIDE.has(String(layer.class_name)) ? SPLIT_OFF[lc.activation] : undefined;
    if (!lc || !split || typeof lc.name !== 'string') continue;
    lc.activation = 'linear';
    const added = split(lc.name).map((entry) => {
      const c = entry.config as Json;
      const name = fresh(String(c.name), names);
      return { ...entry, name, config: { ...c, name, trainable: true, dtype: 'float32' } };
    });
    if (functional) wire(config, lc.name, layer, added);
    out.push(...added);
  }
  config.layers = out;
}

/**
 * Calls each added layer on the one before it (the first on `layerName`), once per call of the
 * layer, and points every other reader of the layer's output (later layers, the model's outputs) at
 * the last added one.
 */
function wire(config: Json, layerName: string, layer: Json, added: Json[]): void {
  const calls = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes.length : 0;
  const last = String(added[added.length - 1].name);
  const readers = (config.layers as Json[]).filter((l) => l !== layer);
  for (const l of readers) {
    if (Array.isArray(l.inbound_nodes)) l.inbound_nodes = l.inbound_nodes.map((call) => (Array.isArray(call) ? call.map((input) => renamed(input, layerName, last)) : call));
  }
  if (Array.isArray(config.output_layers)) config.output_layers = config.output_layers.map((o) => renamed(o, layerName, last));
  added.forEach((entry, i) => {
    const from = i === 0 ? layerName : String(added[i - 1].name);
    entry.inbound_nodes = Array.from({ length: calls }, (_, node) => [[from, node, 0, {}]]);
  });
}

/** `[layer, node, tensor, ...]` reading `from`, read from `to` instead; anything else as it is. */
function renamed(input: unknown, from: string, to: string): unknown {
  return Array.isArray(input) && input[0] === from ? [to, ...input.slice(1)] : input;
}

/** Refuses a Keras 3 activation left where tfjs would compute another function (inside a recurrence or a wrapper) or none. */
function refuseLeftovers(v: unknown, where: string, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(v)) {
    for (const x of v) refuseLeftovers(x, where, depth + 1);
    return;
  }
  if (!isObject(v)) return;
  for (const key of ['activation', 'recurrent_activation'] as const) {
    const a = v[key];
    if (typeof a !== 'string' || !(a in SPLIT_OFF || UNSPLITTABLE.has(a))) continue;
    const layer = String(v.name ?? '?');
    throw new DcError('UNSUPPORTED_TOPOLOGY', `${where}: layer "${layer}" uses Keras 3's ${a} as its ${key === 'activation' ? 'activation' : 'recurrent activation'}, which tfjs computes ${a === 'hard_sigmoid' ? 'otherwise (0.2·x + 0.5, Keras 2\'s)' : 'nowhere'}`, {
      tensor: layer,
      hint: UNSPLITTABLE.has(a)
        ? `Build it from layers tfjs has: ${a} is x · relu6(x + 3) / 6 (a functional model can write Activation("linear"), Rescaling(1/6, offset=0.5), ReLU(max_value=1) and Multiply).`
        : 'Inside a recurrent or wrapped layer the activation cannot be split off: use sigmoid (or tanh), retrain, and convert again.',
    });
  }
  for (const x of Object.values(v)) refuseLeftovers(x, where, depth + 1);
}
