/**
 * Checks a parsed JSON header field by field, so that a malformed or hostile header gives
 * `BAD_HEADER` (any field; so the order of these checks does not matter) and then, from the
 * section table, `OUT_OF_BOUNDS` or `BAD_HEADER` (section-table.ts): never a wrong model or an
 * unhandled exception later.
 */
import { DcError } from '../errors/dc-error.js';
import { checkGraph, type ResolvedGraph } from '../ops/check-graph.js';
import type { Shape } from '../ops/op-spec.js';
import { OPSET } from '../ops/table.js';
import { isGraphModelVersion, LAYERS_MODEL_RECORD_FORMAT_VERSION, SEEDED_CONNECTIVITY_FORMAT_VERSION, type ContainerHeader, type ModelHeader } from './header.js';
import { checkSectionTable } from './section-table.js';
import { preprocessingOf } from './validate-preprocessing.js';
import { trainingOf } from './validate-training.js';
import { arr, bad, int, noOtherFields, obj, provenanceOf, str, tensorOf } from './validate-tensor.js';

const MODEL_FIELDS = ['name', 'inputShape', 'inputName', 'layers', 'preprocessing', 'training'];

/** Checks the model part: topology through the op table, under the file's op set. */
function modelOf(v: unknown, opset: number): { model: ModelHeader; graph: ResolvedGraph } {
  const model = obj(v, 'model');
  noOtherFields(model, MODEL_FIELDS, 'model');
  const name = str(model.name, 'model.name');
  const graph = checkGraph({ inputShape: model.inputShape, inputName: model.inputName, layers: model.layers }, 'BAD_HEADER', { opset, params: false });
  return {
    graph,
    model: {
      name,
      inputShape: graph.inputShape,
      ...(model.inputName === undefined ? {} : { inputName: graph.inputName }),
      layers: graph.layers,
      ...(model.preprocessing === undefined ? {} : { preprocessing: preprocessingOf(model.preprocessing, 'model.preprocessing', graph.inputShape[graph.inputShape.length - 1]) }),
      ...(model.training === undefined ? {} : { training: trainingOf(model.training, 'model.training') }),
    },
  };
}

/**
 * Validates the parsed header of a file of format `version` whose data area holds `dataLength`
 * bytes: every field, the topology through the op table, and that the tensors are exactly the
 * parameters the nodes need, with their shapes. Seeded connectivity (§2.10) only in version 7.
 */
export function validateHeader(json: unknown, dataLength: number, version = 2): ContainerHeader {
  if (version === LAYERS_MODEL_RECORD_FORMAT_VERSION) {
    throw new DcError('WRONG_MODEL_FORMAT', `the file keeps a tfjs LayersModel's model.json as given (format version ${version}), not a layer graph`, {
      hint: 'Load it with dcmLayersModelHandler from @dc/graph-model (tf.loadLayersModel), or read it with decodeGraphModelContainer from @dc/core.',
    });
  }
  if (isGraphModelVersion(version)) {
    throw new DcError('WRONG_MODEL_FORMAT', `the file holds a tfjs GraphModel (format version ${version}), not a layer graph`, {
      hint: 'Load it with dcmGraphModelHandler from @dc/graph-model (tf.loadGraphModel), or read it with decodeGraphModelContainer from @dc/core.',
    });
  }
  const root = obj(json, 'header');
  const opset = version === 1 ? (root.opset === undefined ? 1 : bad('a version 1 header has no opset')) : int(root.opset, 'opset', 1, 65535);
  if (opset > OPSET) {
    throw new DcError('UNSUPPORTED_VERSION', `the file needs op set ${opset}; this @dc/core implements op set ${OPSET}`, { hint: 'Upgrade @dc/core (and the runtime) to read this file.' });
  }
  const { model, graph } = modelOf(root.model, opset);
  const expected = new Map<string, Shape>();
  for (const node of graph.nodes) for (const [param, shape] of Object.entries(node.params)) expected.set(`${node.name}/${param}`, shape!);
  const { stages, decoders } = provenanceOf(root);
  const checkKey = (key: string, shape: readonly number[]): void => {
    const want = expected.get(key);
    if (!want) bad(`tensor key "${key}" is not a parameter of a node in the model (see each kind's parameters in docs/format.md §6)`, key);
    if (shape.length !== want.length || shape.some((d, j) => d !== want[j])) bad(`tensor ${key}: shape [${shape.join(', ')}] does not match its node, which needs [${want.join(', ')}]`, key);
  };
  const seeded = version === SEEDED_CONNECTIVITY_FORMAT_VERSION;
  const tensors = arr(root.tensors, 'tensors').map((t, i) => tensorOf(t, i, { checkKey, dtypes: false, seeded }));
  const keys = new Set(tensors.map((t) => t.key));
  if (keys.size !== tensors.length) bad('tensors has duplicate keys');
  const missing = [...expected.keys()].filter((k) => !keys.has(k));
  if (missing.length > 0) bad(`tensors lacks ${missing.map((k) => `"${k}"`).join(', ')}, which the model's nodes need`, missing[0]);
  checkSectionTable(tensors, dataLength);
  return { opset, model, stages, decoders, tensors };
}
