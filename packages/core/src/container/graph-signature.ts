/**
 * A GraphModel's signature against its graph. tfjs-converter maps `signature.inputs` and
 * `signature.outputs` (TensorFlow's SignatureDef in JSON: each a map of TensorInfo
 * `{ name, dtype, tensorShape }`) to the nodes their `name`s give: an entry that is not an object
 * throws a `TypeError` from inside `tf.loadGraphModel`, and an entry naming no node is skipped
 * without a word — a model none of whose outputs names a node loads, runs and returns nothing. It
 * also keys each library function by its `signature.name`, throwing likewise for a function
 * without one. Checked here so that a forged file, or a model.json edited by hand, is refused
 * naming the entry (docs/format.md §9.1).
 */
import { isObject } from '../json.js';
import { libraryFunctions, nodeNames } from './graph-nodes.js';
import { graphInputNode } from './graph-wiring.js';

/**
 * Why tfjs-converter cannot map `signature` onto `topology` (a GraphDef in JSON): an `inputs` or
 * `outputs` that is not an object, an entry of one that is not a TensorInfo with a string `name`,
 * or whose name (`node` or `node:N`) is no node of the graph's `node` list, or a library function
 * without a `signature` object; undefined when none (and for no signature: tfjs then takes the
 * placeholders as inputs and the nodes nothing reads as outputs).
 */
export function graphSignatureProblem(signature: unknown, topology: unknown): string | undefined {
  const names = nodeNames(isObject(topology) ? topology.node : undefined);
  for (const side of ['inputs', 'outputs'] as const) {
    const entries = isObject(signature) ? signature[side] : undefined;
    if (entries === undefined || entries === null) continue;
    if (!isObject(entries)) return `signature.${side} is not an object of tensor infos`;
    for (const [key, info] of Object.entries(entries)) {
      if (!isObject(info) || typeof info.name !== 'string') return `signature.${side} entry "${key}" is not a tensor info with a string name`;
      if (!names.has(graphInputNode(info.name))) return `signature.${side} entry "${key}" names "${info.name}", which is no node of the graph`;
    }
  }
  const unnamed = libraryFunctions(topology).findIndex((f) => isObject(f) && !isObject(f.signature));
  return unnamed < 0 ? undefined : `library function ${unnamed} has no signature (tfjs keys each function by its signature's name)`;
}
