/**
 * A GraphDef's edges, checked before tfjs-converter runs the graph. Its executor looks each node's
 * inputs up by name and orders the nodes by their inputs: an input naming no node fails deep
 * inside it (`Cannot read properties of undefined`), and a cycle that is not a loop of
 * TensorFlow's control flow (one closed through a `NextIteration` node) makes `execute` return
 * nothing at all. Checked here on the graph's own node list (a library function's nodes name
 * their inputs in another form, `node:output:index`, and are left to tfjs), so that a forged file,
 * or a model.json edited by hand, is refused naming the node (docs/format.md §9.1).
 */
import { isObject } from '../json.js';
import { namedNodes } from './graph-nodes.js';

/** The node a GraphDef node's input names: `"^w"` (a control input), `"w:0"` and `"w"` all name `w`. */
export const graphInputNode = (input: string): string => input.replace(/^\^/, '').replace(/:\d+$/, '');

/**
 * Why tfjs-converter cannot run the graph `topology` (a GraphDef in JSON) whatever its weights:
 * two nodes of one name, an input naming no node, or a cycle not closed through a `NextIteration`
 * node; undefined when none. Nodes that are not objects with a string `name`, and inputs that are
 * not strings, are left to the checks that refuse them.
 */
export function graphWiringProblem(topology: unknown): string | undefined {
  const nodes = namedNodes(isObject(topology) ? topology.node : undefined);
  const index = new Map<string, number>();
  for (const [i, n] of nodes.entries()) {
    if (index.has(n.name as string)) return `two nodes of the graph are named "${String(n.name)}"`;
    index.set(n.name as string, i);
  }
  // The nodes each node takes an input from (edges out of a NextIteration close a loop: not followed).
  const sources = nodes.map(() => [] as number[]);
  for (const [i, n] of nodes.entries()) {
    for (const input of Array.isArray(n.input) ? n.input : []) {
      if (typeof input !== 'string') continue;
      const j = index.get(graphInputNode(input));
      if (j === undefined) return `node "${String(n.name)}" takes input "${input}", which names no node of the graph`;
      if (nodes[j].op !== 'NextIteration') sources[i].push(j);
    }
  }
  // Kahn's order: what is left after it lies on a cycle or after one.
  const users = nodes.map(() => [] as number[]);
  const waiting = sources.map((s) => s.length);
  sources.forEach((s, i) => s.forEach((j) => users[j].push(i)));
  const ready = waiting.flatMap((w, i) => (w === 0 ? [i] : []));
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) for (const u of users[i]) if (--waiting[u] === 0) ready.push(u);
  let left = waiting.findIndex((w) => w > 0);
  if (left < 0) return undefined;
  // Walk back through inputs still waiting until a node repeats: that node lies on a cycle.
  const seen = new Set<number>();
  while (!seen.has(left)) {
    seen.add(left);
    left = sources[left].find((j) => waiting[j] > 0) as number;
  }
  return `node "${String(nodes[left].name)}" depends on itself through its inputs (a cycle that is not a loop closed through a NextIteration node)`;
}
