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

/** The names of {@link namedNodes}`(list)`. */
export function nodeNames(list: unknown): Set<string> {
  return new Set(namedNodes(list).map((n) => n.name as string));
}

/** The entries of a GraphDef's `library.function` list (none where there is no such list). */
export function libraryFunctions(topology: unknown): unknown[] {
  return isObject(topology) && isObject(topology.library) && Array.isArray(topology.library.function) ? topology.library.function : [];
}

/** Every named node of a GraphDef: its `node` list and its library functions' `nodeDef` lists. */
export function graphNodes(topology: unknown): Json[] {
  if (!isObject(topology)) return [];
  return [topology.node, ...libraryFunctions(topology).map((f) => (isObject(f) ? f.nodeDef : undefined))].flatMap(namedNodes);
}
