/** `validateModel`: the whole check of an in-memory IR model, before any stage or runtime works on it. */
import { DcError } from '../errors/dc-error.js';
import { PARAM_NAMES, type Model, type ParamName } from '../ir/model.js';
import { checkGraph, type ResolvedGraph } from './check-graph.js';
import { sizeOfShape } from './op-spec.js';
import { opSpec } from './table.js';

/**
 * Checks an IR model — topology, configurations, shapes, and that each node holds exactly the
 * parameters its kind needs, with the right shapes and finite values — and returns the resolved
 * graph. Throws `INVALID_MODEL` naming the node and field; a tfjs `LayersModel` passed by mistake
 * gets a hint to convert it first.
 */
export function validateModel(model: Model): ResolvedGraph {
  if (typeof model !== 'object' || model === null) throw new DcError('INVALID_MODEL', `expected an IR model object, got ${model === null ? 'null' : typeof model}`);
  if (typeof (model as { getClassName?: unknown }).getClassName === 'function') {
    throw new DcError('INVALID_MODEL', 'this is a tfjs model, not a dc IR model', { hint: 'Convert it first: fromLayersModel(tfModel) from @dc/core/tfjs.' });
  }
  if (typeof model.name !== 'string') throw new DcError('INVALID_MODEL', 'model.name must be a string');
  const graph = checkGraph(model, 'INVALID_MODEL');
  graph.nodes.forEach((node, i) => {
    const params = (model.layers[i].params ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(params)) {
      if (params[key] === undefined) continue;
      if (!(PARAM_NAMES as readonly string[]).includes(key) || !(key in node.params)) {
        throw new DcError('INVALID_MODEL', `layer "${node.name}" (${node.config.kind}) holds a parameter "${key}" its configuration does not use`, { tensor: `${node.name}/${key}` });
      }
    }
    for (const [param, shape] of Object.entries(node.params)) {
      const key = `${node.name}/${param}`;
      const t = params[param] as { shape?: unknown; values?: unknown } | undefined;
      if (!t) throw new DcError('INVALID_MODEL', `layer "${node.name}" (${node.config.kind}) is missing its ${param} [${shape!.join(', ')}]`, { tensor: key });
      const same = Array.isArray(t.shape) && t.shape.length === shape!.length && t.shape.every((d, j) => d === shape![j]);
      if (!same) throw new DcError('INVALID_MODEL', `tensor "${key}" has shape [${String(t.shape)}], expected [${shape!.join(', ')}]`, { tensor: key });
      if (!(t.values instanceof Float32Array) || t.values.length !== sizeOfShape(shape!)) throw new DcError('INVALID_MODEL', `tensor "${key}" must hold a Float32Array of ${sizeOfShape(shape!)} values`, { tensor: key });
      for (let j = 0; j < t.values.length; j++) {
        if (!Number.isFinite(t.values[j])) throw new DcError('NON_FINITE_VALUE', `tensor "${key}" holds a non-finite value (${t.values[j]}) at ${j}`, { tensor: key });
      }
      const problem = opSpec(node.config.kind)?.paramValues?.(node.config, param as ParamName, t.values);
      if (problem) throw new DcError('VALUE_OUT_OF_RANGE', `tensor "${key}": ${problem}`, { tensor: key });
    }
  });
  return graph;
}
