/**
 * Rewrites a model.json topology so that a layer tfjs would compute otherwise than Keras is followed
 * by layers tfjs has that finish the computation (a Keras 3 activation split off its layer): the
 * added layers are named from the layer, are called once per call of it, and take its place as the
 * input of every later reader (and as a model output), in Sequential and functional models, nested
 * ones too.
 */
import { isObject } from '../json.js';
import { NESTED_MODELS } from './model-json.js';

type Json = Record<string, unknown>;

/**
 * What follows a layer: given its entry (`{ class_name, config }`, which it may rewrite in place),
 * the entries of the layers to add after it (each `config.name` a base name, made unique), or
 * undefined for none.
 */
export type LayerSplit = (layer: Json) => Json[] | undefined;

/** Deeper than this, a forged topology is not searched further (the topology checks refuse it). */
const MAX_DEPTH = 64;

/** Applies `split` to every layer of `topology` (a model.json's `modelTopology`, Keras 2 dialect), in place. */
export function splitLayers(topology: Json, split: LayerSplit): void {
  const names = new Set<string>();
  const models: Json[] = [];
  gather(isObject(topology.model_config) ? topology.model_config : topology, names, models, 0);
  for (const model of models) splitIn(model, names, split);
}

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

/**
 * Adds the layers `split` gives after each of one model's own layers: each added layer is called on
 * the one before it (the first on the split layer), once per call of the split layer, and every
 * other reader of the split layer's output (later layers, the model's outputs) reads the last
 * added one instead (one pass over the calls at the end, however many layers are split).
 */
function splitIn(model: Json, names: Set<string>, split: LayerSplit): void {
  const config = model.config as Json;
  const functional = model.class_name !== 'Sequential';
  const out: Json[] = [];
  const readFrom = new Map<string, string>();
  const added = new Set<Json>();
  for (const layer of config.layers as Json[]) {
    out.push(layer);
    const name = isObject(layer.config) ? layer.config.name : undefined;
    const following = typeof name === 'string' ? split(layer) : undefined;
    if (!following || following.length === 0) continue;
    const calls = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes.length : 0;
    let from = name as string;
    for (const entry of following) {
      const c = entry.config as Json;
      const unique = fresh(String(c.name), names);
      const inbound = functional ? { inbound_nodes: Array.from({ length: calls }, (_, node) => [[from, node, 0, {}]]) } : {};
      const next = { ...entry, name: unique, config: { trainable: true, dtype: 'float32', ...c, name: unique }, ...inbound };
      added.add(next);
      out.push(next);
      from = unique;
    }
    readFrom.set(name as string, from);
  }
  config.layers = out;
  if (!functional || readFrom.size === 0) return;
  for (const l of out) {
    if (added.has(l) || !Array.isArray(l.inbound_nodes)) continue;
    l.inbound_nodes = l.inbound_nodes.map((call) => (Array.isArray(call) ? call.map((input) => renamed(input, readFrom)) : call));
  }
  if (Array.isArray(config.output_layers)) config.output_layers = config.output_layers.map((o) => renamed(o, readFrom));
}

/** `[layer, node, tensor, ...]` reading a split layer, read from the last layer added after it; anything else as it is. */
function renamed(input: unknown, readFrom: ReadonlyMap<string, string>): unknown {
  const to = Array.isArray(input) && typeof input[0] === 'string' ? readFrom.get(input[0]) : undefined;
  return to === undefined ? input : [to, ...(input as unknown[]).slice(1)];
}
