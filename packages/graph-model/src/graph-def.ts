/** Reading a GraphDef (model.json's `modelTopology`) as tfjs-converter writes it. */

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

/** Every node of a GraphDef: its `node` list and the bodies of its `library` functions. */
export function nodesOf(topology: unknown): GraphNode[] {
  const t = (topology ?? {}) as { node?: unknown; library?: { function?: Array<{ nodeDef?: GraphNode[] }> } };
  const nodes = Array.isArray(t.node) ? (t.node as GraphNode[]) : [];
  return [...nodes, ...(t.library?.function ?? []).flatMap((f) => f.nodeDef ?? [])];
}

/** A node input's source node name (`"^w"`, `"w:0"` and `"w"` all name `w`). */
export const sourceName = (input: string): string => input.replace(/^\^/, '').replace(/:\d+$/, '');

/** Base64 to text (attribute strings are ASCII: op names, paddings, data formats); `atob` runs in Node and browsers. */
const fromBase64 = (s: string): string => atob(s);

/** A string attribute, decoded (`undefined` when absent). */
export const stringAttr = (node: GraphNode, key: string): string | undefined => {
  const s = node.attr?.[key]?.s;
  return s === undefined ? undefined : fromBase64(s);
};

/** A list-of-ints attribute as numbers (`undefined` when absent). */
export const intsAttr = (node: GraphNode, key: string): number[] | undefined => node.attr?.[key]?.list?.i?.map(Number);

/** A list-of-strings attribute, decoded (empty when absent). */
export const stringsAttr = (node: GraphNode, key: string): string[] => (node.attr?.[key]?.list?.s ?? []).map(fromBase64);
