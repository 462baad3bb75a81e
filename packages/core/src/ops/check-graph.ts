/**
 * Checks a model's topology — node names, kinds, configurations, edges, arity, shapes, that every
 * node feeds the output — and returns it resolved: explicit inputs, normalised configurations and
 * every shape. Shared by the file reader (`BAD_HEADER`) and {@link validateModel} (`INVALID_MODEL`).
 */
import type { LayerTopology } from '../compressed.js';
import type { LayerConfig, ParamName } from '../ir/model.js';
import { DEFAULT_INPUT_NAME } from '../ir/graph.js';
import { isObject } from '../json.js';
import { ConfigReader, fail, MAX_EXTENT, show, type ValidationCode } from './config-reader.js';
import { sizeOfShape, type Shape } from './op-spec.js';
import { requiredOpset } from './opset.js';
import { opSpec, OPSET } from './table.js';

/**
 * Most nodes in a model, most inputs of a node, longest node name, highest rank, most elements of
 * one activation per sample, and of all of them together: each bounds a forged file's run, the
 * sum too (100,000 nodes at the per-activation limit would be 6.7 × 10^12; 2^30 is 16 of them, far
 * beyond a real model's: a ResNet-50 at 224 × 224 has about 5 × 10^7).
 */
export const GRAPH_LIMITS = { nodes: 100_000, inputs: 64, nameLength: 256, rank: 8, activationElements: 2 ** 26, totalActivationElements: 2 ** 30 } as const;

/** A node with everything resolved. */
export interface ResolvedNode {
  readonly name: string;
  readonly config: LayerConfig;
  /** Names of its inputs (earlier nodes or the model input), never implicit. */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** The parameters it must hold, with their shapes. */
  readonly params: Readonly<Partial<Record<ParamName, Shape>>>;
}

/** A checked graph: the input, the nodes in topological order, the output (the last node). */
export interface ResolvedGraph {
  readonly inputName: string;
  readonly inputShape: Shape;
  readonly nodes: readonly ResolvedNode[];
  /** The nodes as given, configurations read (edges explicit only where they were given). */
  readonly layers: readonly LayerTopology[];
  readonly outputShape: Shape;
}

/** Options of {@link checkGraph}. */
export interface CheckGraphOptions {
  /** The op set the topology claims (default: {@link OPSET}); kinds, fields and activations beyond it are refused. */
  readonly opset?: number;
  /** Whether nodes may carry `params` (IR models) or not (file headers). */
  readonly params?: boolean;
}

/** The untrusted topology to check: what a header or an IR model holds. */
export interface TopologyInput {
  readonly inputShape: unknown;
  readonly inputName?: unknown;
  readonly layers: unknown;
}

function readShape(v: unknown, where: string, code: ValidationCode): Shape {
  if (!Array.isArray(v) || v.length < 1 || v.length > GRAPH_LIMITS.rank) fail(code, where, `must be an array of 1 to ${GRAPH_LIMITS.rank} extents, got ${show(v)}`);
  const shape = v.map((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_EXTENT) fail(code, `${where}[${i}]`, `must be an integer in [1, ${MAX_EXTENT}], got ${show(d)}`);
    return d;
  });
  if (sizeOfShape(shape) > GRAPH_LIMITS.activationElements) fail(code, where, `has more than ${GRAPH_LIMITS.activationElements} elements`);
  return shape;
}

/**
 * Checks `topology` under op set `opset` and resolves it. Throws `code` (with the node and field
 * in the message) on the first problem.
 */
export function checkGraph(topology: TopologyInput, code: ValidationCode, options: CheckGraphOptions = {}): ResolvedGraph {
  const opset = options.opset ?? OPSET;
  const fields = options.params === false ? ['name', 'config', 'inputs'] : ['name', 'config', 'inputs', 'params'];
  const inputShape = readShape(topology.inputShape, 'model.inputShape', code);
  const inputName = topology.inputName ?? DEFAULT_INPUT_NAME;
  if (typeof inputName !== 'string' || inputName.length < 1 || inputName.length > GRAPH_LIMITS.nameLength) fail(code, 'model.inputName', `must be a name of 1 to ${GRAPH_LIMITS.nameLength} characters`);
  const layers = topology.layers;
  if (!Array.isArray(layers)) fail(code, 'model.layers', 'must be an array');
  if (layers.length < 1 || layers.length > GRAPH_LIMITS.nodes) fail(code, 'model.layers', `must hold 1 to ${GRAPH_LIMITS.nodes} nodes, got ${layers.length}`);
  const shapes = new Map<string, Shape>([[inputName, inputShape]]);
  const nodes: ResolvedNode[] = [];
  const given: LayerTopology[] = [];
  let activations = 0;
  layers.forEach((raw: unknown, i) => {
    const at = `model.layers[${i}]`;
    if (!isObject(raw)) fail(code, at, 'must be an object');
    const name = raw.name;
    if (typeof name !== 'string' || name.length < 1 || name.length > GRAPH_LIMITS.nameLength) fail(code, `${at}.name`, `must be a name of 1 to ${GRAPH_LIMITS.nameLength} characters, got ${show(name)}`);
    const where = `layer "${name}"`;
    if (shapes.has(name)) fail(code, where, name === inputName ? 'has the model input\'s name' : 'is a duplicate name');
    for (const key of Object.keys(raw)) if (!fields.includes(key) && raw[key] !== undefined) fail(code, where, `unknown field "${key}"`);
    if (!isObject(raw.config)) fail(code, `${where}.config`, 'must be an object');
    const spec = opSpec(raw.config.kind);
    if (!spec) fail(code, `${where}.config.kind`, `${show(raw.config.kind)} is not a known node kind`);
    if (spec.since > opset) fail(code, `${where}.config.kind`, `"${spec.kind}" needs op set ${spec.since}, the file declares ${opset}`);
    const reader = new ConfigReader(raw.config, `${where}.config`, code);
    const config = spec.read(reader);
    reader.done();
    const inputs = resolveInputs(raw.inputs, i === 0 ? inputName : nodes[i - 1].name, where, code);
    if (inputs.length < spec.arity[0] || inputs.length > spec.arity[1]) fail(code, `${where}.inputs`, `"${spec.kind}" takes ${spec.arity[0]}${spec.arity[1] > spec.arity[0] ? ` to ${spec.arity[1]}` : ''} inputs, got ${inputs.length}`);
    const inputShapes = inputs.map((n) => {
      const s = shapes.get(n);
      if (!s) fail(code, `${where}.inputs`, `"${n}" is neither the model input nor an earlier node`);
      return s;
    });
    const site = { where, code };
    const outputShape = spec.outputShape(config, inputShapes, site);
    if (outputShape.length > GRAPH_LIMITS.rank || sizeOfShape(outputShape) > GRAPH_LIMITS.activationElements) fail(code, where, `output [${outputShape.join(', ')}] exceeds the limits`);
    activations += sizeOfShape(outputShape);
    if (activations > GRAPH_LIMITS.totalActivationElements) fail(code, where, `brings the model's activations to more than ${GRAPH_LIMITS.totalActivationElements} elements per sample`);
    shapes.set(name, outputShape);
    nodes.push({ name, config, inputs, inputShapes, outputShape, params: spec.params(config, inputShapes) });
    given.push({ name, config, ...(raw.inputs === undefined ? {} : { inputs }) });
  });
  assertAllFeedOutput(nodes, inputName, code);
  const needs = requiredOpset({ ...(topology.inputName === undefined ? {} : { inputName }), layers: given });
  if (needs > opset) fail(code, 'model', `uses fields or activations of op set ${needs}, but declares op set ${opset}`);
  return { inputName, inputShape, nodes, layers: given, outputShape: nodes[nodes.length - 1].outputShape };
}

function resolveInputs(v: unknown, implicit: string, where: string, code: ValidationCode): string[] {
  if (v === undefined) return [implicit];
  if (!Array.isArray(v) || v.length > GRAPH_LIMITS.inputs || v.some((n) => typeof n !== 'string')) fail(code, `${where}.inputs`, `must be an array of up to ${GRAPH_LIMITS.inputs} node names`);
  return v as string[];
}

/** Every node and the model input must contribute to the output (the last node). */
function assertAllFeedOutput(nodes: readonly ResolvedNode[], inputName: string, code: ValidationCode): void {
  const needed = new Set([nodes[nodes.length - 1].name]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!needed.has(nodes[i].name)) fail(code, `layer "${nodes[i].name}"`, 'does not feed the model output (the last node)');
    for (const n of nodes[i].inputs) needed.add(n);
  }
  if (!needed.has(inputName)) fail(code, 'model', 'the output does not depend on the model input');
}
