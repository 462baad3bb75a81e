/**
 * Whether tfjs can wire a Keras topology's layers without hanging. tfjs's `fromConfig` first
 * creates every layer of a functional model, then calls each on its inbound nodes, again and
 * again, until every call has found its inputs: a call whose input never comes (a layer name that
 * no layer has, a node index beyond the calls its layer makes, or a cycle) keeps it looping
 * forever, in `tf.loadLayersModel` and everything that loads through it. Walked here as tfjs walks
 * it, before tfjs: such a topology is refused naming the call that waits (docs/format.md §9.5).
 */
import { isObject, numberOf, textOf } from '../json.js';

/** The classes of a model used as a layer (tfjs builds them with `fromConfig` too). */
export const NESTED_MODELS: ReadonlySet<string> = new Set(['Sequential', 'Functional', 'Model', 'LayersModel']);
/** Nested models deeper than this are refused (a forged topology could nest without end). */
export const MAX_NESTING = 16;

type Json = Record<string, unknown>;
/** One input of a layer call: the layer it names (its index; undefined: none of that name), and the calls that layer must have made. */
type Input = { readonly layer?: number; readonly name: string; readonly node: unknown; readonly need: number };
/** One call of a layer, kept under `key`, with how many of its inputs are still to come. */
type LayerCall = { readonly key: string; readonly inputs: readonly Input[]; waiting: number };

/** The layer list of a model config (`{ class_name, config }`; an old Sequential's config is the list itself). */
function layerList(model: Json): unknown[] {
  const config = model.config;
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  return Array.isArray(list) ? list : [];
}

/** The calls a layer must have made for an input naming node `node` of it: tfjs waits while made `<=` node (a number compared with whatever the JSON holds; NaN never waits). */
function callsNeeded(node: number): number {
  return Number.isNaN(node) ? 0 : Math.max(0, Math.floor(node) + 1);
}

/** Why a value tfjs reads as a layer's name, or as a node index, is one JavaScript cannot read (an object without a string or number value: tfjs throws a `TypeError` on it); undefined when it can. */
function unreadable(value: unknown, what: string): string | undefined {
  return textOf(value) === undefined || numberOf(value) === undefined ? `${what} is an object with no string or number value, which tfjs cannot read` : undefined;
}

/** The inputs of each of a layer's calls (`inbound_nodes`: `[name, node, ...]` each), or why one cannot be read. */
function layerInputs(layer: Json, byName: ReadonlyMap<string, number>, where: string): Input[][] | string {
  const out: Input[][] = [];
  for (const node of Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes.filter(Array.isArray) : []) {
    const inputs: Input[] = [];
    // tfjs reads an input as `[name, node, ...]` by index, whatever it is; on a null one it throws (no wait).
    for (const x of node.filter((v) => v !== null && v !== undefined)) {
      const [name, index] = [0, 1].map((k) => (x as Record<number, unknown>)[k]);
      const problem = unreadable(name, 'the name of an input') ?? unreadable(index, 'the node index of an input');
      if (problem) return `${where}: layer "${textOf(layer.name) ?? '?'}": ${problem}`;
      inputs.push({ layer: byName.get(String(name)), name: String(name), node: index, need: callsNeeded(Number(index)) });
    }
    out.push(inputs);
  }
  return out;
}

/**
 * Why tfjs would loop forever wiring the functional model `model` (its layers' `inbound_nodes`),
 * or a model nested in it; undefined when every call finds its inputs (other faults are left to
 * tfjs, which reports them). `where` names the model in the message. Mirrors tfjs 4's
 * `Container.fromConfig`: layers are found by their entry's `name` (the last of a name wins), a
 * layer's waiting calls are kept under its own name (`config.name`) and made when an entry
 * finding that layer comes by, an input waits while its layer is unknown or has made no more calls
 * than its node index. Which calls are ever made does not depend on the order tfjs tries them in,
 * so they are found here in one pass over the inputs (tfjs's passes cost layers × calls).
 */
function modelProblem(model: Json, where: string, depth: number): string | undefined {
  if (depth > MAX_NESTING) return `models are nested more than ${MAX_NESTING} deep`;
  const layers = layerList(model).filter(isObject);
  for (const layer of layers) {
    const cls = layer.class_name;
    if (typeof cls === 'string' && NESTED_MODELS.has(cls)) {
      const nested = modelProblem(layer, `${where} > ${textOf(layer.name ?? (isObject(layer.config) ? layer.config.name : '?')) ?? '?'}`, depth + 1);
      if (nested) return nested;
    }
  }
  if (model.class_name === 'Sequential' || Array.isArray(model.config)) return undefined; // layers are stacked, not wired
  const badName = layers.map((l) => unreadable(l.name, "a layer's name")).find(Boolean);
  if (badName) return `${where}: ${badName}`;
  const byName = new Map(layers.map((l, i) => [String(l.name), i]));
  // Where a layer keeps its waiting calls: its config's name (tfjs makes up a unique one where none is given).
  const keyOf = (i: number) => (isObject(layers[i].config) && typeof layers[i].config.name === 'string' ? layers[i].config.name : `#${i}`);
  // The layer that makes the calls kept under a key: the one the first entry to come by finds.
  const maker = new Map<string, number>();
  for (const entry of layers) {
    const i = byName.get(String(entry.name)) as number;
    if (!maker.has(keyOf(i))) maker.set(keyOf(i), i);
  }
  // Calls made per layer: an input layer, and a model used as a layer, have made one when created.
  const made = layers.map((l) => (l.class_name === 'InputLayer' || (typeof l.class_name === 'string' && NESTED_MODELS.has(l.class_name)) ? 1 : 0));
  const calls: LayerCall[] = [];
  for (const [i, l] of layers.entries()) {
    const inputs = layerInputs(l, byName, where);
    if (typeof inputs === 'string') return inputs;
    calls.push(...inputs.map((list) => ({ key: keyOf(i), inputs: list, waiting: 0 })));
  }
  const unmet = (x: Input) => x.layer === undefined || made[x.layer] < x.need;
  // Calls waiting on each (layer, calls made), woken when the layer has made that many.
  const waiters = new Map<string, LayerCall[]>();
  const ready: LayerCall[] = [];
  for (const call of calls) {
    for (const x of call.inputs.filter(unmet)) {
      call.waiting++;
      if (x.layer === undefined) continue; // no layer of that name: waits forever
      const at = `${x.layer}:${x.need}`;
      const list = waiters.get(at);
      if (list) list.push(call);
      else waiters.set(at, [call]);
    }
    if (call.waiting === 0) ready.push(call);
  }
  for (let call = ready.pop(); call; call = ready.pop()) {
    const i = maker.get(call.key);
    if (i === undefined || call.inputs.length === 0) continue; // never made; or made without a call (tfjs calls no layer on no inputs)
    made[i]++;
    for (const woken of waiters.get(`${i}:${made[i]}`) ?? []) if (--woken.waiting === 0) ready.push(woken);
  }
  for (const call of calls) {
    if (!maker.has(call.key)) return `${where}: layer "${call.key}" is never called: another layer has the name its entry gives`;
    const input = call.inputs.find(unmet);
    if (!input) continue;
    const why = input.layer !== undefined ? `a call (node ${textOf(input.node) ?? '?'}) that layer never makes, or only after this one (a cycle)` : 'no layer of that name';
    return `${where}: layer "${call.key}" takes an input from "${input.name}": ${why}; tfjs would wait for it forever`;
  }
  return undefined;
}

/** What to do about a topology {@link kerasLayerGraphProblem} refuses. */
export const KERAS_LAYER_GRAPH_HINT = "Save the model again (model.save() or tensorflowjs_converter): each layer's inbound_nodes name layers of the same model, and calls (node indices) those layers make.";

/**
 * Why tfjs would never finish building the LayersModel `topology` (model.json's `modelTopology`,
 * bare or with `model_config`): a layer call waiting for an input that no layer makes. Undefined
 * when it would finish (or fail by itself, which tfjs reports).
 */
export function kerasLayerGraphProblem(topology: unknown): string | undefined {
  if (!isObject(topology)) return undefined;
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  return modelProblem(model, 'the model', 0);
}
