/**
 * The nodes of a GraphDef in JSON as the graph checks read them: only objects with a string
 * `name` (anything else in a node list is left to the checks that refuse it).
 */
import { isObject } from '../json.js';

type Json = Record<string, unknown>;

/** The node objects with a string `name` of one node list (`node`, a function's `nodeDef`); none for what is not a list. */
export function namedNodes(list: unknown): Json[] {
  return Array.isArray(list) ? list.filter((n): n is Json => isObject(n) && typeof n.name === 'string') : [];
}

/** Every named node of a GraphDef: its `node` list and its library functions' `nodeDef` lists. */
export function graphNodes(topology: unknown): Json[] {
  if (!isObject(topology)) return [];
  const functions = isObject(topology.library) && Array.isArray(topology.library.function) ? topology.library.function : [];
  return [topology.node, ...functions.map((f) => (isObject(f) ? f.nodeDef : undefined))].flatMap(namedNodes);
}
