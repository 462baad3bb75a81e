/**
 * The header of a format version 4 file, which carries a tfjs GraphModel: the model.json fields
 * other than the weights (the GraphDef topology kept exactly as given, its signature and metadata)
 * and one tensor entry per manifest weight, keyed by the weight's name. docs/format.md §9. A
 * version 8 file has the same header with a LayersModel's record (§9.5); versions 5, 6 and 9 add
 * to the tensor entries (§9.3, §9.4, §9.6).
 */
import type { StageProvenance } from '../compressed.js';
import type { Preprocessing } from '../ir/model.js';
import { graphConstProblem } from './graph-consts.js';
import { graphRecordProblem, initializerIsMapped } from './graph-record.js';
import { CHANNEL_SCALES_FORMAT_VERSION, FLOAT_PLANES_FORMAT_VERSION, GRAPH_MODEL_FORMAT_VERSION, INTEGER_RANGE_FORMAT_VERSION, LAYERS_MODEL_RECORD_FORMAT_VERSION, type TensorHeader } from './header.js';
import { kerasLayerGraphProblem } from './keras-layer-graph.js';
import { checkSectionTable } from './section-table.js';
import { preprocessingOf } from './validate-preprocessing.js';
import { arr, bad, noOtherFields, obj, provenanceOf, str, tensorOf, type Obj } from './validate-tensor.js';

/**
 * What a GraphModel's model.json holds besides its weights manifest, kept as given; in a version 8
 * file, a LayersModel's (`format: "layers-model"`).
 */
export interface GraphModelRecord {
  readonly format: 'graph-model' | 'layers-model';
  /**
   * The TensorFlow GraphDef in JSON (`node`, `library`, `versions`), never changed; for a
   * LayersModel its Keras topology (`class_name` and `config`, or those inside `model_config`).
   */
  readonly modelTopology: Readonly<Record<string, unknown>>;
  readonly signature?: Readonly<Record<string, unknown>>;
  readonly userDefinedMetadata?: Readonly<Record<string, unknown>>;
  readonly modelInitializer?: Readonly<Record<string, unknown>>;
  readonly initializerSignature?: Readonly<Record<string, unknown>>;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  /** A LayersModel's loss, metrics and optimizer as model.json keeps them (version 8 only). */
  readonly trainingConfig?: Readonly<Record<string, unknown>>;
}

/** The validated header of a version 4 file. */
export interface GraphModelHeader {
  readonly graph: GraphModelRecord;
  readonly stages: readonly StageProvenance[];
  readonly decoders: Readonly<Record<string, string>>;
  /** One entry per weight, in manifest order, each with its `dtype`. */
  readonly tensors: readonly TensorHeader[];
  /**
   * How the model's (one) input was made from raw data when it was compressed, `x = raw · scale +
   * offset` (e.g. photographs' bytes for a model trained on [-1, 1]); informative: the graph runs
   * the same without it, and readers that do not know it ignore it.
   */
  readonly preprocessing?: Preprocessing;
}

/** The optional object members of {@link GraphModelRecord}. */
const OBJECT_FIELDS = ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const;
const GRAPH_FIELDS = ['format', 'modelTopology', 'generatedBy', 'convertedBy', 'trainingConfig', ...OBJECT_FIELDS];

/** Names of the `Const` nodes of a GraphDef's `node` list (or a function's `nodeDef` list). */
function constNames(nodes: unknown, what: string, into: Set<string>): void {
  arr(nodes, what).forEach((n, i) => {
    const node = obj(n, `${what}[${i}]`);
    const name = str(node.name, `${what}[${i}].name`);
    if (str(node.op, `${what}[${i}].op`) === 'Const') into.add(name);
  });
}

/** Checks a LayersModel's topology: a Keras model config (`class_name`, `config`), bare or as `model_config`, whose layer calls tfjs can wire (`kerasLayerGraphProblem`). */
function checkKerasTopology(topology: Obj): void {
  const model = topology.model_config === undefined ? topology : obj(topology.model_config, 'graph.modelTopology.model_config');
  str(model.class_name, 'graph.modelTopology class_name');
  obj(model.config, 'graph.modelTopology config');
  const wiring = kerasLayerGraphProblem(topology);
  if (wiring) bad(`graph.modelTopology: ${wiring}`);
}

/**
 * Checks the `graph` member and returns it with the names a weight may have (a GraphModel's
 * `Const` nodes; undefined for a LayersModel, whose weights tfjs matches to its layers when it loads).
 */
function graphOf(v: unknown, version: number): { graph: GraphModelRecord; consts?: Set<string> } {
  const g = obj(v, 'graph');
  noOtherFields(g, GRAPH_FIELDS, 'graph');
  const format = version === LAYERS_MODEL_RECORD_FORMAT_VERSION ? 'layers-model' : 'graph-model';
  if (g.format !== format) bad(`graph.format must be "${format}" in a version ${version} file`);
  const topology = obj(g.modelTopology, 'graph.modelTopology');
  for (const f of OBJECT_FIELDS) if (g[f] !== undefined) obj(g[f], `graph.${f}`);
  if (g.generatedBy !== undefined) str(g.generatedBy, 'graph.generatedBy');
  if (g.convertedBy !== undefined && g.convertedBy !== null) str(g.convertedBy, 'graph.convertedBy');
  if (g.trainingConfig !== undefined && format !== 'layers-model') bad('graph.trainingConfig belongs to a LayersModel record (version 8)');
  if (format === 'layers-model') {
    if (g.trainingConfig !== undefined) obj(g.trainingConfig, 'graph.trainingConfig');
    checkKerasTopology(topology);
    return { graph: g as unknown as GraphModelRecord };
  }
  const consts = new Set<string>();
  constNames(topology.node, 'graph.modelTopology.node', consts);
  if (topology.library !== undefined) {
    const functions = obj(topology.library, 'graph.modelTopology.library').function;
    if (functions !== undefined) arr(functions, 'graph.modelTopology.library.function').forEach((f, i) => constNames(obj(f, `function ${i}`).nodeDef ?? [], `function ${i}: nodeDef`, consts));
  }
  const initializer = g.modelInitializer === undefined ? undefined : obj(g.modelInitializer, 'graph.modelInitializer');
  if (initializerIsMapped(initializer)) constNames(initializer.node, 'graph.modelInitializer.node', consts);
  return { graph: g as unknown as GraphModelRecord, consts };
}

/**
 * Validates the parsed header of a version 4 file (5: per-channel `scales` streams allowed; 6: and
 * float streams as coded byte planes; 8: a version 6 header with a LayersModel's record; 9: a
 * version 6 header whose `f32` codebooks may be integer ranges) whose data
 * area holds `dataLength` bytes: the model.json record, each tensor entry (a GraphModel's keys the
 * names of `Const` nodes, every `Const` node's weight present and of the shape and dtype it
 * declares: `graphConstProblem`; keys unique; in the graph and its initializer, node names unique,
 * inputs naming nodes, no cycle but a loop, attributes tfjs can read, window geometry TensorFlow
 * takes, and a signature whose entries name nodes: `graphRecordProblem`), and the section table. `BAD_HEADER` / `OUT_OF_BOUNDS` as
 * for every version (docs/format.md §4).
 */
export function validateGraphModelHeader(json: unknown, dataLength: number, version: number = GRAPH_MODEL_FORMAT_VERSION): GraphModelHeader {
  const root: Obj = obj(json, 'header');
  const { graph, consts } = graphOf(root.graph, version);
  const { stages, decoders } = provenanceOf(root);
  const checkKey = (key: string): void => {
    if (consts && !consts.has(key)) bad(`tensor key "${key}" names no Const node of the graph`, key);
  };
  const rules = {
    checkKey,
    dtypes: true,
    scales: version >= CHANNEL_SCALES_FORMAT_VERSION,
    floatPlanes: version >= FLOAT_PLANES_FORMAT_VERSION,
    // Not version 8, which is below 9: a LayersModel's record has no ranges.
    integerRanges: version >= INTEGER_RANGE_FORMAT_VERSION,
  };
  const tensors = arr(root.tensors, 'tensors').map((t, i) => tensorOf(t, i, rules));
  if (new Set(tensors.map((t) => t.key)).size !== tensors.length) bad('tensors has duplicate keys');
  if (consts) {
    const graphProblem = graphRecordProblem(graph);
    if (graphProblem) bad(graphProblem);
    const problem = graphConstProblem(graph.modelTopology, tensors.map((t) => ({ name: t.key, ...(t.dtype ? { dtype: t.dtype } : {}), shape: t.shape })));
    if (problem) bad(problem);
  }
  checkSectionTable(tensors, dataLength);
  const preprocessing = root.preprocessing === undefined ? undefined : preprocessingOf(root.preprocessing, 'preprocessing');
  return { graph, stages, decoders, tensors, ...(preprocessing ? { preprocessing } : {}) };
}
