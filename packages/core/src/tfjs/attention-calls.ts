/**
 * How Keras records a call of `MultiHeadAttention(query, value, key)`: Keras 2 keeps the first
 * argument as the input and every other as a keyword argument, `[[query, 0, 0, { value: [value, 0,
 * 0], key: [...] }]]`, which tfjs would hand the layer as JSON, not as tensors; Keras 3 lists
 * `args` and may pass them by name (`query=`, `value=`, `key=`). Both become the input list
 * `[query, value(, key)]` that dc's layer takes, other keyword arguments kept; any other tensor
 * passed by keyword (an `attention_mask`) is `UNSUPPORTED_TOPOLOGY`.
 */
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { MULTI_HEAD_ATTENTION_CLASS } from './multi-head-attention.js';

/** The tensors an attention layer takes, in the order of its input list. */
export const ATTENTION_ARGUMENTS = ['query', 'value', 'key'] as const;

/** Whether a Keras 2 keyword argument's value is a tensor reference `[layer, node, tensor]`. */
const isTensorReference = (v: unknown): v is [string, number, number] => Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && Number.isInteger(v[1]) && Number.isInteger(v[2]);

function refuseKeyword(layer: string, keys: readonly string[], where: string): never {
  throw new DcError('UNSUPPORTED_TOPOLOGY', `${where}: layer "${layer}" is called with a tensor as ${keys.map((k) => `"${k}"`).join(', ')}`, {
    hint: 'Pass the query, the value and the key only (a model that attends to every position): attention masks are not supported.',
  });
}

/** One Keras 2 call of an attention layer (a list of `[layer, node, tensor, kwargs]`) with its value and key as inputs. */
function positionalCall(call: unknown, layer: string, where: string): unknown {
  if (!Array.isArray(call) || call.length !== 1 || !Array.isArray(call[0]) || !isObject(call[0][3])) return call;
  const [first] = call as [unknown[]];
  const kwargs = first[3] as Record<string, unknown>;
  const tensors = Object.keys(kwargs).filter((k) => isTensorReference(kwargs[k]));
  if (tensors.length === 0) return call;
  const stray = tensors.filter((k) => !(ATTENTION_ARGUMENTS as readonly string[]).includes(k));
  if (stray.length > 0) refuseKeyword(layer, stray, where);
  const rest = Object.fromEntries(Object.entries(kwargs).filter(([k]) => !tensors.includes(k)));
  const named = ATTENTION_ARGUMENTS.slice(1).filter((k) => k in kwargs).map((k) => [...(kwargs[k] as unknown[]), rest]);
  return [[...first.slice(0, 3), rest], ...named];
}

/**
 * `topology` (a model.json's `modelTopology`, Keras 2 dialect) with each `MultiHeadAttention` call
 * taking its value and key in its input list (see the module); a copy where one is rewritten.
 */
export function withPositionalAttentionInputs(topology: unknown, where: string): unknown {
  return mapLayerEntries(topology, (entry) => {
    if (entry.class_name !== MULTI_HEAD_ATTENTION_CLASS || !Array.isArray(entry.inbound_nodes)) return undefined;
    const layer = String(entry.config.name ?? entry.name);
    const calls = entry.inbound_nodes.map((call) => positionalCall(call, layer, where));
    return calls.every((c, i) => c === (entry.inbound_nodes as unknown[])[i]) ? undefined : { ...entry, inbound_nodes: calls };
  });
}

/**
 * The tensors of a Keras 3 call of an attention layer passed by name (`query=`, `value=`, `key=`),
 * in input-list order after `positional` ones, and the keyword arguments left; any other tensor
 * by keyword (`tensorKeys`) is `UNSUPPORTED_TOPOLOGY`.
 */
export function namedAttentionTensors(kwargs: Record<string, unknown>, tensorKeys: readonly string[], layer: string, where: string): { named: unknown[]; rest: Record<string, unknown> } {
  const stray = tensorKeys.filter((k) => !(ATTENTION_ARGUMENTS as readonly string[]).includes(k));
  if (stray.length > 0) refuseKeyword(layer, stray, where);
  return {
    named: ATTENTION_ARGUMENTS.filter((k) => tensorKeys.includes(k)).map((k) => kwargs[k]),
    rest: Object.fromEntries(Object.entries(kwargs).filter(([k]) => !tensorKeys.includes(k))),
  };
}
