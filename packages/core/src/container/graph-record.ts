/**
 * Everything in a GraphModel record's graphs that tfjs-converter would trip over when it maps
 * them, whatever the weights: one call for the reader, the writer and the model.json loaders.
 */
import { isObject } from '../json.js';
import { graphAttributeProblem } from './graph-attributes.js';
import { nodeNames } from './graph-nodes.js';
import { graphSignatureProblem } from './graph-signature.js';
import { graphInputNode, graphWiringProblem } from './graph-wiring.js';

/** The graphs of a GraphModel record that tfjs-converter maps: its topology, its signature, and the graph that initializes its tables with the signature of its outputs. */
export interface GraphRecordGraphs {
  readonly modelTopology?: unknown;
  readonly signature?: unknown;
  readonly modelInitializer?: unknown;
  readonly initializerSignature?: unknown;
}

/** Whether tfjs-converter maps `initializer` (a record's `modelInitializer`) as a graph: it maps none whose `node` is null or absent, whatever else it holds. */
export function initializerIsMapped(initializer: unknown): initializer is Record<string, unknown> {
  return isObject(initializer) && initializer.node !== undefined && initializer.node !== null;
}

/**
 * Why tfjs cannot run the table initializer by `signature`: it runs the outputs its
 * `outputs` object's keys name and reads each entry's `resourceId`, so `outputs` must be an object
 * of objects whose keys name nodes of `initializer`; undefined when it can (or runs no initializer).
 */
function initializerSignatureProblem(signature: unknown, initializer: unknown): string | undefined {
  if (signature === undefined || signature === null || !initializerIsMapped(initializer)) return undefined;
  const outputs = isObject(signature) ? signature.outputs : undefined;
  if (!isObject(outputs)) return 'initializerSignature.outputs is not an object of tensor infos';
  const names = nodeNames(initializer.node);
  for (const [key, info] of Object.entries(outputs)) {
    if (!isObject(info)) return `initializerSignature.outputs entry "${key}" is not a tensor info`;
    if (!names.has(graphInputNode(key))) return `initializerSignature.outputs entry "${key}" is no node of the initializer`;
  }
  return undefined;
}

/**
 * Why tfjs-converter could not run a GraphModel's graphs, whatever its weights: edges it cannot
 * follow or attributes it cannot read in `modelTopology` or in `modelInitializer` (the graph tfjs
 * runs first to fill hash tables, mapped the same way: `graphWiringProblem`,
 * `graphAttributeProblem`), a signature naming no node (`graphSignatureProblem`), or an
 * `initializerSignature` whose outputs are not tensor infos keyed by the initializer's nodes;
 * undefined when none.
 */
export function graphRecordProblem(record: GraphRecordGraphs): string | undefined {
  const { modelTopology, signature, modelInitializer, initializerSignature } = record;
  const initializer = initializerIsMapped(modelInitializer) ? (graphWiringProblem(modelInitializer) ?? graphAttributeProblem(modelInitializer)) : undefined;
  return (
    graphWiringProblem(modelTopology) ??
    graphAttributeProblem(modelTopology) ??
    graphSignatureProblem(signature, modelTopology) ??
    (initializer && `modelInitializer: ${initializer}`) ??
    initializerSignatureProblem(initializerSignature, modelInitializer)
  );
}
