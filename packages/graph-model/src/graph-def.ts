/** Reading a GraphDef (model.json's `modelTopology`) as tfjs-converter writes it. */
import { graphNodes, isObject } from '@dc/core';

/** A node of a GraphDef as model.json holds it (fields unchecked: a forged file may lack any). */
export interface GraphNode {
  readonly name?: string;
  readonly op?: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, GraphAttr | undefined>>;
}

/** One attribute value of a node (the JSON form of TensorFlow's `AttrValue`). */
export interface GraphAttr {
  /** A string, base64-encoded. */
  readonly s?: string;
  readonly b?: boolean;
  readonly i?: string | number;
  readonly list?: { readonly s?: readonly string[]; readonly i?: readonly (string | number)[] };
}

/** Every node of a GraphDef, its `node` list and the bodies of its `library` functions (`graphNodes` of `@dc/core`), typed as `graphDefProblem` leaves them. */
export const nodesOf = (topology: unknown): GraphNode[] => graphNodes(topology) as GraphNode[];

/** Why `nodes` (at `where`) is not a list of GraphDef nodes: each an object with a string `name` and `op`, string `input`s and an `attr` object. */
function nodeListProblem(nodes: unknown, where: string): string | undefined {
  if (!Array.isArray(nodes)) return `${where} is not a list`;
  for (const [i, n] of nodes.entries()) {
    const at = `${where}[${i}]`;
    if (!isObject(n)) return `${at} is not an object`;
    for (const key of ['name', 'op'] as const) if (typeof n[key] !== 'string') return `${at}.${key} is not a string`;
    if (n.input !== undefined && !(Array.isArray(n.input) && n.input.every((x) => typeof x === 'string'))) return `${at}.input is not a list of strings`;
    if (n.attr !== undefined && !isObject(n.attr)) return `${at}.attr is not an object`;
  }
  return undefined;
}

/**
 * Why `topology` (the record's member `root`: `modelTopology`, or `modelInitializer`) is not a
 * TensorFlow GraphDef in JSON as tfjs-converter reads it (an object whose `node` list and whose
 * `library` functions' `nodeDef` lists hold named nodes with an op); undefined when it is. Checked once, so that everything reading nodes after it may trust them.
 */
export function graphDefProblem(topology: unknown, root = 'modelTopology'): string | undefined {
  if (!isObject(topology)) return `${root} is not an object`;
  const nodes = nodeListProblem(topology.node, `${root}.node`);
  if (nodes || topology.library === undefined) return nodes;
  if (!isObject(topology.library)) return `${root}.library is not an object`;
  const functions = topology.library.function;
  if (functions === undefined) return undefined;
  if (!Array.isArray(functions)) return `${root}.library.function is not a list`;
  for (const [i, f] of functions.entries()) {
    const where = `${root}.library.function[${i}]`;
    if (!isObject(f)) return `${where} is not an object`;
    const problem = f.nodeDef === undefined ? undefined : nodeListProblem(f.nodeDef, `${where}.nodeDef`);
    if (problem) return problem;
  }
  return undefined;
}

/** A node input's source node name (`"^w"`, `"w:0"` and `"w"` all name `w`): `graphInputNode` of `@dc/core`. */
export { graphInputNode as sourceName } from '@dc/core';

/** Base64 to text (attribute strings are ASCII: op names, paddings, data formats), undefined for what is not base64; `atob` runs in Node and browsers. */
const fromBase64 = (s: unknown): string | undefined => {
  if (typeof s !== 'string') return undefined;
  try {
    return atob(s);
  } catch {
    return undefined;
  }
};

/** A string attribute, decoded (`undefined` when absent or not a base64 string). */
export const stringAttr = (node: GraphNode, key: string): string | undefined => fromBase64(node.attr?.[key]?.s);

/** A list-of-ints attribute as numbers (`undefined` when absent or not a list of integers, which protobuf's JSON writes as strings). */
export const intsAttr = (node: GraphNode, key: string): number[] | undefined => {
  const list: unknown = node.attr?.[key]?.list?.i;
  if (!Array.isArray(list)) return undefined;
  const ints = list.map((x) => (typeof x === 'string' || typeof x === 'number' ? Number(x) : NaN));
  return ints.every(Number.isSafeInteger) ? ints : undefined;
};

/** A list-of-strings attribute, decoded (empty when absent or not a list of base64 strings). */
export const stringsAttr = (node: GraphNode, key: string): string[] => {
  const list: unknown = node.attr?.[key]?.list?.s;
  const decoded = Array.isArray(list) ? list.map(fromBase64) : [];
  return decoded.every((x) => x !== undefined) ? (decoded as string[]) : [];
};
