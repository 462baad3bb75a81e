/**
 * The model.json `tensorflowjs_converter` writes for a Keras 3 model (TensorFlow 2.16 on), read as
 * the Keras 2 dialect tfjs 4 reads. tfjs itself refuses such a file ("An InputLayer should be
 * passed either a `batchInputShape` or an `inputShape`", "Provided weight data has no target
 * variable: sequential/dense/kernel"): Keras 3 names an input's shape `batch_shape`, writes each
 * dtype as a `DTypePolicy` object, each call of a layer as `{ args, kwargs }` holding
 * `__keras_tensor__`s, a single input or output of a functional model as one flat
 * `[name, node, tensor]`, swish as `silu`, each weight under its model's name, and a depthwise
 * convolution's kernel as `kernel` (tf.keras, tfjs and dc's `DepthwiseConv1D`: `depthwise_kernel`). This module
 * rewrites those, and the activations Keras 3 computes otherwise than tfjs
 * ({@link splitKeras3Activations}), nothing else; a Keras 2 or tfjs model.json is returned as it is.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';
import { namedAttentionTensors } from './attention-calls.js';
import { splitKeras3Activations } from './keras3-activations.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { MULTI_HEAD_ATTENTION_CLASS } from './multi-head-attention.js';
import { NESTED_MODELS } from './model-json.js';

type Json = Record<string, unknown>;

/** Whether `topology` (a model.json's `modelTopology`) is Keras 3's: its `keras_version`, or a Keras 3 call, shape or dtype in it. */
export function isKeras3Topology(topology: unknown): boolean {
  if (!isObject(topology)) return false;
  const version = topology.keras_version;
  if (typeof version === 'string') return Number.parseInt(version, 10) >= 3;
  return hasKeras3Marks(topology, 0);
}

/** Deeper than this, a forged topology is not searched further (real models nest a few levels). */
const MAX_DEPTH = 64;

function hasKeras3Marks(v: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(v)) return v.some((x) => hasKeras3Marks(x, depth + 1));
  if (!isObject(v)) return false;
  if (v.class_name === 'DTypePolicy' || v.class_name === 'FloatDTypePolicy' || v.class_name === '__keras_tensor__') return true;
  if (v.class_name === 'InputLayer' && isObject(v.config) && 'batch_shape' in v.config) return true;
  if (Array.isArray(v.inbound_nodes) && v.inbound_nodes.some((n) => isObject(n) && 'args' in n)) return true;
  return Object.values(v).some((x) => hasKeras3Marks(x, depth + 1));
}

/**
 * `artifacts` with a Keras 3 topology rewritten to the Keras 2 dialect and its weights named as tfjs
 * names them (the model's own name, and those of nested models, taken off the front); any other
 * artifacts unchanged. `where` names the model in errors: a call that passes a tensor by keyword
 * (a mask, an initial state), a ragged input, or a Keras 3 activation tfjs cannot compute there is
 * `UNSUPPORTED_TOPOLOGY`, a malformed call `BAD_MODEL_JSON`.
 */
export function fromKeras3(artifacts: tf.io.ModelArtifacts, where: string): tf.io.ModelArtifacts {
  const topology = artifacts.modelTopology;
  if (!isKeras3Topology(topology)) return artifacts;
  const modelNames = new Set<string>();
  const rewritten = rewrite(topology, { where, modelNames, depth: 0 }) as Json;
  splitKeras3Activations(rewritten, where);
  const depthwise = depthwiseLayers(rewritten);
  const weightSpecs = artifacts.weightSpecs?.map((spec) => ({ ...spec, name: depthwiseKernelName(withoutModelNames(spec.name, modelNames), depthwise) }));
  return { ...artifacts, modelTopology: rewritten, ...(weightSpecs ? { weightSpecs } : {}) };
}

interface Context {
  readonly where: string;
  /** The names of the model and of every model nested in it, gathered on the way. */
  readonly modelNames: Set<string>;
  readonly depth: number;
}

/** A copy of `v` in the Keras 2 dialect. */
function rewrite(v: unknown, c: Context): unknown {
  if (c.depth > MAX_DEPTH) throw new DcError('BAD_MODEL_JSON', `${c.where}: the topology nests deeper than ${MAX_DEPTH} levels`);
  const deeper = { ...c, depth: c.depth + 1 };
  if (Array.isArray(v)) return v.map((x) => rewrite(x, deeper));
  if (!isObject(v)) return v;
  if (v.class_name === 'DTypePolicy' || v.class_name === 'FloatDTypePolicy') return dtypeOf(v, c.where);
  const out: Json = {};
  for (const [key, value] of Object.entries(v)) {
    // Keras 3's serialisation records; tfjs reads neither.
    if (key === 'module' || key === 'registered_name') continue;
    out[key] = key === 'inbound_nodes' && Array.isArray(value) ? value.map((node) => legacyCall(node, String(v.name ?? (isObject(v.config) ? v.config.name : '')), String(v.class_name), c.where)) : rewrite(value, deeper);
  }
  // Keras 3 serialises swish by its function's name; tfjs knows it as swish only.
  if (out.activation === 'silu') out.activation = 'swish';
  if (typeof v.class_name === 'string' && isObject(out.config)) {
    const config = out.config;
    if (NESTED_MODELS.has(v.class_name) && typeof config.name === 'string') c.modelNames.add(config.name);
    if (v.class_name === 'InputLayer') out.config = inputLayerConfig(config, c.where);
    for (const key of ['input_layers', 'output_layers'] as const) {
      const list = config[key];
      // One input or output: Keras 3 writes [name, node, tensor] where Keras 2 writes a list of them.
      if (Array.isArray(list) && typeof list[0] === 'string') config[key] = [list];
    }
  }
  return out;
}

/** A dtype policy's name as tfjs takes a dtype: a mixed-precision policy keeps float32 weights, so float32. */
function dtypeOf(policy: Json, where: string): string {
  const name = isObject(policy.config) ? policy.config.name : undefined;
  if (typeof name !== 'string') throw new DcError('BAD_MODEL_JSON', `${where}: a ${String(policy.class_name)} without a name`);
  return name.startsWith('mixed_') ? 'float32' : name;
}

/** Keras 3's InputLayer config (`batch_shape`, `optional`, `ragged`) as Keras 2 wrote it (`batch_input_shape`). */
function inputLayerConfig(config: Json, where: string): Json {
  const { batch_shape: shape, optional: _optional, ragged, ...rest } = config;
  if (ragged === true) {
    throw new DcError('UNSUPPORTED_TOPOLOGY', `${where}: input "${String(config.name)}" is ragged; a compressed model runs on dense tensors of one shape`, { hint: 'Pad the sequences to one length and declare the input dense.' });
  }
  return shape === undefined ? rest : { ...rest, batch_input_shape: shape };
}

/**
 * One Keras 3 call (`{ args, kwargs }`) as Keras 2's list of `[layer, node, tensor, kwargs]`; a Keras 2
 * call as it is. A `MultiHeadAttention` may take its query, value and key by name (`attention-calls.ts`).
 */
function legacyCall(node: unknown, layer: string, className: string, where: string): unknown {
  if (!isObject(node) || !('args' in node)) return node;
  if (!Array.isArray(node.args)) throw new DcError('BAD_MODEL_JSON', `${where}: layer "${layer}" has a call whose args are not a list`);
  let kwargs = isObject(node.kwargs) ? node.kwargs : {};
  let args: unknown[] = node.args;
  const byKeyword = Object.keys(kwargs).filter((k) => tensorsIn(kwargs[k]).length > 0);
  if (byKeyword.length > 0 && className === MULTI_HEAD_ATTENTION_CLASS) {
    const { named, rest } = namedAttentionTensors(kwargs, byKeyword, layer, where);
    [args, kwargs] = [[...args, ...named], rest];
  } else if (byKeyword.length > 0) {
    throw new DcError('UNSUPPORTED_TOPOLOGY', `${where}: layer "${layer}" is called with a tensor as ${byKeyword.map((k) => `"${k}"`).join(', ')}`, {
      hint: 'Pass every tensor a layer takes as its input (a list for a merge layer); masks reach recurrent layers from Embedding(mask_zero=True) or Masking without being passed.',
    });
  }
  const tensors = args.flatMap((a) => tensorsIn(a));
  return tensors.map((history) => {
    if (!Array.isArray(history) || history.length !== 3 || typeof history[0] !== 'string' || !Number.isInteger(history[1]) || !Number.isInteger(history[2])) {
      throw new DcError('BAD_MODEL_JSON', `${where}: layer "${layer}" has an input whose keras_history is not [layer, node, tensor]`);
    }
    return [...history, kwargs];
  });
}

/** The `keras_history` of each `__keras_tensor__` in an argument (a tensor, or a list of them). */
function tensorsIn(arg: unknown): unknown[] {
  if (Array.isArray(arg)) return arg.flatMap((a) => tensorsIn(a));
  if (isObject(arg) && arg.class_name === '__keras_tensor__') return [isObject(arg.config) ? arg.config.keras_history : undefined];
  return [];
}

/** `sequential/dense/kernel` as tfjs names it, `dense/kernel`: model names off the front while a layer and a weight remain. */
function withoutModelNames(name: string, modelNames: ReadonlySet<string>): string {
  const parts = name.split('/');
  while (parts.length > 2 && modelNames.has(parts[0])) parts.shift();
  return parts.join('/');
}

/** The names of the depthwise convolutions in a topology (nested models' too). */
function depthwiseLayers(topology: unknown): Set<string> {
  const names = new Set<string>();
  mapLayerEntries(topology, (entry) => {
    if ((entry.class_name === 'DepthwiseConv2D' || entry.class_name === 'DepthwiseConv1D') && typeof entry.config.name === 'string') names.add(entry.config.name);
    return undefined;
  });
  return names;
}

/** `dw/kernel`, the kernel of a depthwise convolution as Keras 3 names it, as tfjs names it (`dw/depthwise_kernel`); any other name as it is. */
function depthwiseKernelName(name: string, depthwise: ReadonlySet<string>): string {
  const parts = name.split('/');
  return parts.length === 2 && parts[1] === 'kernel' && depthwise.has(parts[0]) ? `${parts[0]}/depthwise_kernel` : name;
}
