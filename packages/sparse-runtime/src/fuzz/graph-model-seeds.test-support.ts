/**
 * Fuzz seeds of format version 4 (a tfjs GraphModel): a small hand-written GraphDef (its `Const`
 * nodes declaring type and shape, as the converter writes them) whose float32 weights use every
 * layout (codebook indices sparse and dense, float values sparse and dense, f16 where exact) and
 * whose int32 and bool weights are raw `i32` / `u8` streams; the same graph with its kernel on an
 * integer grid with per-channel scales (format version 9: a 4-byte `range` codebook, §9.6); the
 * same weights under a LayersModel's record (format version 8, docs/format.md §9.5); and how a fuzz case of such a file is judged: a
 * `DcError`, or a decode whose record matches its version, whose `Const` nodes each have their
 * weight of the declared shape and dtype, and whose weights all match their shapes and dtypes
 * (float values may be infinite or NaN; centroids may not).
 */
import { createRandom, decodeGraphModelContainer, encodeGraphModelContainer, graphAttributeProblem, graphConstProblem, graphSignatureProblem, graphTensorValues, graphWiringProblem, isDcError, kerasLayerGraphProblem, LAYERS_MODEL_RECORD_FORMAT_VERSION, type GraphModelRecord, type GraphModelWeight } from '@dc/core';
import { huffmanEncoder } from '@dc/huffman';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';

/** The outcome of a GraphModel case that decoded with every invariant holding. */
export const GRAPH_DECODED = 'decoded GraphModel: weights match shapes and dtypes';
/** The outcome of a LayersModel-record case (format version 8) that decoded with every invariant holding. */
export const LAYERS_DECODED = 'decoded LayersModel record: weights match shapes and dtypes';

/** A `Const` node as tensorflowjs_converter writes it: its type and its value's shape declared (the reader checks both against the weight). */
const constNode = (name: string, dtype: string, shape: readonly number[]) => ({ name, op: 'Const', attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } } });

/**
 * The weights of a seed: the kernel clustered on 4 centroids, or with `grid` on the integers
 * −7..7 with one scale per output channel (`float32(scale × integer)`, as a uniform quantizer
 * makes them), stored as an integer range.
 */
function weights(seed: number, grid = false): GraphModelWeight[] {
  const r = createRandom(seed);
  const floats = (n: number) => Float32Array.from({ length: n }, () => (r.next() < 0.4 ? 0 : Math.fround(r.next() - 0.5)));
  const kernel = floats(12 * 10);
  const positions = Uint32Array.from(Array.from(kernel).flatMap((v, i) => (v === 0 ? [] : [i])));
  const centroids = grid ? Float32Array.from({ length: 15 }, (_, i) => i - 7) : Float32Array.of(-0.375, -0.125, 0.125, 0.375);
  const scales = grid ? Float32Array.from({ length: 10 }, (_, c) => 2 ** -(4 + (c % 3))) : undefined;
  const codes = Uint8Array.from(positions, () => r.int(centroids.length));
  const coded = new Float32Array(kernel.length);
  positions.forEach((p, i) => (coded[p] = scales ? Math.fround(scales[p % 10] * centroids[codes[i]]) : centroids[codes[i]]));
  const half = Float32Array.from({ length: 24 }, (_, i) => (i % 3) * 0.25 - 0.5);
  return [
    { name: 'net/dense/kernel', dtype: 'float32', shape: [12, 10], values: coded, codebook: { bits: grid ? 4 : 2, centroids, positions, codes, ...(scales ? { scales } : {}) } },
    { name: 'net/dense/bias', dtype: 'float32', shape: [10], values: floats(10) },
    { name: 'net/conv/filter', dtype: 'float32', shape: [2, 2, 3, 4], values: floats(48), mask: Uint8Array.from({ length: 48 }, (_, i) => (i % 3 === 0 ? 1 : 0)) },
    { name: 'net/scale', dtype: 'float32', shape: [4, 6], values: half },
    { name: 'net/reshape/shape', dtype: 'int32', shape: [2], values: Int32Array.of(-1, 10) },
    { name: 'net/select/cond', dtype: 'bool', shape: [10], values: Uint8Array.from({ length: 10 }, (_, i) => i % 2) },
  ];
}

/**
 * A LayersModel's record as a converter writes it: the Keras topology inside `model_config`, its
 * layers wired by `inbound_nodes` (so that mutations reach the wiring check, docs/format.md §9.5).
 */
const layersRecord: GraphModelRecord = {
  format: 'layers-model',
  modelTopology: {
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: {
        name: 'net',
        layers: [
          { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, 10] }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'dense', config: { name: 'dense', units: 10 }, inbound_nodes: [[['x', 0, 0, {}]]] },
          { class_name: 'Dense', name: 'head', config: { name: 'head', units: 10 }, inbound_nodes: [[['dense', 0, 0, {}]]] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['head', 0, 0]],
      },
    },
  },
  generatedBy: 'keras v2.15.0',
  convertedBy: 'TensorFlow.js Converter v4.22.0',
  trainingConfig: { loss: 'categorical_crossentropy', metrics: ['accuracy'] },
};

/**
 * The bytes of the seed files of the model.json-record versions: three GraphModel files (Huffman
 * coding only; every coder with an input scaling record; Huffman coding with an integer-range
 * codebook, version 9) and a LayersModel record's (version 8).
 */
export function graphModelSeedFiles(): Array<{ name: string; bytes: Uint8Array }> {
  const layers = encodeGraphModelContainer({ graph: layersRecord, weights: weights(42), stages: [{ name: 'fuzz:seed', options: {} }] }, { encoders: [huffmanEncoder] }).bytes;
  return [...graphSeedFiles(), { name: 'layers-model-record', bytes: layers }];
}

function graphSeedFiles(): Array<{ name: string; bytes: Uint8Array }> {
  return [0, 1, 2].map((variant) => {
    const ws = weights(40 + variant, variant === 2);
    const consts = ws.map((w) => constNode(w.name, w.dtype === 'float32' ? 'DT_FLOAT' : w.dtype === 'int32' ? 'DT_INT32' : 'DT_BOOL', w.shape));
    // Edges of every form (plain, with an output index, a control input), so that mutations reach the wiring check,
    // a window's attributes and a signature, so that they reach the attribute and signature checks.
    const pool = { name: 'net/pool', op: 'MaxPool', input: ['x'], attr: { ksize: { list: { i: ['1', '2', '2', '1'] } }, strides: { list: { i: ['1', '2', '2', '1'] } }, padding: { s: btoa('SAME') }, explicit_paddings: { list: {} } } };
    const edges = [pool, { name: 'net/sum', op: 'Identity', input: ['net/pool', `^${ws[0].name}`] }, { name: 'net/out', op: 'Identity', input: ['net/sum:0'] }];
    const node = [{ name: 'x', op: 'Placeholder', attr: {} }, ...consts, ...edges];
    const graph = { format: 'graph-model' as const, modelTopology: { node, versions: { producer: 1 } }, signature: { inputs: { image: { name: 'x:0', dtype: 'DT_FLOAT' } }, outputs: { score: { name: 'net/out:0', dtype: 'DT_FLOAT' } } }, userDefinedMetadata: { seed: variant } };
    // The second records a per-channel input scaling (format §9.1), so mutations reach its checks.
    const preprocessing = variant === 1 ? { preprocessing: { scale: [2 / 255, 2 / 255, 1 / 255], offset: [-1, -1, 0] } } : {};
    const bytes = encodeGraphModelContainer({ graph, weights: ws, stages: [{ name: 'fuzz:seed', options: {} }], ...preprocessing }, variant === 1 ? {} : { encoders: [huffmanEncoder] }).bytes;
    return { name: variant === 2 ? 'graph-model-ranges' : `graph-model-${variant}`, bytes };
  });
}

/** Judges a GraphModel fuzz case: a `DcError` code, the decoded outcome, or a finding (with detail). */
export function classifyGraphModel(bytes: Uint8Array): { outcome: string; detail?: string; finding?: boolean } {
  let decoded;
  try {
    decoded = decodeGraphModelContainer(bytes, { decoders: [huffmanDecoder, ransDecoder] });
  } catch (e) {
    if (isDcError(e)) return { outcome: e.code };
    return { outcome: 'NOT A DcError (decode)', detail: String((e as Error)?.message).slice(0, 160), finding: true };
  }
  // The record is the version's: a LayersModel's (a Keras model config) in version 8, a GraphModel's in 4-6 and 9.
  const version = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const layers = version === LAYERS_MODEL_RECORD_FORMAT_VERSION;
  if (decoded.graph.format !== (layers ? 'layers-model' : 'graph-model')) return { outcome: 'INVARIANT BROKEN', detail: `graph.format ${JSON.stringify(decoded.graph.format)} in a version ${version} file`, finding: true };
  const topology = decoded.graph.modelTopology;
  const keras = (topology.model_config ?? topology) as { class_name?: unknown; config?: unknown };
  if (layers && (typeof keras.class_name !== 'string' || typeof keras.config !== 'object' || keras.config === null || Array.isArray(keras.config))) {
    return { outcome: 'INVARIANT BROKEN', detail: `a LayersModel topology without class_name / config: ${JSON.stringify(topology).slice(0, 120)}`, finding: true };
  }
  // What tfjs would trip over when it runs the graph: an edge it cannot follow, an attribute it cannot read, a signature naming no node, a Const without its weight,
  // or of another shape or dtype; or loop on forever when it builds the layers: a call waiting for an input no layer makes.
  const tripped = layers ? kerasLayerGraphProblem(topology) : (graphWiringProblem(topology) ?? graphAttributeProblem(topology) ?? graphSignatureProblem(decoded.graph.signature, topology) ?? graphConstProblem(topology, decoded.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }))));
  if (tripped) return { outcome: 'INVARIANT BROKEN', detail: tripped, finding: true };
  const p = decoded.preprocessing;
  if (p && (p.scale.length === 0 || p.scale.length !== p.offset.length || ![...p.scale, ...p.offset].every(Number.isFinite))) {
    return { outcome: 'INVARIANT BROKEN', detail: `preprocessing ${JSON.stringify(p)}`, finding: true };
  }
  const names = new Set<string>();
  for (const t of decoded.tensors) {
    const values = graphTensorValues(t);
    const size = t.shape.reduce((a, b) => a * b, 1);
    const type = t.dtype === 'float32' ? Float32Array : t.dtype === 'int32' ? Int32Array : Uint8Array;
    const problem =
      names.has(t.name) ? 'a repeated weight name'
      : values.length !== size ? `${values.length} values for shape [${t.shape.join(', ')}]`
      : !(values instanceof type) ? `values of ${t.dtype} as ${values.constructor.name}`
      : t.dtype === 'float32' && t.tensor.layout.endsWith('coded') && (t.tensor as { codebook: Float32Array }).codebook.some((v) => !Number.isFinite(v)) ? 'a non-finite centroid'
      : t.dtype === 'bool' && values.some((v) => v > 1) ? 'a bool other than 0 / 1'
      : undefined;
    if (problem) return { outcome: 'INVARIANT BROKEN', detail: `${t.name}: ${problem}`, finding: true };
    names.add(t.name);
  }
  return { outcome: layers ? LAYERS_DECODED : GRAPH_DECODED };
}
