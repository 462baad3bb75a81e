/**
 * A GraphDef's constants against the weights that feed them. tfjs-converter gives each `Const`
 * node the manifest weight of its name and never reads the node's own `dtype` and `value`
 * attributes, which the converter writes from the same tensor: a `Const` without a weight, or a
 * weight of another dtype family or shape than its node declares, fails (or silently computes
 * something else) only when tfjs runs the graph, in a message from deep in its executor. Checked
 * before: a damaged or forged file, or a model.json whose manifest and graph disagree, is refused
 * naming the node (docs/format.md §9.1). Declarations that are absent or not in TensorFlow's JSON
 * form are not checked (tfjs does not need them).
 */
import { isObject } from '../json.js';
import { graphNodes } from './graph-nodes.js';
import type { TensorDtype } from './header.js';

/** What one weight is, as the file or the manifest says. */
export interface GraphWeightSpec {
  readonly name: string;
  readonly dtype?: string;
  readonly shape: readonly number[];
}

/**
 * The dtype a tfjs GraphModel stores a `Const` of each TensorFlow type in: the converter writes
 * doubles and halves as float32 and every integer type as int32.
 */
const STORED_AS: Readonly<Record<string, TensorDtype>> = {
  DT_FLOAT: 'float32',
  DT_DOUBLE: 'float32',
  DT_HALF: 'float32',
  DT_BFLOAT16: 'float32',
  DT_INT32: 'int32',
  DT_INT64: 'int32',
  DT_INT16: 'int32',
  DT_INT8: 'int32',
  DT_UINT8: 'int32',
  DT_UINT16: 'int32',
  DT_UINT32: 'int32',
  DT_UINT64: 'int32',
  DT_BOOL: 'bool',
};

/** The declared extents of a `tensorShape` (-1: unknown; an absent size is 0, as protobuf's JSON omits it), or undefined where none is declared in that form. */
function declaredShape(tensorShape: unknown): number[] | undefined {
  if (!isObject(tensorShape) || tensorShape.unknownRank === true) return undefined;
  if (tensorShape.dim === undefined) return [];
  if (!Array.isArray(tensorShape.dim)) return undefined;
  // A size is an int64 as a string or a number; anything else (even an object, which Number() may not convert) is no size.
  const size = (v: unknown): number => (v === undefined ? 0 : typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN);
  const dims = tensorShape.dim.map((d) => (isObject(d) ? size(d.size) : NaN));
  return dims.every((d) => Number.isInteger(d) && d >= -1) ? dims : undefined;
}

/**
 * Why `weights` cannot feed the `Const` nodes of `topology`: the first node without a weight of
 * its name, or whose declared type is stored in another dtype than its weight's, or whose
 * declared shape is not its weight's (an unknown extent matches any); undefined when none.
 */
export function graphConstProblem(topology: unknown, weights: readonly GraphWeightSpec[]): string | undefined {
  if (!isObject(topology)) return undefined;
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const node of graphNodes(topology).filter((n) => n.op === 'Const')) {
    const name = node.name as string;
    const w = byName.get(name);
    if (!w) return `the graph's Const node "${name}" has no weight of its name`;
    const attr = isObject(node.attr) ? node.attr : {};
    const type = isObject(attr.dtype) ? attr.dtype.type : undefined;
    if (typeof type === 'string' && w.dtype !== undefined && STORED_AS[type] !== w.dtype) {
      return `Const node "${name}" declares ${type}, stored as ${STORED_AS[type] ?? 'no dtype a GraphModel holds'}, and its weight is ${w.dtype}`;
    }
    const tensor = isObject(attr.value) && isObject(attr.value.tensor) ? attr.value.tensor : undefined;
    const shape = declaredShape(tensor?.tensorShape);
    if (shape && (shape.length !== w.shape.length || shape.some((d, i) => d !== -1 && d !== w.shape[i]))) {
      return `Const node "${name}" declares shape [${shape.join(', ')}] and its weight has shape [${w.shape.join(', ')}]`;
    }
  }
  return undefined;
}
